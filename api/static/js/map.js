// The map: country outlines shipped with the package (Natural Earth via world-atlas, no tile
// server), the areas of control from /areas.geojson under the markers, one marker per place.
/* global L, topojson */

// Syria's main cities keep their labels at the overview (when their controller is known).
const MAIN = ["damascus", "aleppo", "homs", "hama", "latakia", "idlib", "raqqa", "deir-ez-zor",
  "daraa", "as-suwayda", "al-hasakah", "qamishli", "tartus", "palmyra", "abu-kamal", "manbij",
  "quneitra"];
const SVGNS = "http://www.w3.org/2000/svg";

/** Where a marker stacks (the selected one goes above all): held places above grey ones, the
 *  labelled places above the towns around them, towns above districts. */
function stacking(place, held, labelled) {
  if (!held) return 0;
  if (place.kind === "district" || place.parent) return 300;
  return labelled ? 700 : 500;
}

/** The bounds of [lon, lat] rings of a GeoJSON geometry, as [[s, w], [n, e]]. */
function geometryBounds(geometry) {
  let s = 90, w = 180, n = -90, e = -180;
  const walk = (c) => {
    if (typeof c[0] === "number") {
      w = Math.min(w, c[0]); e = Math.max(e, c[0]); s = Math.min(s, c[1]); n = Math.max(n, c[1]);
    } else c.forEach(walk);
  };
  walk(geometry.coordinates);
  return [[s, w], [n, e]];
}

function overlaps(a, b) {
  return a[0][0] <= b[1][0] && b[0][0] <= a[1][0] && a[0][1] <= b[1][1] && b[0][1] <= a[1][1];
}

/** Edges shared by areas of different controllers: the front lines. Neighbouring areas share
 *  their edges vertex for vertex (the server cuts them from one diagram), so an edge is a pair
 *  of rounded points, found in both. */
export function frontLines(features) {
  const owner = new Map();
  const lines = [];
  const key = (p) => `${p[0].toFixed(6)},${p[1].toFixed(6)}`;
  for (const f of features) {
    const controller = f.properties.controller;
    if (!controller || !f.geometry) continue;
    for (const polygon of f.geometry.coordinates) {
      for (const ring of polygon) {
        for (let i = 1; i < ring.length; i++) {
          const a = key(ring[i - 1]);
          const b = key(ring[i]);
          const edge = a < b ? `${a}|${b}` : `${b}|${a}`;
          const other = owner.get(edge);
          if (other === undefined) owner.set(edge, controller);
          else if (other !== controller) lines.push([[ring[i - 1][1], ring[i - 1][0]], [ring[i][1], ring[i][0]]]);
        }
      }
    }
  }
  return lines;
}

export class ControlMap {
  constructor(element, worldUrl, onSelect) {
    this.element = element;
    this.onSelect = onSelect;
    this.markers = new Map();
    this.selected = null;
    this.rank = new Map(); // place id -> importance (lower is more important)
    this.states = new Map();
    this.fitted = null;
    this.map = L.map(element, {
      zoomSnap: 0.25, minZoom: 2, maxZoom: 13, worldCopyJump: false, attributionControl: true,
    });
    this.map.attributionControl.setPrefix(false);
    this.map.attributionControl.addAttribution("Outlines: Natural Earth");
    this.map.setView([34.8, 38.9], 6.5);
    this.map.createPane("outlines").style.zIndex = 250;
    this.map.createPane("areas").style.zIndex = 350;
    this.map.createPane("fronts").style.zIndex = 360;
    this.areaRenderer = L.svg({ pane: "areas" });
    this.outlineLayer = L.layerGroup().addTo(this.map);
    this.areaLayer = L.layerGroup().addTo(this.map);
    this.frontLayer = L.layerGroup().addTo(this.map);
    this.world = fetch(worldUrl)
      .then((r) => r.json())
      .then((topo) => topojson.feature(topo, topo.objects.countries).features
        .map((f) => ({ feature: f, bounds: geometryBounds(f.geometry) })))
      .catch(() => []); // outlines are context only
    this.map.on("zoomend", () => this.label());
  }

