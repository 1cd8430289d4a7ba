// Trainers and practitioners find their own things (issue 15), in a real browser at phone width
// (390 px) and on a desktop. A trainer signs in, finds today's session from the home page and marks
// a 20-person roster: with JavaScript each mark is made in place (no reload, the scroll position
// stays, the row and its pressed button change, the live region says so); without it the page comes
// back to the row's anchor. A practitioner's record links the certificate and the feedback form and
// keeps past bookings. axe-core finds no WCAG 2.2 AA violation on these pages. The server's clock is
// pinned to a late morning, so "today" holds the sessions made here.
import test, { before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import { execFileSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { startStack, api, tokenFor, waitFor } from '../http/lib.mjs';
import { lateMorningClock } from '../http/uk_time.mjs';
import { keepOffline, launchBrowser, newPhonePage, signIn } from './lib.mjs';

const axeSource = fs.readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');
const clock = lateMorningClock();
const T = clock.T;
const iso = (t) => new Date(t * 1000).toISOString().replace('.000', '');
let stack, browser, admin;
const sql = (q) => execFileSync('sqlite3', [stack.dbPath, q], { encoding: 'utf8' }).trim();

before(async () => {
  stack = await startStack({ env: { LANTERN_CLOCK_FILE: clock.file }, demo: true });
  browser = await launchBrowser();
  admin = api(stack.base, await tokenFor(stack, 'admin@lantern.example'));
});
after(async () => {
  await browser?.close();
  await stack?.stop();
  clock.remove();
});

async function ok(promise) {
  const r = await promise;
  assert.ok(r.status < 300, `${r.status} ${r.text}`);
  return r.json;
}

// A session of the demo trainer's at a venue of its own, starting `start`, with `people` booked
// (named "<prefix> Person 01" ...). Returns its id.
async function sessionWith(venue, start, hours, prefix, people) {
  const { id } = await ok(admin.post('/api/v1/sessions', {
    course: 'recognising-and-responding', starts_at: iso(start), ends_at: iso(start + hours * 3600), capacity: 25,
    venue: { name: venue, address: 'Victoria Avenue', postcode: 'SS2 6ER', area: 'southend' }, trainers: ['trainer@lantern.example'],
  }));
  for (let i = 1; i <= people; i++) {
    const email = `${prefix.toLowerCase()}${i}@example.org`;
    await ok(admin.post('/api/v1/users', { email, name: `${prefix} Person ${String(i).padStart(2, '0')}`, role: 'practitioner', org: '2', password: 'person-password-1' }));
    await ok(admin.post(`/api/v1/sessions/${id}/bookings`, { email }));
  }
  return id;
}

const newDesktopPage = async (options = {}) => {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, locale: 'en-GB', timezoneId: 'Europe/London', baseURL: stack.base, ...options });
  await keepOffline(context);
  return context.newPage();
};
const widths = {
  phone: (options) => newPhonePage(browser, { baseURL: stack.base, ...options }),
  desktop: newDesktopPage,
};

async function violations(path, email, password) {
  // axe is injected for the check alone, so this page's context lets it past the CSP.
  const page = await newDesktopPage({ bypassCSP: true });
  await signIn(page, stack.base, email, password);
  const found = [];
  for (const p of path) {
    await page.goto(p);
    await page.addScriptTag({ content: axeSource });
    const result = await page.evaluate(() => window.axe.run(document, {
      runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa'] },
    }));
    for (const v of result.violations) found.push(`${p} ${v.id}: ${v.help} (${v.nodes.map((n) => n.target.join(' ')).slice(0, 3).join(', ')})`);
  }
  await page.context().close();
  return found;
}

const statusOf = (prefix, n) => sql(`SELECT b.status FROM bookings b JOIN users u ON u.id = b.user_id WHERE u.email = '${prefix.toLowerCase()}${n}@example.org'`);

