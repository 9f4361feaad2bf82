// Dashboard browser test: playwright-core drives Debian's chromium headless
// (never a downloaded browser). Signs in, filters, checks that the map's
// markers and the table agree with the API, opens an incident, accepts a
// review item and sees the time series change; checks that the chart's
// phases and change points, the analysis view (claims check, phases, change
// points, forecasts with intervals, alerts) and the plans view agree with the
// API, and that plans stay hidden from a viewer. Waits only on conditions in
// the page (data-loading, data-generation), never on fixed delays. Every
// request the page makes must go to the server that served it.
// Usage: node dashboard.test.mjs URL NAME PASSWORD ARTIFACT_DIR VIEWER VIEWER_PASSWORD
import assert from 'node:assert/strict';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const { chromium } = await import(path.join(here, '../../web/node_modules/playwright-core/index.mjs'));
const [url, name, password, out, viewerName, viewerPassword] = process.argv.slice(2);
const origin = new URL(url).origin;

const browser = await chromium.launch({
  executablePath: '/usr/bin/chromium',
  headless: true,
  // Architecture §8: root needs --no-sandbox; the rest keep chromium off the
  // network. playwright gives every launch a fresh temporary profile.
  args: ['--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking',
    '--disable-component-update', '--disable-sync'],
});
const foreign = [];
const failures = [];
let expect400 = false;
let step = 'start';
async function check(label, fn) {
  step = label;
  const t0 = Date.now();
  await fn();
  console.log(`ok - ${label} (${Date.now() - t0} ms)`);
}

