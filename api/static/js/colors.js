// A stable colour per faction: a fixed colour for the factions of the record, a hashed hue for any
// other; a sub-faction takes its top-level parent's hue, shaded lighter or darker by its own id.

// Colour-blind-safe hues (Okabe & Ito 2008, Paul Tol's "muted" and "bright" schemes): the
// factions that hold land at once differ in hue and lightness under deuteranopia, protanopia and
// tritanopia too (tests/e2e/test_map.py measures it); the usual conventions kept where they
// fit (government red, HTS green, SDF yellow).
const FIXED = {
  "syrian-arab-army": "#d55e00",      // vermillion
  "hts": "#009e73",                   // bluish green
  "sna": "#6b6b1f",                   // dark olive
  "sdf": "#f0e442",                   // yellow
  "isis": "#222222",
  "syrian-free-army": "#56b4e9",      // sky blue
  "southern-operations-room": "#cc79a7", // reddish purple
  "suwayda-druze-factions": "#0072b2", // blue
  "turkish-armed-forces": "#882255",  // wine
  "russian-armed-forces": "#7f4f24",  // brown
  "us-armed-forces": "#332288",       // indigo
  "idf": "#88ccee",                   // cyan
  "irgc": "#e69f00",                  // orange
  "hezbollah": "#ddcc77",             // sand
  "ahrar-al-sham": "#117733",         // green
  "national-front-for-liberation": "#44aa99", // teal
  "jaysh-al-izza": "#999933",         // olive
};

export const UNKNOWN = "#a3abb3";

function hash(text) {
  // FNV-1a, 32 bit
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h;
}

function hexToHsl(hex) {
  const n = parseInt(hex.slice(1), 16);
  const r = ((n >> 16) & 255) / 255, g = ((n >> 8) & 255) / 255, b = (n & 255) / 255;
  const max = Math.max(r, g, b), min = Math.min(r, g, b);
  const l = (max + min) / 2;
  let h = 0, s = 0;
  if (max !== min) {
    const d = max - min;
    s = l > 0.5 ? d / (2 - max - min) : d / (max + min);
    if (max === r) h = (g - b) / d + (g < b ? 6 : 0);
    else if (max === g) h = (b - r) / d + 2;
    else h = (r - g) / d + 4;
    h *= 60;
  }
  return [h, s * 100, l * 100];
}

function hslToHex(h, s, l) {
  s /= 100; l /= 100;
  const k = (n) => (n + h / 30) % 12;
  const a = s * Math.min(l, 1 - l);
  const f = (n) => l - a * Math.max(-1, Math.min(k(n) - 3, Math.min(9 - k(n), 1)));
  const to = (x) => Math.round(x * 255).toString(16).padStart(2, "0");
  return `#${to(f(0))}${to(f(8))}${to(f(4))}`;
}

function baseColour(id) {
  if (FIXED[id]) return FIXED[id];
  const h = hash(id);
  return hslToHex(h % 360, 50 + (h >> 9) % 25, 36 + (h >> 17) % 14);
}

// Sub-factions: the parent's hue, clearly lighter or darker (20+ points of lightness).
const SHADES = [24, -20, 34, -28, 44];

export class Palette {
  constructor() { this.factions = new Map(); this.cache = new Map(); }

  setFactions(list) {
    this.factions = new Map(list.map((f) => [f.id, f]));
    this.cache.clear();
  }

  root(id) {
    let current = id;
    const seen = new Set();
    while (this.factions.get(current)?.parent && !seen.has(current)) {
      seen.add(current);
      current = this.factions.get(current).parent;
    }
    return current;
  }

  colour(id) {
    if (!id) return UNKNOWN;
    if (this.cache.has(id)) return this.cache.get(id);
    const top = this.root(id);
    let colour = baseColour(top);
    if (top !== id && !FIXED[id]) {
      const [h, s, l] = hexToHsl(colour);
      const shade = SHADES[hash(id) % SHADES.length];
      let target = l + shade;
      if (target > 90 || target < 14) target = l - shade; // no room that way: shade the other way
      colour = hslToHex(h, s, Math.max(14, Math.min(90, target)));
    }
    this.cache.set(id, colour);
    return colour;
  }

  name(id) { return this.factions.get(id)?.name || id; }
}
