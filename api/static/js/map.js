// The map: country outlines shipped with the package (no tile server), one marker per place.
/* global L */

const SYRIA = [[32.3, 35.6], [37.35, 42.4]];
const LABELLED = new Set(["damascus", "aleppo", "homs", "hama", "latakia", "idlib", "raqqa",
  "deir-ez-zor", "daraa", "as-suwayda", "al-hasakah", "qamishli", "tartus", "palmyra",
  "abu-kamal", "manbij", "quneitra"]);

/** Where a marker stacks (the selected one goes above all): held places above grey ones, the
 *  labelled main cities above the towns around them (Damascus above Darayya and Jaramana, whose
 *  markers overlap it at the country's zoom), towns above districts. */
function stacking(place, held) {
  if (!held) return 0;
  if (place.kind === "district" || place.parent) return 300;
  return LABELLED.has(place.id) ? 700 : 500;
}

export class ControlMap {
  constructor(element, outlinesUrl, onSelect) {
    this.onSelect = onSelect;
    this.markers = new Map();
    this.selected = null;
    this.map = L.map(element, {
      zoomSnap: 0.25, minZoom: 5, maxZoom: 13, worldCopyJump: false, attributionControl: true,
      maxBounds: [[26, 28], [44, 50]],
    });
    this.map.attributionControl.setPrefix(false);
    this.map.attributionControl.addAttribution("Outlines: Natural Earth");
    this.map.fitBounds(SYRIA);
    this.map.createPane("outlines").style.zIndex = 250;
    this.ready = fetch(outlinesUrl)
      .then((r) => r.json())
      .then((geo) => {
        L.geoJSON(geo, {
          pane: "outlines", interactive: false,
          style: (f) => (f.properties.syria
            ? { color: "#4b5a68", weight: 1.6, fillColor: "#fbfaf6", fillOpacity: 1 }
            : { color: "#9aa6b1", weight: 1, fillColor: "#eceeea", fillOpacity: 1 }),
        }).addTo(this.map);
      })
      .catch(() => { /* outlines are context only */ });
  }

  setPlaces(places) {
    for (const place of places) {
      if (this.markers.has(place.id) || typeof place.lat !== "number" || typeof place.lon !== "number") continue;
      const small = place.kind === "district" || place.parent;
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
      if (LABELLED.has(place.id)) {
        marker.bindTooltip(place.name, { permanent: true, direction: "right", offset: [6, 0], className: "city-label" });
      }
      this.markers.set(place.id, { marker, place, el });
    }
  }

  /** Colour each marker: `states` maps place id -> {controller, status, ring: [colours]}. */
  paint(states, palette, describe) {
    for (const [id, { el, place, marker }] of this.markers) {
      const s = states.get(id);
      const status = s ? s.status : "unknown";
      const colour = s && s.controller ? palette.colour(s.controller) : null;
      el.dataset.status = s && s.controller ? status : "unknown";
      el.dataset.controller = (s && s.controller) || "";
      if (colour) el.style.setProperty("--fill", colour); else el.style.removeProperty("--fill");
      if (s && s.ring && s.ring.length) {
        const stops = s.ring.map((c, i) => `${c} ${(i * 100) / s.ring.length}% ${((i + 1) * 100) / s.ring.length}%`);
        el.style.setProperty("--ring", `conic-gradient(${stops.join(", ")})`);
      } else {
        el.style.removeProperty("--ring");
      }
      marker.setZIndexOffset(id === this.selected ? 1000 : stacking(place, !!(s && s.controller)));
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
      previous.marker.setZIndexOffset(stacking(previous.place, !!previous.el.dataset.controller));
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
