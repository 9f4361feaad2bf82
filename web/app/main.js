// The faultline dashboard: plain ES modules, no build step, no request to
// any host but the server that serves it (the page's Content-Security-Policy
// says so too). Views: sign-in, overview (filters, map, time series with
// phases and change points, table), incident page, review queue, analysis
// (stages.js: claims check, phases, change points, forecasts, alerts) and
// plans (admin only). Routing by location.hash.
import { renderChart } from './chart.js';
import { IncidentMap, attackColour } from './map.js';
import { showAnalysis, showPlans } from './stages.js';

const API = '/api/v1';
const state = { me: null, csrf: '', vocab: null, filters: {}, sort: 'id', order: 'asc', cursor: null, map: null,
  generation: 0 };

// ---- helpers --------------------------------------------------------------

function h(tag, attrs = {}, ...children) {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (v === undefined || v === null || v === false) continue;
    if (k.startsWith('on')) el.addEventListener(k.slice(2), v);
    else if (k === 'dataset') Object.assign(el.dataset, v);
    else el.setAttribute(k, v === true ? '' : String(v));
  }
  for (const c of children.flat()) {
    if (c === undefined || c === null || c === false) continue;
    el.append(c instanceof Node ? c : document.createTextNode(String(c)));
  }
  return el;
}

class ApiError extends Error {
  constructor(status, code, message) { super(message); this.status = status; this.code = code; }
}

async function api(path, { method = 'GET', body, headers = {} } = {}) {
  const hdrs = { ...headers };
  if (body !== undefined) hdrs['Content-Type'] = 'application/json';
  if (method !== 'GET' && state.csrf) hdrs['X-CSRF-Token'] = state.csrf;
  let res;
  // A read the server is not ready for (503 with Retry-After: the statistics
  // are still loading after start-up or a change) is asked again.
  for (let attempt = 0; ; attempt++) {
    res = await fetch(API + path, { method, headers: hdrs, credentials: 'same-origin',
      body: body === undefined ? undefined : JSON.stringify(body) });
    const after = Number(res.headers.get('Retry-After'));
    if (method !== 'GET' || res.status !== 503 || !(after > 0) || attempt >= 30) break;
    await new Promise((resolve) => { setTimeout(resolve, Math.min(after, 5) * 1000); });
  }
  let data = null;
  const type = res.headers.get('Content-Type') || '';
  if (type.includes('json')) data = await res.json();
  if (!res.ok) throw new ApiError(res.status, data?.code || 'http_error', data?.message || res.statusText);
  return { data, res };
}

function query(params) {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v !== undefined && v !== null && v !== '') q.set(k, v);
  const s = q.toString();
  return s ? '?' + s : '';
}

const busy = { n: 0 };
async function loading(promise) {
  busy.n++;
  document.body.dataset.loading = '1';
  try { return await promise; } finally {
    if (--busy.n === 0) document.body.dataset.loading = '0';
  }
}

function show(view) {
  for (const v of document.querySelectorAll('.view')) v.hidden = v.id !== 'view-' + view;
}

function fmt(n) { return n === undefined || n === null ? '' : Number(n).toLocaleString('en'); }
function canReview() { return state.me && (state.me.role === 'analyst' || state.me.role === 'admin'); }

// ---- session ----------------------------------------------------------------

async function loadSession() {
  try {
    const { data } = await api('/session');
    state.me = data;
    state.csrf = data.csrf_token || '';
    return true;
  } catch (e) {
    if (e.status === 401) return false;
    throw e;
  }
}

function renderWho() {
  const signed = !!state.me;
  document.getElementById('nav').hidden = !signed;
  document.getElementById('signout').hidden = !signed;
  document.getElementById('whoami').textContent = signed ? `${state.me.name} (${state.me.role})` : '';
  // Plans and patrol schedules are the admin's (the server enforces it too).
  document.getElementById('nav-plans').hidden = !(signed && state.me.role === 'admin');
}

