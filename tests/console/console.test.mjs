// The web console in Debian's headless chromium against a real newsalertd, a loopback feed server
// and a loopback webhook receiver: sign-in, feeds, alerts, a watchlist written, refused, tried and
// saved, a new story appearing by itself, and a dead letter sent again. Screenshots of each page go
// to NEWSALERT_TEST_OUTPUT (default: test-output/console under the working directory).
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, mkdirSync, writeFileSync, existsSync, readFileSync, rmSync } from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
let puppeteer;
try {
  ({ default: puppeteer } = await import('puppeteer-core'));
} catch {
  console.error(`puppeteer-core is not installed: run \`npm ci\` in ${here} (scripts/test does)`);
  process.exit(1);
}

const daemonBinary = process.env.NEWSALERTD;
const chromiumBinary = process.env.CHROMIUM || '/usr/bin/chromium';
const outputDir = process.env.NEWSALERT_TEST_OUTPUT || path.resolve('test-output/console');
const TOKEN = 'console-test-token-0123456789';
assert.ok(daemonBinary && existsSync(daemonBinary), 'NEWSALERTD must name the newsalertd binary');
assert.ok(existsSync(chromiumBinary), `no chromium at ${chromiumBinary} (Debian package chromium)`);
mkdirSync(outputDir, { recursive: true });

// --- loopback peers ---------------------------------------------------------------------------------

function item(id, title, text) {
  return `<item><title>${title}</title><link>http://127.0.0.1/story/${id}</link><guid>${id}</guid>` +
    `<description>${text}</description><pubDate>${new Date().toUTCString()}</pubDate></item>`;
}

const stories = [
  item('s1', 'Khamenei orders strike on Israel after Haniyeh killed in Tehran',
    'Iran\'s supreme leader, Ayatollah Ali Khamenei, ordered a direct strike on Israel, Iranian officials said, ' +
    'after Hamas leader Ismail Haniyeh was killed in Tehran.'),
  item('s2', 'Hezbollah fighters move south as Lebanon braces for escalation',
    'Hezbollah commanders met in Beirut on Tuesday; the group\'s leader Hassan Nasrallah said Lebanon would respond.'),
];

function rss() {
  return `<?xml version="1.0"?><rss version="2.0"><channel><title>Loopback Wire Service With A Rather Long ` +
    `Name For Layout Checks</title><link>http://127.0.0.1/</link>${stories.join('')}</channel></rss>`;
}

const received = [];
function listen(handler) {
  return new Promise((resolve) => {
    const server = http.createServer(handler);
    server.listen(0, '127.0.0.1', () => resolve(server));
  });
}
const feeds = await listen((req, res) => {
  if (req.url === '/wire.xml') {
    res.writeHead(200, { 'Content-Type': 'application/rss+xml' });
    res.end(rss());
  } else {
    res.writeHead(404, { 'Content-Type': 'text/plain' });
    res.end('no such feed');
  }
});
const hooks = await listen((req, res) => {
  let body = '';
  req.on('data', (chunk) => { body += chunk; });
  req.on('end', () => {
    received.push({ path: req.url, body: JSON.parse(body) });
    // /refusing turns the payload down for good (a dead letter); /gone says the endpoint is no
    // more (the webhook is switched off).
    const status = { '/refusing': 422, '/gone': 410 }[req.url] || 204;
    res.writeHead(status, { 'Content-Type': 'text/plain' });
    res.end(status === 204 ? '' : 'refused');
  });
});
const feedUrl = (p) => `http://127.0.0.1:${feeds.address().port}${p}`;
const hookUrl = (p) => `http://127.0.0.1:${hooks.address().port}${p}`;

async function freePort() {
  const server = net.createServer();
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address();
  await new Promise((resolve) => server.close(resolve));
  return port;
}

// --- the daemon -------------------------------------------------------------------------------------

