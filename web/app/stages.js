// The analysis view (claims check, phases, change points, forecasts with
// their intervals per region, alerts) and the plans view (admin only:
// coverage, and the secret schedule on request). Every number comes from
// the API as it is; nothing is recomputed here. `ctx` lends main.js's
// helpers: h (elements), api, query, loading, fmt, state.

import { CoverageMap } from './map.js';

const fixed = (v, d = 2) => (v === null || v === undefined || Number.isNaN(v) ? '' : Number(v).toFixed(d));

// An interval bar: the 90% range light, the 50% range dark, the mean a tick,
// on a scale shared by all rows.
function fan(h, q, mean, max) {
  const NS = 'http://www.w3.org/2000/svg';
  const s = document.createElementNS(NS, 'svg');
  s.setAttribute('viewBox', '0 0 120 12');
  s.setAttribute('width', '120');
  s.setAttribute('height', '12');
  const x = (v) => (110 * v) / Math.max(max, 1) + 5;
  const rect = (a, b, fill) => {
    const r = document.createElementNS(NS, 'rect');
    r.setAttribute('x', x(a)); r.setAttribute('y', 2); r.setAttribute('height', 8);
    r.setAttribute('width', Math.max(x(b) - x(a), 1)); r.setAttribute('fill', fill);
    s.append(r);
  };
  rect(q['0.05'], q['0.95'], '#c9d6e6');
  rect(q['0.25'], q['0.75'], '#5a7497');
  const t = document.createElementNS(NS, 'line');
  t.setAttribute('x1', x(mean)); t.setAttribute('x2', x(mean)); t.setAttribute('y1', 0); t.setAttribute('y2', 12);
  t.setAttribute('stroke', '#b3261e');
  s.append(t);
  return s;
}

async function loadClaims(ctx, check) {
  const { h, api, loading, fmt } = ctx;
  const body = document.querySelector('#claims tbody');
  const { data } = await loading(api('/claims'));
  const byKey = new Map();
  if (check && data.claims.length) {
    const res = await loading(api('/claims/check', { method: 'POST', body: {} }));
    for (const c of res.data.checks) byKey.set(c.key, c);
  }
  body.replaceChildren(...data.claims.map((c) => {
    const k = byKey.get(c.key);
    return h('tr', { 'data-key': c.key, title: k ? k.summary : '' },
      h('td', {}, c.key), h('td', {}, c.source), h('td', {}, c.metric + (c.category ? ' ' + c.category : '')),
      h('td', {}, c.filters), h('td', {}, c.period), h('td', { class: 'num' }, fmt(c.value)),
      h('td', { class: 'num', 'data-computed': k && k.computed !== null ? k.computed : '' }, k ? fmt(k.computed) : ''),
      h('td', { class: 'num' }, k ? fixed(k.diff_percent, 0) : ''),
      h('td', {}, k ? h('span', { class: 'badge' }, k.data.replaceAll('_', ' ')) : ''),
      h('td', {}, k ? h('span', { class: 'badge' }, k.claims) : ''));
  }));
  document.getElementById('claims').dataset.checked = check ? byKey.size : 0;
  if (!data.claims.length) body.append(h('tr', {}, h('td', { colspan: 10 }, 'No claims stored (faultline claims import).')));
}

async function loadPhases(ctx) {
  const { h, api } = ctx;
  const { data } = await api('/phases');
  const body = document.querySelector('#phases tbody');
  body.replaceChildren(...data.phases.map((p) => h('tr', { 'data-key': p.key },
    h('td', {}, p.key), h('td', {}, p.type), h('td', {}, p.name), h('td', {}, p.country || 'all'),
    h('td', {}, p.start), h('td', {}, p.end || 'ongoing'))));
  document.getElementById('phases').dataset.count = data.phases.length;
}

async function loadSegments(ctx) {
  const { h, api, fmt } = ctx;
  const body = document.querySelector('#segments tbody');
  const note = document.getElementById('segments-note');
  try {
    const { data } = await api('/changepoints?by=month&measure=incidents&status=confirmed');
    body.replaceChildren(...data.segments.map((s) => h('tr', {},
      h('td', {}, s.from), h('td', {}, s.to), h('td', { class: 'num' }, s.periods), h('td', { class: 'num' }, fmt(s.total)),
      h('td', { class: 'num' }, fixed(s.mean, 1)))));
    document.getElementById('segments').dataset.changepoints = data.changepoints.map((c) => c.period).join(',');
    note.textContent = `PELT with a Poisson cost, penalty ${data.penalty} = ${fixed(data.penalty_value, 1)}.`;
  } catch (e) {
    body.replaceChildren();
    document.getElementById('segments').dataset.changepoints = '';
    note.textContent = e.message;
  }
}

