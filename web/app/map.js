// The incident map: Leaflet on an offline basemap (Natural Earth country
// outlines from the npm package world-atlas, served by this server), markers
// clustered with leaflet.markercluster; colour by attack type, size by
// people killed. When the server already grouped a large set by area
// (clustered GeoJSON), each group is one labelled circle.
/* global L, topojson */

const COLOURS = {
  suicide_bombing: '#b3261e', bombing_ied: '#e8710a', armed_assault: '#7b1fa2', targeted_killing: '#c2185b',
  drone_or_air_strike: '#1565c0', rocket_mortar: '#00838f', kidnapping: '#2e7d32', hijacking: '#6d4c41',
  sabotage: '#827717', other: '#546e7a', unknown: '#78909c',
};
export function attackColour(t) { return COLOURS[t] || '#78909c'; }

function el(tag, text, attrs = {}) {
  const e = document.createElement(tag);
  if (text !== undefined) e.textContent = text;
  for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, v);
  return e;
}

export class IncidentMap {
  constructor(container, onOpen) {
    this.container = container;
    this.onOpen = onOpen;
    this.map = L.map(container, { worldCopyJump: true, minZoom: 3, maxZoom: 12 }).setView([31.5, 68.5], 5);
    this.map.attributionControl.setPrefix(false);
    this.map.attributionControl.addAttribution('Boundaries: Natural Earth via world-atlas');
    this.cluster = L.markerClusterGroup({ showCoverageOnHover: false, chunkedLoading: true, maxClusterRadius: 40 });
    this.map.addLayer(this.cluster);
    this.basemap = fetch('/vendor/world-atlas/countries-50m.json').then((r) => r.json()).then((topo) => {
      const land = topojson.feature(topo, topo.objects.countries);
      L.geoJSON(land, { style: { color: '#8a96a3', weight: 0.8, fillColor: '#eef1f4', fillOpacity: 1 }, interactive: false })
        .addTo(this.map).bringToBack();
      container.dataset.basemap = 'ready';
    }).catch((e) => { container.dataset.basemap = 'failed: ' + e.message; /* markers still work */ });
  }

  invalidate() { this.map.invalidateSize(); }

  popup(p) {
    const box = el('div');
    box.append(el('strong', `${p.attack_type.replaceAll('_', ' ')} · ${p.date}`), el('br'));
    box.append(el('span', [p.place, p.admin1].filter(Boolean).join(', ')), el('br'));
    box.append(el('span', `${p.killed} killed, ${p.injured} injured · target: ${p.target.replaceAll('_', ' ')}`), el('br'));
    if (p.perpetrator) box.append(el('span', `group: ${p.perpetrator}`), el('br'));
    const a = el('a', 'open incident', { href: `#/incident/${p.id}`, 'data-testid': 'popup-open' });
    box.append(a);
    return box;
  }

  show(geojson) {
    this.cluster.clearLayers();
    const layers = [];
    let points = 0;
    for (const f of geojson.features) {
      const [lon, lat] = f.geometry.coordinates;
      const p = f.properties;
      if (p.cluster) {
        points += p.count;
        const size = Math.min(60, 18 + Math.sqrt(p.count) * 2);
        const icon = L.divIcon({ className: 'cluster-icon', html: '', iconSize: [size, size] });
        const m = L.marker([lat, lon], { icon, title: `${p.count} incidents` });
        m.on('add', () => { if (m.getElement()) m.getElement().textContent = String(p.count); });
        m.bindPopup(`${p.count} incidents, ${p.killed} killed`);
        layers.push(m);
        continue;
      }
      points += 1;
      const radius = Math.min(22, 4 + Math.sqrt(p.killed || 0) * 1.3);
      const m = L.circleMarker([lat, lon], { radius, color: '#222', weight: 0.6, fillColor: attackColour(p.attack_type), fillOpacity: 0.8 });
      m.feature = f;
      m.bindPopup(() => this.popup(p));
      layers.push(m);
    }
    this.cluster.addLayers(layers);
    this.container.dataset.markers = String(this.cluster.getLayers().length);
    this.container.dataset.points = String(points);
  }
}

// The map layer of a plan: one circle per target or segment that has
// coordinates, darker and larger with more coverage, on the same offline
// basemap. Targets without coordinates (a border file without them) are
// only in the coverage table; the container's data-markers counts circles.
export class CoverageMap {
  constructor(container) {
    this.container = container;
    this.map = L.map(container, { worldCopyJump: true, minZoom: 3, maxZoom: 12 }).setView([31.5, 68.5], 5);
    this.map.attributionControl.setPrefix(false);
    this.map.attributionControl.addAttribution('Boundaries: Natural Earth via world-atlas');
    this.layer = L.layerGroup().addTo(this.map);
    fetch('/vendor/world-atlas/countries-50m.json').then((r) => r.json()).then((topo) => {
      L.geoJSON(topojson.feature(topo, topo.objects.countries),
        { style: { color: '#8a96a3', weight: 0.8, fillColor: '#eef1f4', fillOpacity: 1 }, interactive: false })
        .addTo(this.map).bringToBack();
    }).catch(() => { /* circles still work */ });
  }

  show(rows) {
    this.layer.clearLayers();
    const placed = rows.filter((r) => Number.isFinite(r.lat) && Number.isFinite(r.lon));
    for (const r of placed) {
      const c = Math.max(0, Math.min(1, r.coverage));
      const m = L.circleMarker([r.lat, r.lon], { radius: 5 + 12 * c, color: '#0b3d91', weight: 1, fillColor: '#1565c0', fillOpacity: 0.15 + 0.75 * c });
      const box = document.createElement('div');
      box.textContent = `${r.name || r.id}: coverage ${c.toFixed(3)}`;
      m.bindPopup(box);
      this.layer.addLayer(m);
    }
    this.container.hidden = placed.length === 0;
    this.map.invalidateSize();  // it may have been hidden, with no size
    if (placed.length) this.map.fitBounds(L.latLngBounds(placed.map((r) => [r.lat, r.lon])).pad(0.2), { maxZoom: 8 });
    this.container.dataset.markers = String(placed.length);
  }
}