const dir = mkdtempSync(path.join(os.tmpdir(), 'newsalert-console-'));
const port = await freePort();
const base = `http://127.0.0.1:${port}`;
writeFileSync(path.join(dir, 'newsalert.yaml'), `state_dir: ${dir}/state
http:
  listen: 127.0.0.1:${port}
  tokens:
    - {name: console-test, token: ${TOKEN}, scope: admin}
network:
  allow: [127.0.0.0/8]
poll:
  interval: 1s
  adaptive: false
shutdown_grace: 2s
feeds:
  - url: ${feedUrl('/wire.xml')}
  - url: ${feedUrl('/gone-away-feed-whose-name-is-long-enough-to-push-a-careless-layout-off-the-screen.xml')}
watchlists:
  - name: iran-israel
    actors: [{name: Ali Khamenei, aliases: [Khamenei]}, Hamas]
    regions: [Iran, Israel]
    notify: [desk, archive, retired]
webhooks:
  - name: desk
    url: ${hookUrl('/desk')}
  - name: archive
    url: ${hookUrl('/refusing')}
  - name: retired
    url: ${hookUrl('/gone')}
`, { mode: 0o600 });
const log = [];
const daemon = spawn(daemonBinary, ['run', '--config', path.join(dir, 'newsalert.yaml')], { stdio: ['ignore', 'pipe', 'pipe'] });
daemon.stdout.on('data', (d) => log.push(String(d)));
daemon.stderr.on('data', (d) => log.push(String(d)));

async function call(method, p, body) {
  const response = await fetch(base + p, {
    method, body, headers: { Authorization: `Bearer ${TOKEN}`, 'Content-Type': 'application/yaml' },
  });
  return { status: response.status, json: response.headers.get('content-type')?.startsWith('application/json') ? await response.json() : null };
}

async function until(what, check, seconds = 30) {
  const end = Date.now() + seconds * 1000;
  for (;;) {
    try {
      const value = await check();
      if (value) return value;
    } catch { /* not up yet */ }
    if (Date.now() > end) throw new Error(`timed out after ${seconds} s waiting for ${what}`);
    await sleep(200);
  }
}