async function loadForecasts(ctx) {
  const { h, api } = ctx;
  const body = document.querySelector('#forecasts tbody');
  const note = document.getElementById('forecast-note');
  const table = document.getElementById('forecasts');
  try {
    const { data } = await api('/forecasts');
    const max = Math.max(1, ...data.forecasts.map((f) => f.quantiles['0.95']));
    body.replaceChildren(...data.forecasts.map((f) => h('tr', { 'data-unit': f.unit, 'data-target': f.target },
      h('td', {}, f.unit), h('td', {}, f.target), h('td', { class: 'num' }, fixed(f.mean)),
      h('td', { class: 'num' }, `${fixed(f.quantiles['0.25'], 0)}–${fixed(f.quantiles['0.75'], 0)}`),
      h('td', { class: 'num' }, `${fixed(f.quantiles['0.05'], 0)}–${fixed(f.quantiles['0.95'], 0)}`),
      h('td', {}, fan(h, f.quantiles, f.mean, max)), h('td', { class: 'num' }, fixed(f.p_at_least[0])))));
    table.dataset.run = data.run;
    table.dataset.rows = data.forecasts.length;
    note.textContent = `Run ${data.run} (${data.model}). Bars: 90% interval light, 50% dark, mean red.`;
  } catch (e) {
    body.replaceChildren();
    table.dataset.run = '';
    table.dataset.rows = 0;
    note.textContent = e.status === 404 ? 'No forecast stored yet (faultline forecast, or POST /api/v1/forecasts).' : e.message;
  }
}

async function loadAlerts(ctx) {
  const { h, api } = ctx;
  const list = document.getElementById('alerts');
  const note = document.getElementById('alerts-note');
  try {
    const { data } = await api('/alerts?model=rolling-nb&period=month');
    list.replaceChildren(...data.alerts.map((a) => h('li', { 'data-rule': a.rule, 'data-unit': a.unit },
      h('strong', {}, a.rule), ` · ${a.unit} · ${a.period}: ${a.message}`)));
    list.dataset.count = data.alerts.length;
    note.textContent = `${data.alerts.length} alerts from ${data.rules.length} rules on ${data.periods.from}..${data.periods.to} ` +
      `(model ${data.model}): ` + data.rules.map((r) => `${r.name}: ${r.fires_when}`).join('; ');
    if (!data.alerts.length) list.append(h('li', { class: 'note' }, 'No rule fires.'));
  } catch (e) {
    list.replaceChildren();
    list.dataset.count = 0;
    note.textContent = e.message;
  }
}

let checkBound = false;
export async function showAnalysis(ctx) {
  const { state, loading } = ctx;
  const canCheck = state.me.role === 'analyst' || state.me.role === 'admin';
  const button = document.getElementById('claims-check');
  button.hidden = !canCheck;
  if (!checkBound) {
    checkBound = true;
    button.addEventListener('click', () => loadClaims(ctx, true));
  }
  await loading(Promise.all([loadClaims(ctx, false), loadPhases(ctx), loadSegments(ctx), loadForecasts(ctx),
    loadAlerts(ctx)]));
  document.body.dataset.analysis = String(Number(document.body.dataset.analysis || 0) + 1);
}

// ---- plans (admin) ------------------------------------------------------------

let coverageMap = null;

async function showPlan(ctx, id) {
  const { h, api, loading } = ctx;
  const { data } = await loading(api(`/plans/${id}`));
  const detail = document.getElementById('plan-detail');
  detail.hidden = false;
  detail.dataset.id = id;
  document.getElementById('plan-title').textContent = `Plan ${id}: ${data.kind}, ${data.model}`;
  document.getElementById('plan-source').textContent = data.plan.source || '';
  const kinds = (data.plan.summary && data.plan.summary.unit_kinds) || [];
  document.getElementById('plan-kinds-wrap').hidden = kinds.length === 0;
  document.querySelector('#plan-kinds tbody').replaceChildren(...kinds.map((k) => h('tr', { 'data-kind': k.kind },
    h('td', {}, k.kind), h('td', { class: 'num' }, k.slots), h('td', { class: 'num' }, fixed(k.effectiveness)),
    h('td', { class: 'num' }, fixed(k.expected_slots_used, 3)))));
  const rows = data.kind === 'patrol' ? data.plan.segments : data.plan.targets;
  document.querySelector('#coverage tbody').replaceChildren(...rows.map((r) => h('tr', { 'data-id': r.id },
    h('td', {}, r.name || r.id), h('td', { class: 'num' }, fixed(r.coverage, 3)), h('td', {}, r.reason))));
  coverageMap ??= new CoverageMap(document.getElementById('plan-map'));
  coverageMap.show(rows);
  const pre = document.getElementById('schedule');
  pre.hidden = true;
  pre.textContent = '';
}

