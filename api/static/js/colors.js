// A stable colour per faction: a fixed colour for the factions of the record, a hashed hue for any
// other; a sub-faction takes its top-level parent's hue, shaded lighter or darker by its own id.

const FIXED = {
  "syrian-arab-army": "#c62828",      // government: red, as on most maps of the war
  "hts": "#1b7a3a",                   // HTS and the Military Operations Command: green
  "sna": "#8a9a16",                   // Turkish-backed SNA: olive
  "sdf": "#e0a800",                   // SDF: yellow
  "isis": "#3b3b3b",
  "syrian-free-army": "#00838f",
  "southern-operations-room": "#7b1fa2",
  "suwayda-druze-factions": "#1565c0",
  "turkish-armed-forces": "#c2185b",
  "russian-armed-forces": "#6d4c41",
  "us-armed-forces": "#283593",
  "idf": "#0288d1",
  "irgc": "#ef6c00",
  "hezbollah": "#f4b400",
  "ahrar-al-sham": "#4e8a2e",
  "national-front-for-liberation": "#2f6b4f",
  "jaysh-al-izza": "#5c7f20",
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

const SHADES = [14, -10, 22, -16, 7, -5];

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
      colour = hslToHex(h, s, Math.max(18, Math.min(72, l + shade)));
    }
    this.cache.set(id, colour);
    return colour;
  }

  name(id) { return this.factions.get(id)?.name || id; }
}
