// Dashboard browser test: playwright-core drives Debian's chromium headless
// (never a downloaded browser). Signs in, filters, checks that the map's
// markers and the table agree with the API, opens an incident, accepts a
// review item and sees the time series change. Waits only on conditions in
// the page (data-loading, data-generation), never on fixed delays. Every
// request the page makes must go to the server that served it.
// Usage: node dashboard.test.mjs URL NAME PASSWORD ARTIFACT_DIR
import assert from 'node:assert/strict';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const { chromium } = await import(path.join(here, '../../web/node_modules/playwright-core/index.mjs'));
const [url, name, password, out] = process.argv.slice(2);
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
  page.on('console', (m) => {
    if (m.type() === 'error' && !/status of 401/.test(m.text())) failures.push('console: ' + m.text());
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