try {
  const context = await browser.newContext({ viewport: { width: 1366, height: 900 } });
  const page = await context.newPage();
  page.setDefaultTimeout(60000);
  page.on('request', (r) => {
    const u = r.url();
    if (!u.startsWith('data:') && !u.startsWith('blob:') && new URL(u).origin !== origin) foreign.push(u);
  });
  page.on('pageerror', (e) => failures.push('page error: ' + e.message));
  // 401s are expected: the page asks for its session before signing in, and
  // the test tries a wrong password first.
  // A 400 is expected only while a check sends a bad form on purpose.
  page.on('console', (m) => {
    if (m.type() === 'error' && !/status of 401/.test(m.text()) && !(expect400 && /status of 400/.test(m.text()))) {
      failures.push('console: ' + m.text());
    }
  });

  const idle = async (minGeneration = 0) => page.waitForFunction(
    (g) => document.body.dataset.loading === '0' && Number(document.body.dataset.generation || 0) >= g, minGeneration);
  const generation = async () => Number(await page.evaluate(() => document.body.dataset.generation || 0));
  const apiGet = async (p) => page.evaluate(async (q) => {
    const r = await fetch('/api/v1' + q, { credentials: 'same-origin' });
    return { status: r.status, body: await r.json() };
  }, p);

  await check('sign in', async () => {
    await page.goto(url);
    await page.waitForSelector('#signin-form', { state: 'visible' });
    await page.fill('#signin-form input[name=name]', name);
    await page.fill('#signin-form input[name=password]', 'wrong password');
    await page.click('[data-testid=signin-submit]');
    await page.waitForFunction(() => document.getElementById('signin-error').textContent.length > 0);
    await page.fill('#signin-form input[name=password]', password);
    await page.click('[data-testid=signin-submit]');
    await page.waitForSelector('#view-overview', { state: 'visible' });
    await idle(1);
    assert.match(await page.textContent('[data-testid=whoami]'), /admin/);
    const cookies = await context.cookies();
    const session = cookies.find((c) => c.name === 'fl_session');
    assert.ok(session, 'session cookie set');
    assert.equal(session.httpOnly, true);
    assert.equal(session.sameSite, 'Strict');
    assert.equal(await page.evaluate(() => document.cookie.includes('fl_session')), false, 'cookie not readable by scripts');
    await page.waitForFunction(() => Number(document.getElementById('map').dataset.markers || 0) > 0);
    assert.equal(await page.$eval('#map', (e) => e.dataset.basemap), 'ready', 'offline basemap drawn');
    await page.screenshot({ path: path.join(out, '01-overview.png'), fullPage: true });
  });

  await check('filter: map markers and table agree with the API', async () => {
    const before = await generation();
    await page.selectOption('#filters select[name=admin1]', 'Balochistan');
    await page.selectOption('#filters select[name=attack_type]', 'suicide_bombing');
    await page.click('[data-testid=apply-filters]');
    await idle(before + 1);
    const list = await apiGet('/incidents?admin1=Balochistan&attack_type=suicide_bombing&limit=100&total=true');
    const geo = await apiGet('/incidents.geojson?admin1=Balochistan&attack_type=suicide_bombing&zoom=5');
    assert.equal(list.status, 200);
    assert.ok(list.body.total > 0, 'the filter matches something');
    const summary = await page.$eval('#summary', (e) => ({ total: Number(e.dataset.total), mapped: Number(e.dataset.mapped) }));
    assert.equal(summary.total, list.body.total, 'summary count = API total');
    const rows = await page.$$eval('#incidents tbody tr', (trs) => trs.map((t) => Number(t.dataset.id)));
    assert.deepEqual(rows, list.body.incidents.map((i) => i.id), 'table rows = API page, in order');
    const regions = await page.$$eval('#incidents tbody tr td:nth-child(3)', (tds) => [...new Set(tds.map((t) => t.textContent))]);
    assert.deepEqual(regions, ['Balochistan']);
    const map = await page.$eval('#map', (e) => ({ markers: Number(e.dataset.markers), points: Number(e.dataset.points) }));
    assert.equal(geo.body.clustered, false);
    assert.equal(map.markers, geo.body.features.length, 'one map marker per API feature');
    assert.equal(map.points, geo.body.total);
    assert.equal(summary.mapped, geo.body.total);
    // Every incident with coordinates in the table is on the map.
    const mapped = new Set(geo.body.features.map((f) => f.properties.id));
    for (const inc of list.body.incidents) {
      if (inc.latitude !== undefined) assert.ok(mapped.has(inc.id), `incident ${inc.id} on the map`);
    }
    // Sorting by killed, descending, as the API sorts.
    await page.click('#incidents th[data-sort=killed]');
    await page.waitForSelector('#incidents th[data-sort=killed][aria-sort=descending]');
    await idle();
    const killed = await page.$$eval('#incidents tbody tr td:nth-child(8)', (tds) => tds.map((t) => Number(t.textContent.replaceAll(',', ''))));
    assert.deepEqual(killed, [...killed].sort((a, b) => b - a));
    await page.screenshot({ path: path.join(out, '02-filtered.png'), fullPage: true });
  });

  await check('open an incident', async () => {
    const id = await page.$eval('#incidents tbody tr', (t) => t.dataset.id);
    await page.click(`#incidents tbody tr[data-id="${id}"]`);
    await page.waitForSelector('[data-testid=incident-page] h1');
    assert.match(await page.textContent('[data-testid=incident-page] h1'), new RegExp(`Incident ${id}`));
    assert.ok((await page.$$('[data-testid=history] li')).length >= 1, 'history shown');
    await page.screenshot({ path: path.join(out, '03-incident.png'), fullPage: true });
  });

  let confirmedBefore = 0;
  await check('clear filters and read the time series', async () => {
    let before = await generation();
    await page.click('[data-testid=nav-overview]');
    await idle(before + 1);
    before = await generation();
    await page.click('#filters button[type=reset]');
    await idle(before + 1);
    await page.waitForFunction(() => document.getElementById('chart').dataset.confirmed !== undefined);
    confirmedBefore = Number(await page.$eval('#chart', (e) => e.dataset.confirmed));
    const api = await apiGet('/timeseries?interval=month&measure=incidents&status=confirmed');
    assert.equal(confirmedBefore, api.body.totals[0]);
  });

  let accepted = 0;
  await check('accept a review item', async () => {
    await page.click('[data-testid=nav-review]');
    await page.waitForSelector('[data-testid=review-item]');
    await page.waitForFunction(() => document.body.dataset.loading === '0');
    const totalBefore = Number(await page.$eval('#review-list', (e) => e.dataset.total));
    accepted = Number(await page.$eval('[data-testid=review-item]', (e) => e.dataset.id));
    await page.screenshot({ path: path.join(out, '04-review.png'), fullPage: true });
    await page.click(`[data-testid=review-item][data-id="${accepted}"] [data-testid=accept]`);
    await page.waitForFunction((n) => Number(document.getElementById('review-list').dataset.total) === n - 1, totalBefore);
    assert.equal(await page.$(`[data-testid=review-item][data-id="${accepted}"]`), null);
    const inc = await apiGet(`/incidents/${accepted}`);
    assert.equal(inc.body.incident.status, 'confirmed');
    assert.equal(inc.body.history.at(-1).changed_by, name);
  });

  await check('the time series changes', async () => {
    const before = await generation();
    await page.click('[data-testid=nav-overview]');
    await idle(before + 1);
    const after = Number(await page.$eval('#chart', (e) => e.dataset.confirmed));
    assert.equal(after, confirmedBefore + 1, 'one more confirmed incident in the chart');
    await page.screenshot({ path: path.join(out, '05-after-accept.png'), fullPage: true });
  });

  // The phases the API gives with the two series the chart draws, by key.
  const apiPhaseKeys = async (filters) => {
    const q = new URLSearchParams({ ...filters, interval: 'month', measure: 'incidents,killed' });
    const [c, k] = await Promise.all([apiGet(`/timeseries?${q}&status=confirmed`), apiGet(`/timeseries?${q}&status=candidate`)]);
    assert.equal(c.status, 200);
    return [...new Set([...c.body.phases, ...k.body.phases].map((p) => p.key))].sort();
  };
  const shadedKeys = async () => (await page.$eval('#chart', (e) => e.dataset.phaseKeys)).split(',').filter(Boolean).sort();

  await check('the chart shades phases and marks change points as the API says', async () => {
    const [confirmed, candidates, cps] = await Promise.all([
      apiGet('/timeseries?interval=month&measure=incidents,killed&status=confirmed'),
      apiGet('/timeseries?interval=month&measure=incidents,killed&status=candidate'),
      apiGet('/changepoints?by=month&measure=incidents&status=confirmed'),
    ]);
    const months = [...confirmed.body.points, ...candidates.body.points].map((p) => p.period).sort();
    const first = months[0], last = months.at(-1);
    const expectedCps = cps.body.changepoints.map((c) => c.period).filter((p) => p >= first && p <= last);
    assert.ok(expectedCps.length > 0, 'the demo series has change points');
    const drawn = await page.$eval('#chart', (e) => e.dataset.changepoints);
    assert.deepEqual(drawn.split(',').filter(Boolean), expectedCps, 'dashed lines = API change points');
    assert.equal(await page.$$eval('#chart line[data-changepoint]', (ls) => ls.length), expectedCps.length);
    const expected = await apiPhaseKeys({});
    assert.ok(expected.length > 0, 'the API gives phases overlapping the demo data');
    assert.deepEqual(await shadedKeys(), expected, 'shaded phases = the phases /timeseries gives');
    assert.equal(await page.$$eval('#chart rect[data-phase-key]', (rs) => rs.length), expected.length);
    // A later start leaves the earlier phases out, on the server and in the chart.
    let before = await generation();
    await page.fill('#filters input[name=from]', '2021-01-01');
    await page.click('[data-testid=apply-filters]');
    await idle(before + 1);
    const later = await apiPhaseKeys({ from: '2021-01-01' });
    assert.ok(later.length > 0 && later.length < expected.length, `fewer phases from 2021 (${later} of ${expected})`);
    assert.deepEqual(await shadedKeys(), later, 'shaded phases under a filter = the API\'s');
    before = await generation();
    await page.click('#filters button[type=reset]');
    await idle(before + 1);
    assert.deepEqual(await shadedKeys(), expected, 'filters cleared: every phase again');
    await page.screenshot({ path: path.join(out, '05b-chart-phases.png'), fullPage: true });
  });

  await check('analysis view agrees with the API', async () => {
    await page.click('[data-testid=nav-analysis]');
    await page.waitForFunction(() => Number(document.body.dataset.analysis || 0) >= 1 && document.body.dataset.loading === '0');
    const [phases, cps, forecasts, alerts, claims] = await Promise.all([
      apiGet('/phases'), apiGet('/changepoints?by=month&measure=incidents&status=confirmed'), apiGet('/forecasts'),
      apiGet('/alerts?model=rolling-nb&period=month'), apiGet('/claims'),
    ]);
    assert.equal(Number(await page.$eval('#phases', (e) => e.dataset.count)), phases.body.phases.length);
    assert.deepEqual(await page.$$eval('#phases tbody tr', (trs) => trs.map((t) => t.dataset.key)),
      phases.body.phases.map((p) => p.key));
    assert.equal(await page.$eval('#segments', (e) => e.dataset.changepoints), cps.body.changepoints.map((c) => c.period).join(','));
    assert.equal(await page.$$eval('#segments tbody tr', (trs) => trs.length), cps.body.segments.length);
    assert.equal(forecasts.status, 200, 'a forecast run is stored');
    assert.equal(await page.$eval('#forecasts', (e) => e.dataset.run), forecasts.body.run);
    const rows = await page.$$eval('#forecasts tbody tr', (trs) => trs.map((t) => ({
      unit: t.dataset.unit, target: t.dataset.target, mean: t.children[2].textContent, i90: t.children[4].textContent })));
    assert.equal(rows.length, forecasts.body.forecasts.length);
    forecasts.body.forecasts.forEach((f, i) => {
      assert.equal(rows[i].unit, f.unit);
      assert.equal(rows[i].target, f.target);
      assert.equal(rows[i].mean, f.mean.toFixed(2));
      assert.equal(rows[i].i90, `${f.quantiles['0.05'].toFixed(0)}–${f.quantiles['0.95'].toFixed(0)}`);
    });
    assert.equal(alerts.status, 200);
    assert.equal(Number(await page.$eval('#alerts', (e) => e.dataset.count)), alerts.body.alerts.length);
    assert.deepEqual(await page.$$eval('#alerts li[data-rule]', (ls) => ls.map((l) => `${l.dataset.rule}/${l.dataset.unit}`)),
      alerts.body.alerts.map((a) => `${a.rule}/${a.unit}`));
    // The claims check, run from the page, shows what the API computes.
    assert.ok(claims.body.claims.length > 0, 'claims are stored');
    await page.click('[data-testid=claims-check]');
    await page.waitForFunction(() => Number(document.getElementById('claims').dataset.checked || 0) > 0 && document.body.dataset.loading === '0');
    const checked = await page.evaluate(async () => {
      const s = await (await fetch('/api/v1/session')).json();
      const r = await fetch('/api/v1/claims/check', { method: 'POST', headers: { 'Content-Type': 'application/json', 'X-CSRF-Token': s.csrf_token }, body: '{}' });
      return r.json();
    });
    const shown = await page.$$eval('#claims tbody tr', (trs) => trs.map((t) => [t.dataset.key, t.querySelector('[data-computed]')?.dataset.computed ?? '']));
    const expected = checked.checks.map((c) => [c.key, c.computed === null ? '' : String(c.computed)]);
    assert.deepEqual(shown, expected, 'database column = API claims check');
    await page.screenshot({ path: path.join(out, '07-analysis.png'), fullPage: true });
  });

  await check('plans: the admin computes one and sees its schedule', async () => {
    assert.equal(await page.$eval('#nav-plans', (e) => e.hidden), false, 'admin sees the plans link');
    await page.click('[data-testid=nav-plans]');
    await page.waitForSelector('[data-testid=plan-form]', { state: 'visible' });
    await page.click('[data-testid=plan-submit]');
    await page.waitForFunction(() => !document.getElementById('plan-detail').hidden && document.body.dataset.loading === '0');
    const id = await page.$eval('#plan-detail', (e) => e.dataset.id);
    const plan = await apiGet(`/plans/${id}`);
    assert.equal(plan.status, 200);
    const cov = await page.$$eval('#coverage tbody tr', (trs) => trs.map((t) => [t.dataset.id, t.children[1].textContent]));
    assert.deepEqual(cov, plan.body.plan.segments.map((s) => [s.id, s.coverage.toFixed(3)]), 'coverage table = API');
    assert.equal(JSON.stringify(plan.body).includes('"seed"'), false, 'no seed in the coverage');
    await page.click('[data-testid=show-schedule]');
    await page.waitForSelector('#schedule:not([hidden])');
    const sched = await apiGet(`/plans/${id}/schedule`);
    assert.equal(Number(await page.$eval('#schedule', (e) => e.dataset.days)), sched.body.schedule.days.length);
    await page.screenshot({ path: path.join(out, '08-plans.png'), fullPage: true });
  });

  await check('plans: a district allocation is drawn on the map as the API gives it', async () => {
    await page.selectOption('#plan-form select[name=kind]', 'allocate');
    const before = await page.$eval('#plan-detail', (e) => e.dataset.id);
    await page.click('[data-testid=plan-submit]');
    await page.waitForFunction((b) => document.getElementById('plan-detail').dataset.id !== b && document.body.dataset.loading === '0', before);
    const id = await page.$eval('#plan-detail', (e) => e.dataset.id);
    const plan = await apiGet(`/plans/${id}`);
    assert.equal(plan.status, 200);
    const placed = plan.body.plan.targets.filter((t) => Number.isFinite(t.lat) && Number.isFinite(t.lon));
    assert.ok(placed.length > 0, 'the demo districts have coordinates');
    assert.equal(Number(await page.$eval('#plan-map', (e) => e.dataset.markers)), placed.length, 'map circles = targets with coordinates');
    assert.equal(await page.$eval('#plan-map', (e) => e.hidden), false);
    assert.equal(await page.$$eval('#plan-map path.leaflet-interactive', (p) => p.length), placed.length, 'circles drawn');
    await page.screenshot({ path: path.join(out, '09-plan-map.png'), fullPage: true });
  });

  await check('plans: from a forecast run with unit kinds, as the API gives it', async () => {
    const latest = await apiGet('/forecasts');
    assert.equal(latest.status, 200, 'run.sh stores a forecast run');
    await page.selectOption('#plan-form select[name=kind]', 'allocate');
    await page.selectOption('#plan-form select[name=source]', 'forecast');
    await page.waitForSelector('[data-testid=plan-run]', { state: 'visible' });
    assert.equal(await page.inputValue('[data-testid=plan-run]'), latest.body.run, 'the latest run offered');
    await page.fill('#plan-form input[name=horizon]', '2');
    // Police may only cover one unit of the run (not "(unknown)", the
    // incidents of no known place, which the game leaves out); the army anywhere.
    const unit = latest.body.forecasts.map((f) => f.unit).find((u) => u !== '(unknown)');
    // A bad count first: the server's error names the field.
    await page.fill('#plan-form textarea[name=unit_kinds]', `police,two,1,0.9,${unit}\narmy,1`);
    expect400 = true;
    await page.click('[data-testid=plan-submit]');
    await page.waitForFunction(() => document.getElementById('plan-error').textContent.length > 0);
    expect400 = false;
    assert.match(await page.textContent('#plan-error'), /unit_kinds\[0\]: count/);
    await page.fill('#plan-form textarea[name=unit_kinds]', `kind,count,capacity,effectiveness,targets\npolice,2,1,0.9,${unit}\narmy,1`);
    const before = await page.$eval('#plan-detail', (e) => e.dataset.id);
    await page.click('[data-testid=plan-submit]');
    await page.waitForFunction((b) => document.body.dataset.loading === '0' &&
      (document.getElementById('plan-detail').dataset.id !== b || document.getElementById('plan-error').textContent), before);
    assert.equal(await page.textContent('#plan-error'), '');
    const id = await page.$eval('#plan-detail', (e) => e.dataset.id);
    const plan = await apiGet(`/plans/${id}`);
    assert.equal(plan.status, 200);
    assert.ok(plan.body.plan.source.includes(latest.body.run), `planned from run ${latest.body.run}: ${plan.body.plan.source}`);
    assert.equal(await page.textContent('#plan-source'), plan.body.plan.source);
    const kinds = plan.body.plan.summary.unit_kinds;
    assert.deepEqual(kinds.map((k) => k.kind), ['police', 'army']);
    assert.deepEqual(await page.$$eval('#plan-kinds tbody tr', (trs) => trs.map((t) => [t.dataset.kind, t.children[3].textContent])),
      kinds.map((k) => [k.kind, k.expected_slots_used.toFixed(3)]), 'unit kinds table = API');
    const cov = await page.$$eval('#coverage tbody tr', (trs) => trs.map((t) => [t.dataset.id, t.children[1].textContent]));
    assert.deepEqual(cov, plan.body.plan.targets.map((t) => [t.id, t.coverage.toFixed(3)]), 'coverage table = API');
    assert.equal(JSON.stringify(plan.body).includes('"seed"'), false, 'no seed in the coverage');
    await page.click('[data-testid=show-schedule]');
    await page.waitForFunction(() => /police-1/.test(document.getElementById('schedule').textContent));
    await page.screenshot({ path: path.join(out, '10-plan-forecast-kinds.png'), fullPage: true });
  });

  await check('a viewer sees no plans', async () => {
    const ctx2 = await browser.newContext({ viewport: { width: 1366, height: 900 } });
    const v = await ctx2.newPage();
    v.on('request', (r) => { const u = r.url(); if (!u.startsWith('data:') && new URL(u).origin !== origin) foreign.push(u); });
    await v.goto(url);
    await v.waitForSelector('#signin-form', { state: 'visible' });
    await v.fill('#signin-form input[name=name]', viewerName);
    await v.fill('#signin-form input[name=password]', viewerPassword);
    await v.click('[data-testid=signin-submit]');
    await v.waitForFunction(() => document.body.dataset.loading === '0' && Number(document.body.dataset.generation || 0) >= 1);
    assert.equal(await v.$eval('#nav-plans', (e) => e.hidden), true, 'no plans link for a viewer');
    const r = await v.evaluate(async () => (await fetch('/api/v1/plans')).status);
    assert.equal(r, 403);
    await v.click('[data-testid=nav-analysis]');
    await v.waitForFunction(() => Number(document.body.dataset.analysis || 0) >= 1 && document.body.dataset.loading === '0');
    assert.equal(await v.$eval('#claims-check', (e) => e.hidden), true, 'viewers do not run the check');
    await ctx2.close();
  });

  await check('usable on a phone', async () => {
    const phone = await browser.newContext({ viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true });
    await phone.addCookies(await context.cookies());
    const p = await phone.newPage();
    p.on('request', (r) => { const u = r.url(); if (!u.startsWith('data:') && new URL(u).origin !== origin) foreign.push(u); });
    await p.goto(url);
    await p.waitForFunction(() => document.body.dataset.loading === '0' && Number(document.body.dataset.generation || 0) >= 1);
    const width = await p.evaluate(() => document.documentElement.scrollWidth);
    assert.ok(width <= 390 + 1, `no horizontal page scroll on a phone (scrollWidth ${width})`);
    await p.screenshot({ path: path.join(out, '06-phone.png'), fullPage: true });
    await phone.close();
  });

  await check('no request left this server', async () => {
    assert.deepEqual(foreign, []);
    assert.deepEqual(failures, []);
  });
  console.log(`all browser checks passed; screenshots in ${out}`);
} catch (e) {
  console.error(`not ok - ${step}: ${e.stack || e}`);
  if (failures.length) console.error(failures.join('\n'));
  process.exitCode = 1;
} finally {
  await browser.close();
}