  /** The places loaded: markers for each, the map fitted to their extent, and the outlines of
   *  the countries around them. `claimed` lists place ids with control claims (label first). */
  setPlaces(places, claimed = []) {
    const order = new Map(claimed.map((id, i) => [id, i]));
    for (const place of places) {
      const main = MAIN.indexOf(place.id);
      const small = place.kind === "district" || place.parent;
      this.rank.set(place.id, main >= 0 ? main : (order.has(place.id) ? 100 + order.get(place.id) : (small ? 1e6 : 1e5)));
      if (this.markers.has(place.id) || typeof place.lat !== "number" || typeof place.lon !== "number") continue;
      const size = small ? 10 : 14;
      const icon = L.divIcon({
        className: "city-marker", html: '<span class="dot"></span>',
        iconSize: [size, size], iconAnchor: [size / 2, size / 2],
      });
      const marker = L.marker([place.lat, place.lon], { icon, keyboard: false, riseOnHover: true, title: place.name });
      marker.on("click", () => this.onSelect(place.id));
      marker.addTo(this.map);
      const el = marker.getElement();
      el.dataset.cityId = place.id;
      el.setAttribute("role", "img"); // its aria-label says who holds the place; the panel has the rest
      el.dataset.status = "unknown";
      this.markers.set(place.id, { marker, place, el, labelled: false });
    }
    this.fit();
  }

  /** Fit the map to the places' extent (once, and again when places outside it arrive). */
  fit() {
    const points = [...this.markers.values()].map((m) => m.marker.getLatLng());
    if (!points.length) return;
    const bounds = L.latLngBounds(points);
    if (this.fitted && this.fitted.contains(bounds)) return;
    this.fitted = bounds.pad(0.05);
    this.map.fitBounds(bounds, { padding: [16, 16] });
    this.map.setMaxBounds(bounds.pad(1.5));
    this.drawOutlines(bounds);
  }

  async drawOutlines(bounds) {
    const countries = await this.world;
    const around = bounds.pad(0.6);
    const box = [[around.getSouth(), around.getWest()], [around.getNorth(), around.getEast()]];
    const points = [...this.markers.values()].map((m) => m.marker.getLatLng());
    const holds = (b) => points.some((p) => p.lat >= b[0][0] && p.lat <= b[1][0] && p.lng >= b[0][1] && p.lng <= b[1][1]);
    this.outlineLayer.clearLayers();
    for (const { feature, bounds: b } of countries) {
      if (!overlaps(b, box)) continue;
      const home = holds(b);
      L.geoJSON(feature, {
        pane: "outlines", interactive: false,
        style: home ? { color: "#4b5a68", weight: 1.4, fillColor: "#fbfaf6", fillOpacity: 1 }
          : { color: "#9aa6b1", weight: 1, fillColor: "#eceeea", fillOpacity: 1 },
      }).addTo(this.outlineLayer);
    }
  }

  /** One SVG hatch pattern per colour, for contested areas. */
  hatch(colour) {
    const svg = this.areaRenderer._container;
    if (!svg) return colour;
    let defs = svg.querySelector("defs");
    if (!defs) { defs = document.createElementNS(SVGNS, "defs"); svg.prepend(defs); }
    const id = `hatch-${colour.slice(1)}`;
    if (!svg.getElementById(id)) {
      const pattern = document.createElementNS(SVGNS, "pattern");
      pattern.setAttribute("id", id);
      pattern.setAttribute("patternUnits", "userSpaceOnUse");
      pattern.setAttribute("width", "8");
      pattern.setAttribute("height", "8");
      pattern.setAttribute("patternTransform", "rotate(45)");
      const back = document.createElementNS(SVGNS, "rect");
      back.setAttribute("width", "8"); back.setAttribute("height", "8"); back.setAttribute("fill", colour);
      back.setAttribute("fill-opacity", "0.25");
      const line = document.createElementNS(SVGNS, "rect");
      line.setAttribute("width", "3.5"); line.setAttribute("height", "8"); line.setAttribute("fill", colour);
      pattern.append(back, line);
      defs.append(pattern);
    }
    return `url(#${id})`;
  }

  /** The areas of control: filled in the controller's colour, contested ones hatched, the
   *  unknown land left bare; front lines where areas of different controllers meet. */
  setAreas(collection, palette) {
    this.areaLayer.clearLayers();
    this.frontLayer.clearLayers();
    const features = (collection.features || []).filter((f) => f.properties.controller);
    for (const f of features) {
      const colour = palette.colour(f.properties.controller);
      const contested = f.properties.status === "contested";
      const layer = L.geoJSON(f, {
        pane: "areas", renderer: this.areaRenderer, interactive: false,
        style: { stroke: true, color: colour, weight: 0.8, opacity: 0.7, fillColor: colour, fillOpacity: contested ? 1 : 0.42 },
      }).addTo(this.areaLayer);
      if (contested) {
        const fill = this.hatch(colour);
        layer.eachLayer((l) => l.getElement()?.setAttribute("fill", fill));
      }
      layer.eachLayer((l) => {
        const path = l.getElement();
        if (path) {
          path.dataset.controller = f.properties.controller;
          path.dataset.status = f.properties.status;
          path.classList.add("area");
        }
      });
    }
    const lines = frontLines(features);
    if (lines.length) {
      L.polyline(lines, { pane: "fronts", interactive: false, color: "#1b1f24", weight: 2.2, opacity: 0.85, className: "front-line" })
        .addTo(this.frontLayer);
    }
  }

