// The time series: incidents per month as stacked bars (confirmed dark,
// candidates awaiting review light), killed as a line on its own scale,
// phases (ceasefires, talks, operations) shaded behind, change points marked
// as dashed lines at the first month of each new segment. Plain SVG, no
// library.
const NS = 'http://www.w3.org/2000/svg';

function svg(tag, attrs = {}, text) {
  const e = document.createElementNS(NS, tag);
  for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, String(v));
  if (text !== undefined) e.textContent = text;
  return e;
}

// One tint per kind of phase, so that a ceasefire inside an operation shows.
const PHASE_FILL = { ceasefire: '#c8e6c9', talks: '#bbdefb', operation: '#ffe0b2', other: '#ffe9a8' };

function monthIndex(period) {
  const [y, m] = period.split('-').map(Number);
  return y * 12 + (m - 1);
}

export function renderChart(container, confirmed, candidates, marks = {}) {
  const phaseList = marks.phases || confirmed.phases || [];
  const changepoints = marks.changepoints || [];
  const byMonth = new Map();
  const add = (series, key) => {
    for (const p of series.points) {
      const i = monthIndex(p.period);
      const row = byMonth.get(i) || { confirmed: 0, candidates: 0, killed: 0 };
      row[key] += p.incidents;
      row.killed += p.killed || 0;
      byMonth.set(i, row);
    }
  };
  add(confirmed, 'confirmed');
  add(candidates, 'candidates');
  container.replaceChildren();
  if (byMonth.size === 0) {
    container.append(document.createTextNode('No incidents match.'));
    return;
  }
  const first = Math.min(...byMonth.keys());
  const last = Math.max(...byMonth.keys());
  const W = 640, H = 260, L = 40, R = 40, T = 10, B = 30;
  const n = last - first + 1;
  const bw = (W - L - R) / n;
  let maxCount = 1, maxKilled = 1;
  for (const r of byMonth.values()) {
    maxCount = Math.max(maxCount, r.confirmed + r.candidates);
    maxKilled = Math.max(maxKilled, r.killed);
  }
  const y = (v) => T + (H - T - B) * (1 - v / maxCount);
  const yk = (v) => T + (H - T - B) * (1 - v / maxKilled);
  const root = svg('svg', { viewBox: `0 0 ${W} ${H}`, role: 'img', 'aria-label': 'incidents per month' });
  const shadedKeys = [];
  for (const ph of phaseList) {
    const startDay = ph.start, endDay = ph.end;
    const s = monthIndex(startDay.slice(0, 7));
    const e = endDay ? monthIndex(endDay.slice(0, 7)) : last;
    if (e < first || s > last) continue;
    const x0 = L + Math.max(0, s - first) * bw, x1 = L + (Math.min(last, e) - first + 1) * bw;
    if (x1 > x0) {
      const r = svg('rect', { x: x0, y: T, width: x1 - x0, height: H - T - B, fill: PHASE_FILL[ph.type] || PHASE_FILL.other,
        opacity: 0.55, 'data-phase': ph.name || '', 'data-phase-key': ph.key || '' });
      r.append(svg('title', {}, `${ph.name || ph.type}: ${startDay} – ${endDay || 'ongoing'}`));
      root.append(r);
      shadedKeys.push(ph.key || '');
    }
  }
  container.dataset.phases = shadedKeys.length;
  container.dataset.phaseKeys = shadedKeys.join(',');
  root.append(svg('line', { x1: L, x2: W - R, y1: H - B, y2: H - B, stroke: '#999' }));
  for (let i = first; i <= last; i++) {
    const r = byMonth.get(i);
    if (!r) continue;
    const x = L + (i - first) * bw;
    const g = svg('g');
    g.append(svg('title', {}, `${Math.floor(i / 12)}-${String(i % 12 + 1).padStart(2, '0')}: ${r.confirmed} confirmed, ${r.candidates} candidates, ${r.killed} killed`));
    if (r.confirmed) g.append(svg('rect', { x, y: y(r.confirmed), width: Math.max(bw - 0.3, 0.6), height: H - B - y(r.confirmed), fill: '#2d3a4d' }));
    if (r.candidates) g.append(svg('rect', { x, y: y(r.confirmed + r.candidates), width: Math.max(bw - 0.3, 0.6), height: y(r.confirmed) - y(r.confirmed + r.candidates), fill: '#9fb3cc' }));
    root.append(g);
  }
  let d = '';
  for (let i = first; i <= last; i++) {
    const k = byMonth.get(i)?.killed || 0;
    d += `${d ? 'L' : 'M'}${(L + (i - first + 0.5) * bw).toFixed(1)},${yk(k).toFixed(1)}`;
  }
  root.append(svg('path', { d, fill: 'none', stroke: '#b3261e', 'stroke-width': 1, opacity: 0.75 }));
  const marked = [];
  for (const cp of changepoints) {
    const i = monthIndex(cp.period);
    if (i < first || i > last) continue;
    const x = L + (i - first) * bw;
    const line = svg('line', { x1: x, x2: x, y1: T, y2: H - B, stroke: '#6a1b9a', 'stroke-width': 1.5,
      'stroke-dasharray': '4 3', 'data-changepoint': cp.period });
    line.append(svg('title', {}, `change point: a new level from ${cp.period}`));
    root.append(line);
    marked.push(cp.period);
  }
  container.dataset.changepoints = marked.join(',');
  const firstYear = Math.floor(first / 12), lastYear = Math.floor(last / 12);
  const step = Math.max(1, Math.ceil((lastYear - firstYear + 1) / 10));
  for (let yr = firstYear; yr <= lastYear; yr += step) {
    const x = L + (yr * 12 - first) * bw;
    if (x < L - 1) continue;
    root.append(svg('line', { x1: x, x2: x, y1: H - B, y2: H - B + 4, stroke: '#999' }));
    root.append(svg('text', { x, y: H - B + 16, 'font-size': 10, 'text-anchor': 'middle', fill: '#555' }, yr));
  }
  root.append(svg('text', { x: 4, y: T + 8, 'font-size': 10, fill: '#2d3a4d' }, `${maxCount}`));
  root.append(svg('text', { x: 4, y: H - B, 'font-size': 10, fill: '#2d3a4d' }, '0'));
  root.append(svg('text', { x: W - R + 4, y: T + 8, 'font-size': 10, fill: '#b3261e' }, `${maxKilled}`));
  root.append(svg('text', { x: W - R + 4, y: T + 20, 'font-size': 9, fill: '#b3261e' }, 'killed'));
  container.append(root);
}
