// Drives the admin console in headless Chromium (Debian's /usr/bin/chromium) through playwright-core.
// Run by ConsoleBrowserTest; settings come from the environment:
//   CONSOLE_URL      base URL of the app serving /console
//   ADMIN_TOKEN      the admin token (typed into the login form only)
//   KEYS_FILE        file with fake raw keys, one per line, to import
//   POOL             pool to import them into
//   USAGE_URL        usage-service base URL (its numbers are the reference for the overview)
//   SCREENSHOT_DIR   where page screenshots go
//   CHROMIUM         browser executable (default /usr/bin/chromium)
// Prints one line per check and ends with "console-check: N passed, M failed"; exit code 1 on any failure.
import { chromium } from 'playwright-core';
import { mkdtempSync, readFileSync, rmSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const env = (name) => {
  const v = process.env[name];
  if (!v) { console.error(`missing ${name}`); process.exit(2); }
  return v;
};
const base = env('CONSOLE_URL').replace(/\/$/, '');
const token = env('ADMIN_TOKEN');
const rawKeys = readFileSync(env('KEYS_FILE'), 'utf8').split('\n').map(s => s.trim()).filter(Boolean);
const pool = env('POOL');
const usageUrl = env('USAGE_URL').replace(/\/$/, '');
const shots = env('SCREENSHOT_DIR');
mkdirSync(shots, { recursive: true });

let passed = 0, failed = 0;
function check(name, ok, detail = '') {
  if (ok) { passed++; console.log(`ok   ${name}`); }
  else { failed++; console.log(`FAIL ${name}${detail ? ': ' + detail : ''}`); }
}

const profile = mkdtempSync(join(tmpdir(), 'console-chromium-'));
// A new, empty profile (playwright passes it as --user-data-dir).
const context = await chromium.launchPersistentContext(profile, {
  executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
  headless: true,
  timeout: 60_000,
  viewport: { width: 1400, height: 1000 },
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
    '--disable-background-networking', '--disable-component-update', '--disable-sync'],
});
try {
  const page = context.pages()[0] || await context.newPage();
  page.setDefaultTimeout(30_000);
  const shot = (name) => page.screenshot({ path: join(shots, name), fullPage: true });

  // 1. Not logged in: sent to the login page.
  await page.goto(`${base}/console/keys`);
  check('unauthenticated /console/keys lands on the login page', new URL(page.url()).pathname === '/console/login', page.url());
  await shot('01-login.png');

  // 2. A wrong token: an error, still on the login page, no cookie.
  await page.fill('#token', 'not-the-token');
  await Promise.all([page.waitForLoadState(), page.click('button[type=submit]')]);
  check('wrong token is refused', (await page.content()).includes('not the admin token'));
  check('no cookie after a wrong token', (await context.cookies()).length === 0);

  // 3. The right token: the overview, with an HttpOnly, SameSite=Strict cookie that does not hold the token.
  await page.fill('#token', token);
  await Promise.all([page.waitForURL(`${base}/console`), page.click('button[type=submit]')]);
  const cookies = await context.cookies();
  const session = cookies.find(c => c.name === 'gp_console');
  check('logged in: overview shown', (await page.textContent('h1')) === 'Overview');
  check('session cookie is HttpOnly and SameSite=Strict', session && session.httpOnly && session.sameSite === 'Strict',
    JSON.stringify(session));
  check('session cookie has an expiry', session && session.expires > Date.now() / 1000);
  check('session cookie does not hold the token', session && !session.value.includes(token));
  const stored = await page.evaluate(() => JSON.stringify(localStorage) + JSON.stringify(sessionStorage) + document.cookie);
  check('token not in local/session storage nor script-visible cookies', !stored.includes(token) && !stored.includes('gp_console'));

  // 4. Import keys (paste, default pool, confirmation tick).
  await page.goto(`${base}/console/keys`);
  await page.fill('#import-keys', rawKeys.join('\n'));
  await page.fill('#import-pool', pool);
  await page.check('#import-confirm');
  await Promise.all([page.waitForLoadState(), page.click('form.import button[type=submit]')]);
  const importHtml = await page.content();
  check('import result shown', importHtml.includes(`Import done: ${rawKeys.length} added`), (await page.textContent('main')).slice(0, 400));
  check('no raw key in the import result page', rawKeys.every(k => !importHtml.includes(k) && !importHtml.includes(k.slice(4, 34))));
  await shot('02-keys-imported.png');

  // 5. Listed masked, never raw.
  await page.goto(`${base}/console/keys?pool=${encodeURIComponent(pool)}`);
  const listHtml = await page.content();
  const rows = page.locator('#keys-table tbody tr[data-key-id]');
  check('every imported key is listed', (await rows.count()) === rawKeys.length, `${await rows.count()} rows`);
  check('keys listed masked (first4…last4)', rawKeys.every(k => listHtml.includes(`${k.slice(0, 4)}…${k.slice(-4)}`)));
  check('no raw key in the keys page HTML', rawKeys.every(k => !listHtml.includes(k) && !listHtml.includes(k.slice(4, 34))));

  // 6. Disable one: confirmation page, then the result, then the state in the list.
  const first = rows.first();
  const firstId = await first.getAttribute('data-key-id');
  await Promise.all([page.waitForLoadState(), first.locator('button', { hasText: 'Disable' }).click()]);
  check('disable asks for confirmation', (await page.content()).includes('Please confirm'));
  await shot('03-confirm-disable.png');
  await Promise.all([page.waitForLoadState(), page.click('#confirm-button')]);
  check('disable result visible', ((await page.textContent('[role=status]')) || '').includes('is disabled'));
  await page.goto(`${base}/console/keys?pool=${encodeURIComponent(pool)}`);
  const state = (await page.textContent(`tr[data-key-id="${firstId}"] [data-field=state]`)).trim();
  check('disabled key shows DISABLED', state.startsWith('DISABLED'), state);
  const others = await page.locator('#keys-table tbody tr[data-key-id] [data-field=state]').allTextContents();
  check('the other keys stay ACTIVE', others.filter(s => s.trim().startsWith('ACTIVE')).length === rawKeys.length - 1, others.join('|'));
  await shot('04-keys-after-disable.png');

  // 7. Overview numbers equal usage-service's.
  await page.goto(`${base}/console`);
  const reference = await (await fetch(`${usageUrl}/usage/daily`, { headers: { Authorization: `Bearer ${token}` } })).json();
  const shown = {};
  for (const metric of ['requests', 'successes', 'rateLimited', 'dayExhausted', 'invalidOrDenied', 'upstreamErrors', 'clientErrors']) {
    shown[metric] = Number((await page.textContent(`.tiles [data-metric="${metric}"]`)).trim());
    check(`overview ${metric} = usage API (${reference.totals[metric]})`, shown[metric] === reference.totals[metric], String(shown[metric]));
  }
  check('overview shows traffic', shown.requests > 0);
  // This hour and the hourly chart equal usage-service's /usage/hourly (compared only when the hour did not turn).
  const hourlyBefore = await (await fetch(`${usageUrl}/usage/hourly?hours=24`, { headers: { Authorization: `Bearer ${token}` } })).json();
  await page.goto(`${base}/console`);
  const hourly = await (await fetch(`${usageUrl}/usage/hourly?hours=24`, { headers: { Authorization: `Bearer ${token}` } })).json();
  check('usage API answers 24 hours', hourly.rows.length === 24, String(hourly.rows.length));
  if (hourlyBefore.to === hourly.to) {
    const current = hourly.rows[23];
    for (const metric of ['requests', 'successes', 'rateLimited', 'dayExhausted', 'invalidOrDenied', 'upstreamErrors', 'clientErrors']) {
      const v = Number((await page.textContent(`#this-hour [data-hour-metric="${metric}"]`)).trim());
      check(`this hour ${metric} = usage API (${current[metric]})`, v === current[metric], String(v));
    }
    const cells = await page.locator('#hourly-table td[data-hour-requests]').evaluateAll(
      tds => tds.map(td => [td.getAttribute('data-hour-requests'), Number(td.textContent.trim())]));
    const expected = hourly.rows.map(r => [r.hour, r.requests]);
    check('hourly chart = usage API', JSON.stringify(cells) === JSON.stringify(expected), JSON.stringify(cells));
    check('hourly chart has 24 bars', (await page.locator('#hourly-chart rect.bar').count()) === 24);
  } else {
    console.log('SKIP hourly comparison: the hour turned during the check');
  }
  const disabledCount = Number((await page.textContent('[data-state="DISABLED"]')).trim());
  check('overview counts the disabled key', disabledCount >= 1, String(disabledCount));
  await shot('05-overview.png');
  console.log('RESULT ' + JSON.stringify({ shown, reference: reference.totals, date: reference.date }));

  // 8. Usage and Routes pages render.
  await page.goto(`${base}/console/usage`);
  check('usage page lists per-key and per-client tables', (await page.locator('#usage-keys').count()) === 1
    && (await page.locator('#usage-clients').count()) === 1);
  await shot('06-usage.png');
  await page.goto(`${base}/console/routes`);
  check('routes page renders', (await page.textContent('h1')) === 'Routes');
  const routeTotal = Number((await page.textContent('#route-usage [data-metric="routeRequests"]')).trim());
  const routesRef = await (await fetch(`${usageUrl}/usage/routes`, { headers: { Authorization: `Bearer ${token}` } })).json();
  check(`routes page total = usage API (${routesRef.totals.requests})`, routeTotal === routesRef.totals.requests, String(routeTotal));
  await shot('07-routes.png');

  // 9. Logout: back to the login page, and the console is closed again.
  await Promise.all([page.waitForURL(`${base}/console/login`), page.click('form.logout button')]);
  await page.goto(`${base}/console`);
  check('after logout the console sends you to the login page', new URL(page.url()).pathname === '/console/login');
} catch (e) {
  failed++;
  console.log(`FAIL unexpected error: ${e && e.stack || e}`);
} finally {
  await context.close();
  rmSync(profile, { recursive: true, force: true });
}
console.log(`console-check: ${passed} passed, ${failed} failed`);
process.exit(failed === 0 ? 0 : 1);