document.getElementById('signin-form').addEventListener('submit', async (ev) => {
  ev.preventDefault();
  const f = new FormData(ev.target);
  const err = document.getElementById('signin-error');
  err.textContent = '';
  try {
    const { data } = await loading(api('/session', { method: 'POST', body: { name: f.get('name'), password: f.get('password') } }));
    state.me = { name: data.name, role: data.role };
    state.csrf = data.csrf_token;
    ev.target.reset();
    renderWho();
    await route();
  } catch (e) {
    err.textContent = e.message;
  }
});

document.getElementById('signout').addEventListener('click', async () => {
  try { await api('/session', { method: 'DELETE' }); } catch (_) { /* signed out either way */ }
  state.me = null;
  state.csrf = '';
  renderWho();
  location.hash = '#/';
  await route();
});

// ---- overview: filters, map, chart, table -------------------------------------

async function loadVocabulary() {
  if (state.vocab) return;
  const { data } = await api('/vocabulary');
  state.vocab = data;
  const form = document.getElementById('filters');
  const fill = (name, values) => {
    const sel = form.elements[name];
    for (const v of values) sel.append(h('option', { value: v.value ?? v }, v.label ?? v));
  };
  const regions = data.admin1.filter((a) => a.country === 'PK' || a.country === 'AF')
    .map((a) => ({ value: a.name, label: `${a.name} (${a.country})` }));
  fill('admin1', regions);
  fill('attack_type', data.attack_types);
  fill('target', data.targets);
  const dl = document.getElementById('perpetrators');
  for (const p of data.perpetrators) dl.append(h('option', { value: p.id }, p.name));
  const legend = document.getElementById('legend');
  legend.replaceChildren(...data.attack_types.map((t) => h('span', {}, h('i', { style: `background:${attackColour(t)}` }), t.replaceAll('_', ' '))));
}

function readFilters() {
  const f = new FormData(document.getElementById('filters'));
  const out = {};
  for (const [k, v] of f.entries()) if (String(v).trim() !== '') out[k] = String(v).trim();
  return out;
}

document.getElementById('filters').addEventListener('submit', (ev) => {
  ev.preventDefault();
  state.filters = readFilters();
  refreshOverview();
});
document.getElementById('filters').addEventListener('reset', () => {
  setTimeout(() => { state.filters = {}; refreshOverview(); }, 0);
});

for (const th of document.querySelectorAll('#incidents th[data-sort]')) {
  th.addEventListener('click', () => {
    const key = th.dataset.sort;
    if (state.sort === key) state.order = state.order === 'asc' ? 'desc' : 'asc';
    else { state.sort = key; state.order = key === 'id' ? 'asc' : 'desc'; }
    loadTable(false);
  });
}
document.getElementById('more').addEventListener('click', () => loadTable(true));

for (const a of document.querySelectorAll('.exports a')) {
  a.addEventListener('click', () => {
    a.href = API + '/export' + query({ ...state.filters, format: a.dataset.format });
    a.download = 'faultline-incidents.' + a.dataset.format;
  });
}

function incidentRow(inc) {
  return h('tr', { 'data-id': inc.id, onclick: () => { location.hash = `#/incident/${inc.id}`; } },
    h('td', {}, inc.id), h('td', {}, inc.date), h('td', {}, inc.admin1 || ''), h('td', {}, inc.place || inc.admin2 || ''),
    h('td', {}, inc.attack_type.replaceAll('_', ' ')), h('td', {}, inc.perpetrator || ''), h('td', {}, inc.target),
    h('td', { class: 'num' }, fmt(inc.killed_total)), h('td', { class: 'num' }, fmt(inc.injured_total)),
    h('td', {}, h('span', { class: 'badge' }, inc.status)));
}

async function loadTable(more) {
  const body = document.querySelector('#incidents tbody');
  const params = { ...state.filters, sort: state.sort, order: state.order, limit: 100, total: more ? undefined : 'true' };
  if (more && state.cursor) params.cursor = state.cursor;
  const { data } = await loading(api('/incidents' + query(params)));
  if (!more) body.replaceChildren();
  body.append(...data.incidents.map(incidentRow));
  state.cursor = data.next_cursor;
  document.getElementById('more').hidden = !data.next_cursor;
  for (const th of document.querySelectorAll('#incidents th[data-sort]')) {
    if (th.dataset.sort === state.sort) th.setAttribute('aria-sort', state.order === 'asc' ? 'ascending' : 'descending');
    else th.removeAttribute('aria-sort');
  }
  if (!more) document.getElementById('summary').dataset.total = data.total;
  return data;
}

