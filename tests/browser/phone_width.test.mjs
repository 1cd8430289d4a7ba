// Every page each role can reach fits a 390 px phone: signed in as each role of the spec (and signed
// out), the test walks the site from the home page as a person would, following every link to a
// page, on the demo data set plus a few records made through the API (a session open for check-in,
// a certificate, a survey run, a password link). On each page, at 390x844, nothing may stick out
// past the right edge or scroll sideways (overflow.mjs), and axe-core may find no WCAG 2.2 AA
// violation. Every HTML page route the role may use (from `lantern routes`) must have been reached,
// so a new page cannot slip past the check.
import test, { before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { startStack, api, tokenFor, waitFor, Client, LANTERN, sqlite } from '../http/lib.mjs';
import { signIn, launchBrowser, keepOffline, axeViolations } from './lib.mjs';
import { horizontalOverflow } from './overflow.mjs';

const ctx = {};
const PHONE = { width: 390, height: 844 };
const PER_ROUTE = 2; // pages visited per route pattern (two sessions, two schools, ...)

// GET routes that answer something other than a page, and why.
const NOT_PAGES = new Map([
  ['/healthz', 'a plain-text health check'],
  ['/calendar/{}', 'an iCalendar file'],
  ['/sessions/{}/check-in/qr', 'the QR fragment the check-in screen fetches'],
  ['/indicators/export', 'a CSV, JSON or ADX download'],
]);
const isPageRoute = (route) => !route.pattern.startsWith('/api/') &&
  !/\.(csv|pdf|svg)$/.test(route.pattern) && !NOT_PAGES.has(route.pattern);

// The route table in its own order: the first pattern that matches is the one the server uses.
const gets = JSON.parse(execFileSync(LANTERN, ['routes'], { encoding: 'utf8' })).filter((r) => r.method === 'GET');
const matcher = (pattern) => new RegExp(`^${pattern.replace(/[.*+?^$()|[\]\\]/g, '\\$&').replace(/\{\}/g, '[^/]+')}$`);
const compiled = gets.map((r) => ({ ...r, re: matcher(r.pattern) }));
const routeOf = (path) => compiled.find((r) => r.re.test(path));
const routes = gets.filter(isPageRoute);
const mayUse = (route, role) => route.roles.includes(role) || route.roles.includes('public') ||
  (role === 'signed out' && route.signed_out === true);

const sql = (q) => sqlite(ctx.stack.dbPath, q);
const iso = (ms) => new Date(ms).toISOString().replace(/\.\d+Z$/, 'Z');
const venue = { name: 'Civic Centre', address: 'Victoria Avenue', postcode: 'SS2 6ER', area: 'southend' };

// Records the crawl cannot find by links, made through the API: pages reached from an e-mail, a
// scanned code or a poster. Keyed by the role that starts from them.
const seeds = { 'signed out': ['/login', '/help'] };

before(async () => {
  ctx.stack = await startStack({ demo: true });
  ctx.browser = await launchBrowser();
  const admin = api(ctx.stack.base, await tokenFor(ctx.stack, 'admin@lantern.example'));
  const session = async (startMs, hours) => {
    const made = await admin.post('/api/v1/sessions', {
      course: 'recognising-and-responding', starts_at: iso(startMs), ends_at: iso(startMs + hours * 3600e3),
      capacity: 8, venue, trainers: ['trainer@lantern.example'],
    });
    assert.equal(made.status, 201, made.text);
    const booked = await admin.post(`/api/v1/sessions/${made.json.id}/bookings`, { email: 'practitioner@lantern.example' });
    assert.equal(booked.status, 201, booked.text);
    return { id: made.json.id, booking: booked.json.id };
  };
  // A session that ended yesterday, attended: a certificate and an evaluation.
  const past = await session(Date.now() - 26 * 3600e3, 3);
  const marked = await admin.put(`/api/v1/bookings/${past.booking}/attendance`, { status: 'attended' });
  assert.ok(marked.status < 300, marked.text);
  await waitFor('the certificate', async () => (await admin.get(`/api/v1/bookings/${past.booking}/certificate`)).status === 200);
  const certificate = (await admin.get(`/api/v1/bookings/${past.booking}/certificate`)).json;
  // A session on now, so its check-in screen shows the code and the address under it.
  const live = await session(Date.now() - 600e3, 3);
  const trainer = new Client(ctx.stack.base);
  await trainer.login('trainer@lantern.example');
  const screen = (await trainer.get(`/sessions/${live.id}/check-in`)).text;
  const checkin = screen.match(new RegExp(`/checkin/${live.id}/[0-9a-f]+`))[0];
  const scanned = (await new Client(ctx.stack.base).get(checkin)).headers.get('location');
  assert.match(scanned, /^\/login\?next=/, 'a signed-out scan asks to sign in');
  // A pupil survey and a campaign poster's code.
  const run = await admin.post('/api/v1/survey-runs', { urn: '900001', year_group: 9, phase: 'pre', capacity: 30 });
  assert.equal(run.status, 201, run.text);
  const poster = sql('SELECT code FROM placements ORDER BY id LIMIT 1');
  assert.ok(poster, 'the demo has a placement');
  // A password link, as the e-mail carries it.
  const anon = new Client(ctx.stack.base);
  const forgot = await anon.submit('/password/forgotten', { email: 'analyst@lantern.example' });
  assert.ok(forgot.status < 400, forgot.text);
  const mail = sql("SELECT body FROM outbox WHERE to_email = 'analyst@lantern.example' ORDER BY id DESC LIMIT 1");
  const link = new URL(mail.match(/https?:\/\/\S+\/password\/set\/[A-Za-z0-9_-]+/)[0]).pathname;

  // A session next week: its booking can still be cancelled (the confirmation page).
  const coming = await session(Date.now() + 7 * 86400e3, 3);
  // Each role's own API token, so its tokens page links the revoke confirmation.
  for (const who of ['trainer', 'school', 'practitioner', 'campaign', 'analyst']) await tokenFor(ctx.stack, `${who}@lantern.example`);
  // The void range form sends its range by GET to the confirmation page.
  const minute = (ms) => new Date(ms).toISOString().slice(0, 16);
  const voidPage = `/survey-runs/${run.json.id}/answers/void?from=${minute(Date.now() - 3600e3)}&to=${minute(Date.now())}`;

  seeds['signed out'].push('/s/', link, `/s/${run.json.code}`, `/c/${poster}`, `/verify/${certificate.code}`, checkin);
  seeds.trainer = [voidPage];
  seeds.school = [voidPage];
  // The check-in code scanned (signed out it leads to sign-in, then here), the evaluation's e-mail link,
  // and a booking's Cancel link.
  seeds.practitioner = [decodeURIComponent(scanned.replace(/^\/login\?next=/, '')), checkin,
    `/evaluations/${past.booking}`, `/sessions/${coming.id}`];
  // Pages a person reaches from a form or that their menu does not list: an admin may use a trainer's
  // Your sessions, and cancels someone's booking from its address.
  seeds.admin = [`/certificates/${past.booking}`, '/my-sessions', `/bookings/${coming.booking}/cancel`, voidPage];
});

after(async () => {
  await ctx.browser?.close();
  await ctx.stack?.stop();
});

// Visits every page the role reaches by links from its home page and its seeds, PER_ROUTE per route.
async function walk(role, page) {
  const base = ctx.stack.base;
  const queue = ['/', ...(seeds[role] || [])];
  const queued = new Set(queue);
  const visits = new Map(); // pattern -> pages visited
  const problems = [];
  while (queue.length) {
    const path = queue.shift();
    const route = routeOf(path.split('?')[0]);
    if (!route || !isPageRoute(route) || !mayUse(route, role) || (visits.get(route.pattern) || 0) >= PER_ROUTE) continue;
    visits.set(route.pattern, (visits.get(route.pattern) || 0) + 1);
    const res = await page.goto(path);
    const here = new URL(page.url());
    const where = here.pathname + here.search === path ? path : `${path} (-> ${here.pathname}${here.search})`;
    const type = res.headers()['content-type'] || '';
    if (!type.startsWith('text/html')) {
      problems.push(`${where}: answers ${type}, not a page (add it to NOT_PAGES)`);
      continue;
    }
    for (const p of await horizontalOverflow(page)) problems.push(`${where}: ${p}`);
    // axe on the first page of each route (the slow part); the layout on every page.
    if (visits.get(route.pattern) === 1) for (const v of await axeViolations(page)) problems.push(`${where}: axe ${v}`);
    const links = await page.$$eval('a[href]', (as) => as.map((a) => a.href));
    for (const href of links) {
      const u = new URL(href, base);
      if (u.origin !== new URL(base).origin) continue;
      const next = u.pathname + u.search;
      if (!queued.has(next)) {
        queued.add(next);
        queue.push(next);
      }
    }
  }
  // Public pages count for the signed-out walk; signed in, a role must reach its own.
  const owns = (r) => (role === 'signed out' ? mayUse(r, role) : r.roles.includes(role));
  const missed = routes.filter((r) => owns(r) && !visits.has(r.pattern)).map((r) => r.pattern);
  return { problems, missed, visited: [...visits.keys()] };
}

async function phonePage() {
  // The page's CSP allows only its own scripts; axe is injected for the test alone.
  const context = await ctx.browser.newContext({
    baseURL: ctx.stack.base, bypassCSP: true, viewport: PHONE, screen: PHONE, isMobile: true, hasTouch: true,
    locale: 'en-GB', timezoneId: 'Europe/London',
  });
  await keepOffline(context);
  return context.newPage();
}

const roles = ['signed out', 'admin', 'trainer', 'school', 'practitioner', 'campaign', 'analyst'];
for (const role of roles) {
  test(`every page ${role === 'signed out' ? 'a signed-out visitor' : `the ${role}`} can reach fits 390 px`, async () => {
    const page = await phonePage();
    if (role !== 'signed out') await signIn(page, ctx.stack.base, `${role}@lantern.example`);
    const { problems, missed, visited } = await walk(role, page);
    await page.context().close();
    const unreached = missed.map((pattern) => `${pattern}: never reached (link it, or seed it above)`);
    assert.deepEqual([...problems, ...unreached], [], `${problems.length} problems on ${visited.length} routes`);
  });
}
