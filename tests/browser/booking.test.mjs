// A practitioner finds a session in the list, books it, sees it in their bookings and calendar
// feed, and cancels it: the whole journey in chromium, through nginx and the FastCGI server.
import test, { before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startStack, api, tokenFor } from '../http/lib.mjs';
import { keepOffline, signIn, useStackAndBrowser } from './lib.mjs';

const ctx = useStackAndBrowser(before, after, startStack);

test('practitioner books and cancels a session', async () => {
  const admin = api(ctx.stack.base, await tokenFor(ctx.stack, 'admin@lantern.example'));
  const start = new Date(Date.now() + 21 * 86400e3);
  start.setUTCHours(9, 30, 0, 0);
  const end = new Date(start.getTime() + 4 * 3600e3);
  const made = await admin.post('/api/v1/sessions', {
    course: 'coercive-control-stalking-harassment',
    starts_at: start.toISOString().replace('.000', ''),
    ends_at: end.toISOString().replace('.000', ''),
    capacity: 12,
    venue: { name: 'Thurrock Training Room', address: 'New Road, Grays', postcode: 'RM17 6SL', area: 'thurrock' },
    trainers: ['trainer@lantern.example'],
  });
  assert.equal(made.status, 201, JSON.stringify(made.json));
  const id = made.json.id;

  const context = await ctx.browser.newContext({ baseURL: ctx.stack.base });
  await keepOffline(context);
  const page = await context.newPage();
  await signIn(page, ctx.stack.base, 'practitioner@lantern.example');

  // Find it: filter the list by area.
  await page.goto('/sessions');
  await page.getByLabel('Area').selectOption('thurrock');
  await page.getByRole('button', { name: /Apply|Search|Filter/ }).click();
  await page.locator(`a[href="/sessions/${id}"]`).first().click();
  await page.waitForURL(`${ctx.stack.base}/sessions/${id}`);
  assert.match(await page.locator('main').textContent(), /Places left\s*12/);

  await page.getByRole('button', { name: 'Book a place' }).click();
  await page.waitForURL(new RegExp(`/sessions/${id}\\?done=booked`));
  assert.match(await page.locator('.govuk-notification-banner').textContent(), /booked/i);

  await page.getByRole('link', { name: 'Your bookings' }).first().click();
  await page.waitForURL(`${ctx.stack.base}/bookings`);
  const row = page.locator('tr', { has: page.locator(`a[href="/sessions/${id}"]`) });
  assert.match(await row.textContent(), /Booked/);
  // The whole address, to paste into a calendar app, on the configured one (nginx/run's default).
  const feed = await page.getByRole('link', { name: /calendar feed/i }).getAttribute('href');
  assert.ok(feed.startsWith(`${ctx.stack.base}/calendar/`), feed);
  const ics = await (await fetch(feed)).text();
  assert.match(ics, new RegExp(`UID:session-${id}@`));

  await page.goto(`/sessions/${id}`);
  await page.getByRole('button', { name: /Cancel (your|this) booking/ }).click();
  // It asks first (confirmations.test.mjs), then cancels.
  await page.waitForURL(new RegExp('/bookings/\\d+/cancel$'));
  await page.getByRole('button', { name: 'Yes, cancel my booking' }).click();
  await page.waitForURL(/\/bookings\?done=cancelled/);
  // It stays in view among past and cancelled bookings, said to be cancelled, and is in no other table.
  const cancelled = page.locator('tr', { has: page.locator(`a[href="/sessions/${id}"]`) });
  assert.equal(await cancelled.count(), 1);
  assert.match(await cancelled.textContent(), /Booking cancelled/);
  assert.doesNotMatch(await (await fetch(feed)).text(), new RegExp(`UID:session-${id}@`));
  await context.close();
});