async function loadChart() {
  const f = state.filters;
  // Change points of the confirmed monthly series; a series too short or
  // empty has none (the server says why, the chart just shows no marks).
  const changepoints = api('/changepoints' + query({ ...f, by: 'month', measure: 'incidents', status: 'confirmed' }))
    .then((r) => r.data.changepoints, () => []);
  const [confirmed, candidates, cps] = await Promise.all([
    api('/timeseries' + query({ ...f, interval: 'month', measure: 'incidents,killed', status: 'confirmed' })),
    api('/timeseries' + query({ ...f, interval: 'month', measure: 'incidents,killed', status: 'candidate' })),
    changepoints,
  ]);
  // The phases the server says overlap each series under these filters
  // (country among them); the chart spans both series, so both lists.
  const phases = [...new Map([...confirmed.data.phases, ...candidates.data.phases].map((p) => [p.key, p])).values()]
    .sort((a, b) => (a.start < b.start ? -1 : a.start > b.start ? 1 : 0));
  const el = document.getElementById('chart');
  renderChart(el, confirmed.data, candidates.data, { phases, changepoints: cps });
  el.dataset.confirmed = confirmed.data.totals[0] ?? 0;
  el.dataset.candidates = candidates.data.totals[0] ?? 0;
  const shaded = Number(el.dataset.phases || 0);
  document.getElementById('chart-note').textContent = 'Dark: confirmed; light: candidates awaiting review. ' +
    (shaded ? `Shaded: ${shaded} phases (ceasefires, talks, operations). ` : '') +
    (cps.length ? `Dashed: ${cps.length} change points (PELT, Poisson cost).` : '');
}

async function loadMap() {
  if (!state.map) state.map = new IncidentMap(document.getElementById('map'), (id) => { location.hash = `#/incident/${id}`; });
  const { data } = await api('/incidents.geojson' + query({ ...state.filters, zoom: 5 }));
  state.map.show(data);
  await state.map.basemap;
  return data;
}

async function refreshOverview() {
  const gen = ++state.generation;
  const summary = document.getElementById('summary');
  summary.textContent = 'Loading…';
  try {
    const [table, geo] = await loading(Promise.all([loadTable(false), loadMap(), loadChart()]));
    if (gen !== state.generation) return;
    summary.dataset.total = table.total;
    summary.dataset.mapped = geo.total;
    summary.textContent = `${fmt(table.total)} incidents match; ${fmt(geo.total)} on the map` +
      (geo.without_coordinates ? ` (${fmt(geo.without_coordinates)} without coordinates)` : '') +
      (geo.clustered ? ', grouped by area' : '') + '.';
    document.body.dataset.generation = gen;
  } catch (e) {
    summary.textContent = 'Error: ' + e.message;
  }
}

// ---- incident page --------------------------------------------------------------

function casualtyText(c) {
  if (!c) return '';
  return Object.entries(c).map(([cat, r]) => {
    const parts = [r.low, r.best, r.high];
    const txt = r.low === r.high && r.low !== undefined ? String(r.best ?? r.low)
      : `${r.best ?? '?'} (${r.low ?? '?'}–${r.high ?? '?'})`;
    return parts.length ? `${cat.replaceAll('_', ' ')}: ${txt}` : '';
  }).join('; ');
}

function diffFields(prev, next) {
  const keys = new Set([...Object.keys(prev || {}), ...Object.keys(next || {})]);
  const skip = new Set(['version', 'provenance']);
  const out = [];
  for (const k of keys) {
    if (skip.has(k)) continue;
    if (JSON.stringify(prev?.[k]) !== JSON.stringify(next?.[k])) out.push(k);
  }
  return out;
}