let browser;
let failed = false;
try {
  await until('the daemon to answer', async () => (await fetch(`${base}/healthz`)).ok);
  await until('the first alert', async () => (await call('GET', '/v1/alerts')).json.alerts.length > 0);

  browser = await puppeteer.launch({
    executablePath: chromiumBinary,
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-dev-shm-usage'],
  });
  const page = await browser.newPage();
  const pageErrors = [];
  page.on('pageerror', (error) => pageErrors.push(error.message));
  // The 401 and 400 this test provokes are logged by chromium as failed loads; anything else is a fault.
  page.on('console', (message) => {
    if (message.type() === 'error' && !message.text().startsWith('Failed to load resource')) pageErrors.push(message.text());
  });
  await page.setViewport({ width: 1280, height: 800 });
  const shot = (name) => page.screenshot({ path: path.join(outputDir, `${name}.png`), fullPage: true });
  const text = (selector) => page.$eval(selector, (node) => node.textContent);

  // Sign-in: a wrong token is refused on the page, the right one is kept for the tab.
  await page.goto(`${base}/`, { waitUntil: 'networkidle0' });
  await page.waitForSelector('#token');
  await shot('sign-in');
  await page.type('#token', 'not-the-token-at-all');
  await page.keyboard.press('Enter');
  await page.waitForFunction(() => document.querySelector('.login [role=alert]:not([hidden])'));
  assert.match(await text('.login [role=alert]'), /not accepted/);
  await page.$eval('#token', (input) => { input.value = ''; });
  await page.type('#token', TOKEN);
  await page.keyboard.press('Enter');

  // Feeds: both feeds, one healthy and one failing, the long URL clipped inside its cell.
  await page.waitForSelector('table[aria-label=Feeds] tbody tr');
  await page.waitForFunction(() => [...document.querySelectorAll('table[aria-label=Feeds] .badge')]
    .map((b) => b.textContent).sort().join() === 'failing,ok' ||
    [...document.querySelectorAll('table[aria-label=Feeds] .badge')].map((b) => b.textContent).sort().join() === 'backing off,ok',
  { timeout: 20000 });
  const rows = await page.$$eval('table[aria-label=Feeds] tbody tr', (trs) => trs.map((tr) => tr.textContent));
  assert.equal(rows.length, 2);
  assert.ok(rows.some((r) => r.includes('404')), `the failing feed shows its error: ${rows}`);
  assert.equal(await page.evaluate(() => sessionStorage.getItem('newsalert.token')), TOKEN);
  await shot('feeds');

  // Alerts: the story, its matched names highlighted, delivered to its webhook.
  await page.click('nav a[data-view=alerts]');
  await page.waitForSelector('#alert-list .card');
  await page.waitForFunction(() => document.querySelector('#alert-list .badge.ok')?.textContent === 'desk · delivered');
  const marks = await page.$$eval('#alert-list .card mark', (ms) => ms.map((m) => m.textContent));
  for (const name of ['Khamenei', 'Israel', 'Tehran', 'Hamas']) assert.ok(marks.includes(name), `${name} is highlighted: ${marks}`);
  assert.equal(await page.$eval('#alert-list .card h3 a', (a) => a.href), 'http://127.0.0.1/story/s1');
  await shot('alerts');

  // Watchlists: a new one with a broken rule is refused at its line; tried; then saved.
  await page.click('nav a[data-view=watchlists]');
  await page.waitForSelector('table[aria-label=Watchlists]');
  await page.click('a[href="#/watchlists/new"]');
  await page.waitForSelector('#yaml');
  await page.type('#wl-name', 'lebanon-watch');
  const draft = 'actors:\n  - name: Hezbollah\n    aliases: [Hizbollah]\nregions: [Lebanon]\nrequire: Hezbollah and\n';
  await page.$eval('#yaml', (area, value) => { area.value = value; area.dispatchEvent(new Event('input')); }, draft);
  await page.click('#save');
  await page.waitForSelector('#errors li');
  const errorText = await text('#errors');
  assert.match(errorText, /line 5/, `the error points at the rule's line: ${errorText}`);
  assert.match(errorText, /require/);
  assert.deepEqual(await page.$$eval('.gutter span.bad', (s) => s.map((n) => n.textContent)), ['5']);
  await page.click('#errors button');   // puts the caret on that line
  assert.equal(await page.evaluate(() => {
    const area = document.querySelector('#yaml');
    return area.value.slice(0, area.selectionStart).split('\n').length;
  }), 5);
  assert.equal((await call('GET', '/v1/watchlists/lebanon-watch')).status, 404, 'a refused watchlist is not saved');
  await shot('watchlist-error');

  await page.$eval('#yaml', (area, value) => { area.value = value; area.dispatchEvent(new Event('input')); },
    draft.replace('require: Hezbollah and', 'require: Hezbollah and Lebanon'));
  await page.click('#try');
  await page.waitForSelector('#try-results .card');
  assert.match(await text('#try-results h2'), /Would have raised 1 alert from 2 articles/);
  assert.match(await text('#try-results .card h3'), /Hezbollah fighters move south/);
  const tried = await page.$$eval('#try-results mark', (ms) => ms.map((m) => m.textContent));
  assert.ok(tried.includes('Hezbollah') && tried.includes('Lebanon'), `try highlights the hits: ${tried}`);
  assert.equal((await call('GET', '/v1/watchlists/lebanon-watch')).status, 404, 'trying saves nothing');
  await shot('watchlist-try');

  await page.click('#save');
  await page.waitForFunction(() => location.hash === '#/watchlists/lebanon-watch');
  await page.waitForSelector('#delete');
  const saved = await call('GET', '/v1/watchlists/lebanon-watch');
  assert.equal(saved.status, 200);
  assert.equal(saved.json.require, 'Hezbollah and Lebanon');
  assert.ok(existsSync(path.join(dir, 'watchlists.d', 'lebanon-watch.yaml')));

  // A story published now appears on the alerts page without a reload.
  await page.goto(`${base}/#/alerts?watchlist=lebanon-watch`, { waitUntil: 'networkidle0' });
  await page.waitForSelector('#alert-list');
  stories.push(item('s3', 'Hezbollah drones shot down over southern Lebanon',
    'The Israeli military said Hezbollah launched drones from Lebanon overnight.'));
  // A hostile feed's script link: shown as the title, never made a link.
  stories.push(item('s4', 'Hezbollah commander named in Lebanon cabinet row',
    'A second, unrelated report out of Beirut about Hezbollah and the Lebanon cabinet.')
    .replace('<link>http://127.0.0.1/story/s4</link>', '<link>javascript:alert(document.domain)</link>'));
  await page.waitForFunction(() => {
    const titles = [...document.querySelectorAll('#alert-list .card h3')].map((h) => h.textContent).join('|');
    return titles.includes('Hezbollah drones') && titles.includes('cabinet row');
  }, { timeout: 30000 });
  const hostile = await page.$$eval('#alert-list .card h3', (hs) => hs.filter((h) => h.textContent.includes('cabinet row'))
    .map((h) => ({ links: h.querySelectorAll('a').length, text: h.textContent })));
  assert.deepEqual(hostile.map((h) => h.links), [0], `a javascript: link is not made a link: ${JSON.stringify(hostile)}`);
  assert.ok(received.some((r) => r.path === '/desk' && r.body.article?.title?.includes('Hezbollah drones')),
    'the new story reached the webhook too');
  await shot('alert-arrived');

  // Deliveries: the refused alert is a dead letter; Retry puts it back in the outbox.
  await until('a dead letter', async () => (await call('GET', '/v1/deliveries')).json.dead_letters.length > 0);
  await page.click('nav a[data-view=deliveries]');
  await page.waitForSelector('table[aria-label="Dead letters"] tbody tr');
  assert.match(await text('table[aria-label="Dead letters"]'), /422/);
  await page.waitForSelector('#disabled .card');
  assert.match(await text('#disabled'), /retired/);
  await shot('deliveries');
  const refusedBefore = received.filter((r) => r.path === '/refusing').length;
  const archiveRetry = await page.evaluateHandle(() => [...document.querySelectorAll('table[aria-label="Dead letters"] tbody tr')]
    .find((tr) => tr.cells[1].textContent === 'archive').querySelector('button'));
  await archiveRetry.click();
  await until('the retried delivery', async () => received.filter((r) => r.path === '/refusing').length > refusedBefore);

  // Keyboard: the first Tab reaches the skip link, which moves focus to the content.
  await page.goto(`${base}/#/feeds`, { waitUntil: 'networkidle0' });
  await page.reload({ waitUntil: 'networkidle0' });
  await page.waitForSelector('main h1');
  await page.keyboard.press('Tab');
  assert.equal(await page.evaluate(() => document.activeElement.textContent), 'Skip to content');
  await page.keyboard.press('Enter');
  assert.equal(await page.evaluate(() => document.activeElement.id), 'main');

  // Phone width: nothing wider than the screen on any page.
  await page.setViewport({ width: 390, height: 844, isMobile: true });
  for (const view of ['feeds', 'alerts', 'watchlists/lebanon-watch', 'deliveries']) {
    await page.goto(`${base}/#/${view}`, { waitUntil: 'networkidle0' });
    await page.waitForSelector('main h1');
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    assert.ok(overflow <= 0, `#/${view} is ${overflow}px wider than a phone`);
    await shot(`phone-${view.replace('/', '-')}`);
  }
  assert.deepEqual(pageErrors, [], 'the page logged no errors');
  console.log(`console test passed; screenshots in ${outputDir}`);
} catch (error) {
  failed = true;
  console.error(error);
  console.error('--- newsalertd log ---\n' + log.join('').slice(-8000));
} finally {
  if (browser) await browser.close();
  daemon.kill('SIGTERM');
  await new Promise((resolve) => daemon.once('exit', resolve));
  feeds.close();
  hooks.close();
  if (!failed) rmSync(dir, { recursive: true, force: true });
}
process.exit(failed ? 1 : 0);