async function listPlans(ctx) {
  const { h, api } = ctx;
  const { data } = await api('/plans');
  document.querySelector('#plans tbody').replaceChildren(...data.plans.map((p) => h('tr', {
    'data-id': p.id, onclick: () => showPlan(ctx, p.id) },
  h('td', {}, p.id), h('td', {}, p.kind), h('td', {}, p.model), h('td', {}, p.created_at), h('td', {}, p.created_by),
  h('td', { class: 'num' }, p.days))));
  document.getElementById('plans').dataset.count = data.plans.length;
  return data.plans;
}

// Unit kinds as the CLI's --unit-kinds CSV rows (kind,count,capacity,
// effectiveness,targets with targets ;-separated), one a line, into the
// API's JSON objects. Numbers that are not numbers go as typed so that the
// server's error names the field.
function unitKinds(text) {
  const lines = text.split('\n').map((l) => l.trim()).filter((l) => l && !l.startsWith('#'));
  if (lines.length && /^kind\s*,/.test(lines[0])) lines.shift();
  const num = (v) => (v !== '' && Number.isFinite(Number(v)) ? Number(v) : v);
  return lines.map((line) => {
    const [kind, count = '', capacity = '', effectiveness = '', targets = ''] = line.split(',').map((c) => c.trim());
    const k = { kind };
    if (count !== '') k.count = num(count);
    if (capacity !== '') k.capacity = num(capacity);
    if (effectiveness !== '') k.effectiveness = num(effectiveness);
    const list = targets.split(';').map((t) => t.trim()).filter(Boolean);
    if (list.length) k.targets = list;
    return k;
  });
}

// The body of POST /plans from the form.
function planBody(f) {
  const kind = f.get('kind');
  const body = { kind, days: Number(f.get('days')) };
  if (kind === 'patrol') return Object.assign(body, { units: Number(f.get('units')), border_csv: f.get('border_csv') });
  body.model = f.get('model');
  const kinds = unitKinds(f.get('unit_kinds') || '');
  if (kinds.length) body.unit_kinds = kinds;
  else body.resources = Number(f.get('units'));
  if (f.get('source') === 'forecast') {
    const run = (f.get('run') || '').trim();
    body.from_forecast = run || true;
    body.horizon = Number(f.get('horizon'));
    const killed = (f.get('casualty_run') || '').trim();
    if (killed) body.casualty_forecast = killed;
  }
  return body;
}

// Shows the fields that go with the kind and the source chosen.
function showPlanFields(form) {
  const kind = form.elements.kind.value;
  const forecast = kind === 'allocate' && form.elements.source.value === 'forecast';
  for (const el of form.querySelectorAll('[data-for]')) {
    const f = el.dataset.for;
    el.hidden = !(f === kind || (f === 'forecast' && forecast));
  }
}

// The latest stored forecast run, offered (and filled in) as the run.
async function offerForecastRun(ctx, form) {
  const { h, api } = ctx;
  try {
    const { data } = await api('/forecasts');
    document.getElementById('forecast-runs').replaceChildren(h('option', { value: data.run }, `${data.run} (${data.model})`));
    if (!form.elements.run.value) form.elements.run.value = data.run;
    form.dataset.latestRun = data.run;
  } catch (e) {
    form.dataset.latestRun = '';
  }
}

let plansBound = false;
export async function showPlans(ctx) {
  const { api, loading, query } = ctx;
  const form = document.getElementById('plan-form');
  if (!plansBound) {
    plansBound = true;
    form.addEventListener('change', (ev) => {
      if (ev.target.name === 'kind' || ev.target.name === 'source') showPlanFields(form);
    });
    form.addEventListener('submit', async (ev) => {
      ev.preventDefault();
      const err = document.getElementById('plan-error');
      err.textContent = '';
      try {
        const { data } = await loading(api('/plans' + query({}), { method: 'POST', body: planBody(new FormData(form)) }));
        await listPlans(ctx);
        await showPlan(ctx, data.id);
      } catch (e) {
        err.textContent = e.message;
      }
    });
    document.getElementById('show-schedule').addEventListener('click', async () => {
      const id = document.getElementById('plan-detail').dataset.id;
      const { data } = await loading(api(`/plans/${id}/schedule`));
      const pre = document.getElementById('schedule');
      pre.textContent = data.schedule.days.map((d) => `day ${d.day}: ` +
        d.units.map((u) => `${u.unit} → ${(u.targets || u.segments).join(', ') || 'held back'}`).join('; ')).join('\n');
      pre.dataset.days = data.schedule.days.length;
      pre.hidden = false;
    });
  }
  showPlanFields(form);
  await loading(Promise.all([listPlans(ctx), offerForecastRun(ctx, form)]));
}