async function showIncident(id) {
  show('incident');
  const box = document.getElementById('incident');
  box.replaceChildren(h('p', {}, 'Loading…'));
  let data;
  try {
    ({ data } = await loading(api(`/incidents/${id}`)));
  } catch (e) {
    box.replaceChildren(h('p', { class: 'error' }, e.message));
    return;
  }
  const inc = data.incident;
  const fields = [
    ['status', inc.status + (inc.merged_into ? ` (into ${inc.merged_into})` : '')],
    ['date', inc.date + (inc.date_end ? ` – ${inc.date_end}` : '') + ` (${inc.date_precision})`],
    ['place', [inc.place, inc.admin2, inc.admin1, inc.country].filter(Boolean).join(', ')],
    ['coordinates', inc.latitude !== undefined ? `${inc.latitude}, ${inc.longitude} (${inc.geo_precision})` : 'none'],
    ['event type', inc.event_type.replaceAll('_', ' ') + (inc.sub_event_type ? ` — ${inc.sub_event_type}` : '')],
    ['attack type', inc.attack_type.replaceAll('_', ' ')],
    ['perpetrator', (inc.perpetrator || 'unknown') + ` (${inc.attribution})`],
    ['target', inc.target.replaceAll('_', ' ')],
    ['killed', `${inc.killed_total} — ${casualtyText(inc.killed)}`],
    ['injured', `${inc.injured_total} — ${casualtyText(inc.injured)}`],
    ['licence', inc.license],
    ['provenance', inc.provenance ? `${inc.provenance.importer} ${inc.provenance.file} row ${inc.provenance.row}` : ''],
  ];
  const sources = (inc.sources || []).map((s) => h('div', { class: 'source', 'data-testid': 'source' },
    h('div', {}, h('strong', {}, s.headline || '(no headline)')),
    h('div', { class: 'note' }, [s.outlet, s.published_at].filter(Boolean).join(' · ')),
    s.url ? h('div', { class: 'note' }, s.url) : null,
    s.evidence?.length ? h('div', {},
      h('p', { class: 'note' }, 'Evidence: the words in the article that support each field. The article text itself is not stored; the spans are byte offsets into it.'),
      h('ul', { class: 'evidence', 'data-testid': 'evidence' }, s.evidence.map((e) => h('li', {},
        h('mark', {}, e.field), ` bytes ${e.begin}–${e.end}`, e.confidence < 1 ? ` (confidence ${e.confidence})` : ''))))
      : null));
  const history = data.history.map((v, i) => {
    const changed = i === 0 ? [] : diffFields(data.history[i - 1].incident, v.incident);
    return h('li', {}, `v${v.version} · ${v.changed_at} · ${v.changed_by}`, v.reason ? ` — ${v.reason}` : '',
      changed.length ? h('div', { class: 'diff' }, 'changed: ' + changed.join(', ')) : null);
  });
  const actions = canReview() && inc.status === 'candidate'
    ? h('p', {}, h('button', { 'data-testid': 'incident-accept', onclick: async () => { await review(inc.id, 'accept', { version: inc.version }); showIncident(id); } }, 'Accept'), ' ',
      h('button', { class: 'danger', onclick: async () => { await review(inc.id, 'reject', { version: inc.version }); showIncident(id); } }, 'Reject'))
    : null;
  box.replaceChildren(...[
    h('p', {}, h('a', { href: '#/' }, '← back')),
    h('h1', {}, `Incident ${inc.id} `, h('span', { class: 'badge', 'data-testid': 'incident-status' }, inc.status)),
    actions,
    h('dl', { class: 'kv' }, fields.flatMap(([k, v]) => [h('dt', {}, k), h('dd', {}, v)])),
    inc.notes ? h('p', {}, inc.notes) : null,
    h('h2', {}, `Sources (${(inc.sources || []).length})`), sources.length ? sources : h('p', { class: 'note' }, 'No sources recorded.'),
    h('h2', {}, 'History'), h('ol', { class: 'history', 'data-testid': 'history' }, history)].flat().filter(Boolean));
}

// ---- review queue -----------------------------------------------------------------

async function review(id, action, body) {
  return loading(api(`/review/${id}/${action}`, { method: 'POST', body: body || {} }));
}

