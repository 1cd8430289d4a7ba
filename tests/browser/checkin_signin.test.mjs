// The morning of a session, walked in a browser as people would: the trainer shows the check-in
// code; an attendee who is signed out opens the scanned address, signs in and lands checked in;
// someone who has forgotten their password resets it through the e-mailed link.
import test, { before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { startStack, api, tokenFor } from '../http/lib.mjs';
import { newPhonePage, signIn, useStackAndBrowser } from './lib.mjs';

const ctx = useStackAndBrowser(before, after, startStack);

const sql = (q) => execFileSync('sqlite3', [ctx.stack.dbPath, q], { encoding: 'utf8' }).trim();
const iso = (d) => d.toISOString().replace(/\.\d+Z$/, 'Z');

test('a signed-out attendee scans, signs in and lands checked in', async () => {
  // The admin's part, done before the day: a session and an attendee's account.
  const admin = api(ctx.stack.base, await tokenFor(ctx.stack, 'admin@lantern.example'));
  const start = new Date(Date.now() + 10 * 60e3);
  const made = await admin.post('/api/v1/sessions', {
    course: 'honour-based-abuse-forced-marriage-fgm', starts_at: iso(start), ends_at: iso(new Date(start.getTime() + 3 * 3600e3)),
    capacity: 10, venue: { name: 'Harlow Civic Centre', address: 'The Water Gardens', postcode: 'CM20 1WG', area: 'harlow' },
    trainers: ['trainer@lantern.example'],
  });
  assert.equal(made.status, 201, JSON.stringify(made.json));
  const id = made.json.id;
  const u = await admin.post('/api/v1/users', { email: 'morning@example.org', name: 'Morning Person', role: 'practitioner', org: '2', password: 'door-password-1' });
  assert.equal(u.status, 201);

  const trainer = await newPhonePage(ctx.browser, { baseURL: ctx.stack.base });
  await signIn(trainer, ctx.stack.base, 'trainer@lantern.example');
  await trainer.goto(`/sessions/${id}/check-in`);
  const url = (await trainer.locator('.lantern-qr__caption').textContent()).replace(/^Or open /, '').trim();
  assert.match(url, new RegExp(`/checkin/${id}/[0-9a-f]{16}$`));

  const attendee = await newPhonePage(ctx.browser, { baseURL: ctx.stack.base });
  await attendee.goto(url);
  assert.match(await attendee.locator('h1').textContent(), /^Sign in to check in to .+ at Harlow Civic Centre$/);
  await attendee.getByLabel('Email address').fill('morning@example.org');
  await attendee.getByLabel('Password').fill('door-password-1');
  await attendee.getByRole('button', { name: 'Sign in' }).click();
  await attendee.waitForURL(new RegExp(`/checkin/${id}/scanned/`));
  assert.equal(await attendee.locator('h1').textContent(), 'You are checked in');
  assert.equal(sql(`SELECT b.status FROM bookings b JOIN users u ON u.id = b.user_id WHERE u.email = 'morning@example.org' AND b.session_id = ${id}`), 'attended');
  await trainer.goto(`/sessions/${id}/roster`);
  assert.match(await trainer.locator('.lantern-roster__item', { hasText: 'Morning Person' }).textContent(), /Attended/);
});

test('a forgotten password is reset through the e-mailed link', async () => {
  const admin = api(ctx.stack.base, await tokenFor(ctx.stack, 'admin@lantern.example'));
  const u = await admin.post('/api/v1/users', { email: 'forgot@example.org', name: 'Forgot Person', role: 'practitioner', org: '2', password: 'long-lost-password-1' });
  assert.equal(u.status, 201);

  const page = await newPhonePage(ctx.browser, { baseURL: ctx.stack.base });
  await page.goto('/login');
  await page.getByRole('link', { name: 'Forgotten your password?' }).click();
  await page.getByLabel('Email address').fill('forgot@example.org');
  await page.getByRole('button', { name: 'Send the link' }).click();
  await page.getByText('Check your e-mail').waitFor();
  // The e-mail, as the outbox holds it.
  const body = sql("SELECT body FROM outbox WHERE to_email = 'forgot@example.org' ORDER BY id DESC LIMIT 1");
  const link = body.match(/https?:\/\/\S+\/password\/set\/[A-Za-z0-9_-]+/)[0];
  await page.goto(link);
  assert.equal(await page.locator('h1').textContent(), 'Choose a new password');
  await page.getByLabel('New password').fill('fresh-willow-morning-5');
  await page.getByRole('button', { name: 'Change password and sign in' }).click();
  await page.waitForURL(`${ctx.stack.base}/`);
  // Signed in now; and the new password works on a fresh phone.
  const other = await newPhonePage(ctx.browser, { baseURL: ctx.stack.base });
  await signIn(other, ctx.stack.base, 'forgot@example.org', 'fresh-willow-morning-5');
  // The link was used up.
  await other.goto(link);
  assert.match(await other.locator('h1').textContent(), /expired or has already been used/);
});
