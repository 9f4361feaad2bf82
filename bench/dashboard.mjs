// Dashboard timing for docs/benchmarks.md: how long the dashboard takes to
// show its first view (sign-in to map, chart and table drawn) and to redraw
// after a filter change, measured in the browser (playwright-core driving
// Debian's chromium headless, as test/browser does). "Drawn" is the page's
// own signal: body[data-loading=0] with a new data-generation.
// Usage: node bench/dashboard.mjs URL NAME PASSWORD   (bench/serve.sh dashboard runs it)
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const { chromium } = await import(path.join(here, '../web/node_modules/playwright-core/index.mjs'));
const [url, name, password] = process.argv.slice(2);
const browser = await chromium.launch({
  executablePath: '/usr/bin/chromium',
  headless: true,
  args: ['--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking',
    '--disable-component-update', '--disable-sync'],
});
try {
  const page = await (await browser.newContext({ viewport: { width: 1366, height: 900 } })).newPage();
  const limit = Number(process.env.DASHBOARD_TIMEOUT_S || 180);
  page.setDefaultTimeout(limit * 1000);
  const idle = async (g) => page.waitForFunction(
    (min) => document.body.dataset.loading === '0' && Number(document.body.dataset.generation || 0) >= min, g);
  // The map has drawn what the server sent (data-markers is set by
  // IncidentMap.show; it may be 0: the generated incidents have no
  // coordinates).
  const mapDrawn = async () => page.waitForFunction(() => document.getElementById('map').dataset.markers !== undefined);
  const generation = async () => Number(await page.evaluate(() => document.body.dataset.generation || 0));
  const time = async (label, fn) => {
    const t0 = performance.now();
    try {
      await fn();
    } catch (e) {
      if (e.name !== 'TimeoutError') throw e;
      console.log(`${label.padEnd(58)} > ${limit} s (gave up)`);
      process.exitCode = 1;
      throw e;
    }
    console.log(`${label.padEnd(58)} ${((performance.now() - t0) / 1000).toFixed(2)} s`);
  };
  await page.goto(url);
  await page.waitForSelector('#signin-form', { state: 'visible' });
  await page.fill('#signin-form input[name=name]', name);
  await page.fill('#signin-form input[name=password]', password);
  await time('sign in -> overview drawn (first load)', async () => {
    await page.click('[data-testid=signin-submit]');
    await page.waitForSelector('#view-overview', { state: 'visible' });
    await idle(1);
    await mapDrawn();
  });
  await time('reload, signed in -> overview drawn', async () => {
    await page.reload();
    await idle(1);
    await mapDrawn();
  });
  for (const [admin1, attack] of [['Balochistan', 'suicide_bombing'], ['Khyber Pakhtunkhwa', '']]) {
    await time(`filter admin1=${admin1}${attack ? ' attack_type=' + attack : ''} -> redrawn`, async () => {
      const before = await generation();
      await page.selectOption('#filters select[name=admin1]', admin1);
      await page.selectOption('#filters select[name=attack_type]', attack);
      await page.click('[data-testid=apply-filters]');
      await idle(before + 1);
    });
  }
  await time('clear filters -> redrawn', async () => {
    const before = await generation();
    await page.click('#filters button[type=reset]');
    await idle(before + 1);
  });
} finally {
  await browser.close();
}
