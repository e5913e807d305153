// Usage: npm pack world-atlas@2.0.2 topojson-client@3.1.0, unpack, then
//   NODE_PATH=<dir holding topojson-client> node extract.js world-atlas/countries-10m.json > syria-and-neighbours.json
// Syria and its neighbours from world-atlas (Natural Earth, 1:10m or 1:50m), as GeoJSON with 3-decimal coordinates.
const fs = require("fs");
const topojson = require("topojson-client");
const world = JSON.parse(fs.readFileSync(process.argv[2], "utf8"));
const wanted = {"760": "Syria", "792": "Turkey", "368": "Iraq", "400": "Jordan", "422": "Lebanon", "376": "Israel", "196": "Cyprus", "275": "Palestine"};
const all = topojson.feature(world, world.objects.countries);
const round = (c) => Array.isArray(c[0]) ? c.map(round) : [Math.round(c[0] * 1000) / 1000, Math.round(c[1] * 1000) / 1000];
const features = all.features.filter((f) => wanted[f.id]).map((f) => ({
  type: "Feature", id: f.id, properties: {name: f.properties.name, syria: f.id === "760"},
  geometry: {type: f.geometry.type, coordinates: round(f.geometry.coordinates)}}));
process.stdout.write(JSON.stringify({type: "FeatureCollection", features}));