function reviewItem(inc) {
  const src = (inc.sources || [])[0] || {};
  const status = h('span', { class: 'note', role: 'status' });
  const act = (action, body) => async () => {
    status.textContent = '…';
    try {
      await review(inc.id, action, { version: inc.version, ...body });
      status.textContent = `${action}ed`;
      await loadReview(false);
    } catch (e) { status.textContent = e.message; }
  };
  const edit = h('form', { hidden: true, onsubmit: (ev) => {
    ev.preventDefault();
    const f = new FormData(ev.target);
    const set = String(f.get('set')).split(/[;\n]/).map((s) => s.trim()).filter(Boolean);
    act('edit', { set, reason: f.get('reason') || undefined })();
  } }, h('input', { name: 'set', size: 40, placeholder: 'field=value; e.g. killed.civilians=5; admin2=Bannu', required: true }),
  h('input', { name: 'reason', placeholder: 'why (optional)' }), h('button', { type: 'submit' }, 'Save edit'));
  const merge = h('form', { hidden: true, onsubmit: (ev) => {
    ev.preventDefault();
    const others = String(new FormData(ev.target).get('others')).split(/[ ,]+/).map(Number).filter((n) => n > 0);
    act('merge', { others })();
  } }, h('input', { name: 'others', placeholder: 'ids to merge into this one', required: true }), h('button', { type: 'submit' }, 'Merge'));
  const can = canReview();
  return h('div', { class: 'review-item', 'data-id': inc.id, 'data-testid': 'review-item' },
    h('div', {},
      h('div', {}, h('a', { href: `#/incident/${inc.id}` }, `#${inc.id}`), ' ', h('strong', {}, src.headline || '(no headline)')),
      h('div', { class: 'note' }, [inc.date, inc.place || inc.admin2, inc.admin1, inc.attack_type.replaceAll('_', ' '),
        inc.perpetrator, `${inc.killed_total} killed`, `${inc.injured_total} injured`, src.outlet].filter(Boolean).join(' · '))),
    h('div', { class: 'actions' },
      can ? h('button', { 'data-testid': 'accept', onclick: act('accept') }, 'Accept') : null,
      can ? h('button', { class: 'secondary', onclick: () => { edit.hidden = !edit.hidden; } }, 'Edit') : null,
      can ? h('button', { class: 'secondary', onclick: () => { merge.hidden = !merge.hidden; } }, 'Merge…') : null,
      can ? h('button', { class: 'danger', 'data-testid': 'reject', onclick: act('reject') }, 'Reject') : null,
      status),
    edit, merge);
}

const reviewState = { cursor: null };
async function loadReview(more) {
  const list = document.getElementById('review-list');
  const { data } = await loading(api('/review' + query({ limit: 50, cursor: more ? reviewState.cursor : undefined })));
  if (!more) list.replaceChildren();
  list.append(...data.items.map(reviewItem));
  if (!more && data.items.length === 0) list.append(h('p', { class: 'note' }, 'The queue is empty.'));
  reviewState.cursor = data.next_cursor;
  document.getElementById('review-more').hidden = !data.next_cursor;
  document.getElementById('review-count').textContent = `(${data.total})`;
  list.dataset.total = data.total;
}
document.getElementById('review-more').addEventListener('click', () => loadReview(true));

// ---- routing -----------------------------------------------------------------------

async function route() {
  if (!state.me) {
    show('signin');
    document.body.dataset.loading = '0';
    return;
  }
  const hash = location.hash || '#/';
  const m = hash.match(/^#\/incident\/(\d+)$/);
  if (m) return showIncident(Number(m[1]));
  if (hash === '#/review') {
    show('review');
    return loadReview(false);
  }
  const ctx = { h, api, query, loading, fmt, state };
  if (hash === '#/analysis') {
    show('analysis');
    return showAnalysis(ctx);
  }
  if (hash === '#/plans' && state.me.role === 'admin') {
    show('plans');
    return showPlans(ctx);
  }
  show('overview');
  await loading(loadVocabulary());
  state.map?.invalidate();
  await refreshOverview();
}

window.addEventListener('hashchange', route);

(async () => {
  try {
    await loading(loadSession());
    renderWho();
    await route();
  } catch (e) {
    document.querySelector('main').prepend(h('p', { class: 'error' }, 'Cannot reach the server: ' + e.message));
  } finally {
    document.body.dataset.loading = '0';
  }
})();