for (const [width, newPage] of Object.entries(widths)) {
  test(`${width}: a trainer finds today's session from the home page and marks it in place`, async () => {
    const venue = `${width === 'phone' ? 'Phone' : 'Desk'} Hall`;
    const prefix = width === 'phone' ? 'Tap' : 'Click';
    const id = await sessionWith(venue, T + (width === 'phone' ? 600 : 1200), 3, prefix, 20);
    const page = await newPage();
    await signIn(page, stack.base, 'trainer@lantern.example');
    const today = page.locator('.lantern-session-list__item', { hasText: venue });
    await today.getByRole('link', { name: /^Take attendance/ }).click();
    await page.waitForURL(`${stack.base}/sessions/${id}/roster`);

    // With script: a mark far down the list keeps the page where it is.
    const late = page.getByRole('button', { name: `Late ${prefix} Person 12`, exact: true });
    await late.scrollIntoViewIfNeeded();
    await page.evaluate(() => { window.lanternNoReload = true; });
    const before = await page.evaluate(() => window.scrollY);
    assert.ok(before > 500, `scrolled down the roster (${before})`);
    await late.click();
    await page.getByRole('button', { name: `Late ${prefix} Person 12`, pressed: true }).waitFor();
    assert.equal(await page.evaluate(() => window.lanternNoReload), true, 'the page was not reloaded');
    assert.equal(page.url(), `${stack.base}/sessions/${id}/roster`);
    const after = await page.evaluate(() => window.scrollY);
    assert.ok(Math.abs(after - before) < 100, `the scroll position stays (${before} then ${after})`);
    assert.match(await page.locator('[data-lantern-roster-status]').textContent(), new RegExp(`${prefix} Person 12: Late`));
    assert.equal(statusOf(prefix, 12), 'late');
    const row = page.locator('.lantern-roster__item', { hasText: `${prefix} Person 12` });
    assert.match(await row.locator('.govuk-tag').textContent(), /Late/);
    // The pressed mark moves.
    await page.getByRole('button', { name: `Absent ${prefix} Person 12`, exact: true }).click();
    await page.getByRole('button', { name: `Absent ${prefix} Person 12`, pressed: true }).waitFor();
    assert.equal(await page.getByRole('button', { name: `Late ${prefix} Person 12`, exact: true }).getAttribute('aria-pressed'), 'false');
    assert.equal(statusOf(prefix, 12), 'absent');
    assert.equal(await page.evaluate(() => window.lanternNoReload), true);
    await page.context().close();

    // Without script: the page comes back to the row by its anchor.
    const plain = await newPage({ javaScriptEnabled: false });
    await signIn(plain, stack.base, 'trainer@lantern.example');
    await plain.goto(`/sessions/${id}/roster`);
    await plain.getByRole('button', { name: `Attended ${prefix} Person 14`, exact: true }).click();
    await plain.waitForURL(/\/roster\?marked=\d+#booking-\d+$/);
    assert.match(await plain.locator('.lantern-roster__item:target').textContent(), new RegExp(`${prefix} Person 14`));
    assert.equal(await plain.getByRole('button', { name: `Attended ${prefix} Person 14`, exact: true }).getAttribute('aria-pressed'), 'true');
    assert.ok(await plain.evaluate(() => window.scrollY) > 500, 'scrolled to the row, not the top');
    assert.equal(statusOf(prefix, 14), 'attended');
    await plain.context().close();
  });
}

test('a trainer\'s pages pass axe: home, Your sessions, the roster with marks, past sessions', async () => {
  const id = await sessionWith('Axe Hall', T + 900, 2, 'Axe', 3);
  await ok(admin.put(`/api/v1/bookings/${sql(`SELECT b.id FROM bookings b JOIN users u ON u.id = b.user_id WHERE u.email = 'axe1@example.org'`)}/attendance`, { status: 'late' }));
  const later = await sessionWith('Later Hall', T + 6 * 3600, 2, 'Later', 1); // not open for marking yet
  assert.deepEqual(await violations(['/', '/my-sessions', `/sessions/${id}/roster`, `/sessions/${later}/roster`, '/sessions?when=past'],
    'trainer@lantern.example'), []);
});

test('a practitioner\'s record links the certificate and the feedback form, and keeps past bookings', async () => {
  const email = 'keeper1@example.org';
  const attended = await sessionWith('Record Hall', T - 2 * 86400, 3, 'Keeper', 1);
  const booking = sql(`SELECT b.id FROM bookings b JOIN users u ON u.id = b.user_id WHERE u.email = '${email}' AND b.session_id = ${attended}`);
  await ok(admin.put(`/api/v1/bookings/${booking}/attendance`, { status: 'attended' }));
  const { id: upcoming } = await ok(admin.post('/api/v1/sessions', {
    course: 'dash-risk-assessment-and-marac', starts_at: iso(T + 9 * 86400), ends_at: iso(T + 9 * 86400 + 3 * 3600), capacity: 5,
    venue: { name: 'Later Hall', address: 'High Street', postcode: 'CM7 3YG', area: 'braintree' }, trainers: ['trainer@lantern.example'],
  }));
  const cancelled = (await ok(admin.post(`/api/v1/sessions/${upcoming}/bookings`, { email }))).id;
  await ok(admin.delete(`/api/v1/bookings/${cancelled}`));
  await waitFor('the certificate', async () => (await admin.get(`/api/v1/bookings/${booking}/certificate`)).status === 200);

  for (const newPage of Object.values(widths)) {
    const page = await newPage();
    await signIn(page, stack.base, email, 'person-password-1');
    await page.getByRole('link', { name: 'Training record' }).first().click();
    const card = page.locator('.govuk-summary-card', { hasText: 'Recognising and responding to domestic abuse' });
    await card.getByRole('link', { name: /^Give feedback/ }).click();
    await page.locator('h1', { hasText: 'Tell us how the session went' }).waitFor();
    await page.goBack();
    await card.getByRole('link', { name: /^Certificate/ }).click();
    await page.locator('h1', { hasText: 'Certificate of attendance' }).waitFor();
    await page.goto('/bookings');
    const past = page.locator('main table').last();
    assert.match(await past.locator('tr', { hasText: 'Recognising and responding' }).textContent(), /Attended/);
    assert.match(await past.locator('tr', { hasText: 'Risk assessment (DASH)' }).textContent(), /Booking cancelled/);
    await page.context().close();
  }
  assert.deepEqual(await violations(['/training', '/bookings'], email, 'person-password-1'), []);
});
