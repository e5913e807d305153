// The casualties layer (API.md v2, GET /casualties): a circle per place sized by the deaths
// reported there in the 30 days up to the chosen time, as known at the chosen record time.
// An overlay in the map's layer control, off until chosen; it reads only the public API.
/* global L */
import * as api from "./api.js";

const WINDOW_DAYS = 30;

function z(ms) {
  return new Date(ms).toISOString().replace(/\.\d{3}Z$/, "Z");
}

export class CasualtiesLayer {
  /** `controlMap`: the page's ControlMap (its Leaflet map and its places); `viewOf()` gives
   *  `{at (ms or null for now), knownAt, publishedBy (ms or null), minConfidence}`. */
  constructor(controlMap, viewOf) {
    this.controlMap = controlMap;
    this.viewOf = viewOf;
    this.layer = L.layerGroup();
    this.generation = 0;
    const map = controlMap.map;
    L.control.layers(null, { [`Deaths reported (${WINDOW_DAYS} days to the chosen time)`]: this.layer },
      { collapsed: false, position: "bottomleft" }).addTo(map);
    map.on("overlayadd", (e) => { if (e.layer === this.layer) this.refresh(); });
  }

  get visible() { return this.controlMap.map.hasLayer(this.layer); }

  async refresh() {
    if (!this.visible) return;
    const generation = ++this.generation;
    const view = this.viewOf();
    const end = view.at === null ? Date.now() : view.at;
    const params = {
      from: z(end - WINDOW_DAYS * 86400000), to: z(end + 1000), known_at: view.knownAt,
      published_by: view.publishedBy === null || view.publishedBy === undefined ? null : z(view.publishedBy),
      min_confidence: view.minConfidence, limit: 1000,
    };
    const byPlace = new Map();
    try {
      let cursor = null;
      do {
        const page = await api.get("/casualties", cursor ? { ...params, cursor } : params);
        for (const item of page.items) {
          if (!item.city) continue;
          const entry = byPlace.get(item.city) || { best: 0, civilians: 0, events: 0 };
          entry.best += item.deaths.best;
          entry.civilians += item.deaths.civilians;
          entry.events += 1;
          byPlace.set(item.city, entry);
        }
        cursor = page.next;
      } while (cursor && generation === this.generation);
    } catch {
      return; // the layer is context: the status line reports the state's own errors
    }
    if (generation !== this.generation) return; // a newer view was asked for meanwhile
    this.layer.clearLayers();
    for (const [id, entry] of byPlace) {
      const marker = this.controlMap.markers.get(id);
      if (!marker) continue;
      const { lat, lon, name } = marker.place;
      L.circleMarker([lat, lon], {
        radius: 4 + 2.5 * Math.sqrt(entry.best), color: "#8b1a1a", weight: 1,
        fillColor: "#c0392b", fillOpacity: 0.35, interactive: true,
      }).bindTooltip(`${name}: ${entry.best} killed (${entry.civilians} civilians), `
        + `${entry.events} event${entry.events === 1 ? "" : "s"}`, { className: "casualty-tooltip" })
        .addTo(this.layer);
    }
  }
}