  setShowUnknown(show) {
    this.element.classList.toggle("show-unknown", show);
    this.showUnknown = show;
    this.label();
  }

  /** Labels by importance: Syria's main cities, then places with control claims, as many as the
   *  zoom leaves room for; only places shown (a hidden unknown place carries no label). */
  label() {
    const zoom = this.map.getZoom();
    const room = zoom < 7 ? 18 : zoom < 8.5 ? 40 : zoom < 10 ? 120 : 1e9;
    const shown = [...this.markers.values()]
      .filter((m) => this.showUnknown || (this.states.get(m.place.id)?.controller))
      .sort((a, b) => (this.rank.get(a.place.id) ?? 1e7) - (this.rank.get(b.place.id) ?? 1e7));
    const wanted = new Set(shown.slice(0, room).filter((m) => (this.rank.get(m.place.id) ?? 1e7) < 1e6 || zoom >= 10).map((m) => m.place.id));
    for (const m of this.markers.values()) {
      const want = wanted.has(m.place.id);
      if (want && !m.labelled) {
        m.marker.bindTooltip(m.place.name, { permanent: true, direction: "right", offset: [6, 0], className: "city-label" });
        m.el.dataset.labelled = "true";
      } else if (!want && m.labelled) {
        m.marker.unbindTooltip();
        delete m.el.dataset.labelled;
      }
      m.labelled = want;
    }
  }

  /** Colour each marker: `states` maps place id -> {controller, status, stale, ring: [colours]}. */
  paint(states, palette, describe) {
    this.states = states;
    this.label();
    for (const [id, { el, place, marker, labelled }] of this.markers) {
      const s = states.get(id);
      const status = s ? s.status : "unknown";
      const colour = s && s.controller ? palette.colour(s.controller) : null;
      el.dataset.status = s && s.controller ? status : "unknown";
      el.dataset.controller = (s && s.controller) || "";
      el.classList.toggle("stale", !!(s && s.stale));
      el.classList.toggle("disputed", !!(s && s.disputed));
      if (colour) el.style.setProperty("--fill", colour); else el.style.removeProperty("--fill");
      if (s && s.ring && s.ring.length) {
        const stops = s.ring.map((c, i) => `${c} ${(i * 100) / s.ring.length}% ${((i + 1) * 100) / s.ring.length}%`);
        el.style.setProperty("--ring", `conic-gradient(${stops.join(", ")})`);
      } else {
        el.style.removeProperty("--ring");
      }
      marker.setZIndexOffset(id === this.selected ? 1000 : stacking(place, !!(s && s.controller), labelled));
      const label = describe(place, s);
      el.setAttribute("aria-label", label);
      el.title = label;
    }
  }

  flash(id) {
    const entry = this.markers.get(id);
    if (!entry) return;
    entry.el.classList.remove("flash");
    void entry.el.offsetWidth; // restart the animation
    entry.el.classList.add("flash");
  }

  select(id, pan = false, zoom = false) {
    const previous = this.markers.get(this.selected);
    if (previous) {
      previous.el.classList.remove("selected");
      previous.marker.setZIndexOffset(stacking(previous.place, !!previous.el.dataset.controller, previous.labelled));
    }
    this.selected = id;
    const entry = this.markers.get(id);
    if (!entry) return;
    entry.el.classList.add("selected");
    entry.marker.setZIndexOffset(1000);
    if (zoom) this.map.setView(entry.marker.getLatLng(), Math.max(this.map.getZoom(), 10));
    else if (pan && !this.map.getBounds().contains(entry.marker.getLatLng())) this.map.panTo(entry.marker.getLatLng());
  }

  inView(id) {
    const entry = this.markers.get(id);
    return !!entry && this.map.getBounds().contains(entry.marker.getLatLng());
  }

  onMove(callback) { this.map.on("moveend", callback); }
  invalidate() { this.map.invalidateSize(); }
}
