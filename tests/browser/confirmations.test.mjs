// An admin cancels a session on a phone (390 px), without JavaScript and with it: the session page's
// button leads to the confirmation page, which says who will be told; "No, go back" changes nothing;
// the red button cancels. axe-core finds no WCAG 2.2 AA violation on any page of the walk, and the
// confirmation page does not scroll sideways (the session page's tables are the phone layout's work).
import test, { before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import { startStack, api, tokenFor } from '../http/lib.mjs';
import { newPhonePage, signIn, useStackAndBrowser } from './lib.mjs';

const axeSource = fs.readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');
const ctx = useStackAndBrowser(before, after, startStack);
const iso = (ms) => new Date(ms).toISOString().replace(/\.\d+Z$/, 'Z');

// axe runs where scripts run: the HTML each step of the walk showed is served again, at its own
// address (so the stylesheet loads as it did), to a 390 px page of a context with JavaScript on. That
// context is not "mobile": a mobile one widens its layout to fit what overflows, hiding it.
async function violations(page, { overflow = false } = {}) {
  const url = page.url(), html = await page.content();
  const checker = await ctx.browser.newContext({ bypassCSP: true, viewport: { width: 390, height: 844 } });
  await checker.route(url, (route) => route.fulfill({ status: 200, contentType: 'text/html; charset=utf-8', body: html }));
  const tab = await checker.newPage();
  await tab.goto(url);
  await tab.addScriptTag({ content: axeSource });
  const result = await tab.evaluate(() => window.axe.run(document, {
    runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa'] },
  }));
  const wide = await tab.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  await checker.close();
  return [...result.violations.map((v) => `${v.id}: ${v.help} (${v.nodes.map((n) => n.target.join(' ')).slice(0, 3).join(', ')})`),
    ...(overflow && wide > 0 ? [`scrolls sideways by ${wide}px`] : [])];
}

async function sessionWithPeople(admin, tag) {
  const start = Date.now() + 10 * 86400e3;
  const made = await admin.post('/api/v1/sessions', {
    course: 'recognising-and-responding', starts_at: iso(start), ends_at: iso(start + 3 * 3600e3), capacity: 2,
    venue: { name: 'Beecroft Centre', address: 'Victoria Avenue', postcode: 'SS2 6EX', area: 'southend' },
    trainers: ['trainer@lantern.example'],
  });
  assert.equal(made.status, 201, made.text);
  for (let i = 0; i < 3; i++) {
    const email = `walk-${tag}-${i}@example.org`;
    const user = await admin.post('/api/v1/users', { email, name: `Walk ${tag} ${i}`, role: 'practitioner', org: '2', password: 'correct-horse-battery' });
    assert.equal(user.status, 201, user.text);
    assert.equal((await admin.post(`/api/v1/sessions/${made.json.id}/bookings`, { email })).status, 201);
  }
  return made.json.id;
}

for (const javaScriptEnabled of [false, true]) {
  test(`an admin cancels a session through its confirmation at 390 px, JavaScript ${javaScriptEnabled ? 'on' : 'off'}`, async () => {
    const base = ctx.stack.base;
    const admin = api(base, await tokenFor(ctx.stack, 'admin@lantern.example'));
    const id = await sessionWithPeople(admin, javaScriptEnabled ? 'js' : 'nojs');
    const page = await newPhonePage(ctx.browser, { baseURL: base, javaScriptEnabled });
    await signIn(page, base, 'admin@lantern.example');
    const checked = async (options) => assert.deepEqual(await violations(page, options), [], page.url());

    await page.goto(`/sessions/${id}`);
    await checked();
    await page.getByRole('button', { name: 'Cancel this session' }).click();
    await page.waitForURL(`${base}/sessions/${id}/cancel`);
    await checked({ overflow: true });
    assert.equal(await page.locator('h1').textContent(), 'Cancel this session?');
    assert.match(await page.locator('main').textContent(),
      /2 people booked and 1 person on the waiting list will be told by e-mail that the session is cancelled/);

    // "No, go back" returns to the session, still going ahead.
    await page.getByRole('link', { name: 'No, go back' }).click();
    await page.waitForURL(`${base}/sessions/${id}`);
    assert.equal((await admin.get(`/api/v1/sessions/${id}`)).json.status, 'scheduled');

    await page.getByRole('button', { name: 'Cancel this session' }).click();
    await page.getByRole('button', { name: 'Yes, cancel this session' }).click();
    await page.waitForURL(`${base}/sessions/${id}?done=session-cancelled`);
    await checked();
    assert.match(await page.locator('.govuk-notification-banner').textContent(), /The session has been cancelled/);
    assert.equal((await admin.get(`/api/v1/sessions/${id}`)).json.status, 'cancelled');
    assert.equal(await page.getByRole('button', { name: 'Cancel this session' }).count(), 0);

    await page.context().close();
  });
}
