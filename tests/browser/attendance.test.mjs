// A trainer at the door marks the roster on a phone, one tap per person; an attendee opens the
// check-in address from the QR code and is marked as there.
import test, { before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { startStack, api, tokenFor } from '../http/lib.mjs';
import { newPhonePage, signIn, useStackAndBrowser } from './lib.mjs';

const ctx = useStackAndBrowser(before, after, startStack);

const sql = (q) => execFileSync('sqlite3', [ctx.stack.dbPath, q], { encoding: 'utf8' }).trim();

test('trainer marks the roster on a phone; an attendee checks in by the QR address', async () => {
  const admin = api(ctx.stack.base, await tokenFor(ctx.stack, 'admin@lantern.example'));
  const start = new Date(Date.now() + 10 * 60e3);
  const made = await admin.post('/api/v1/sessions', {
    course: 'honour-based-abuse-forced-marriage-fgm',
    starts_at: start.toISOString().replace(/\.\d+Z$/, 'Z'),
    ends_at: new Date(start.getTime() + 3 * 3600e3).toISOString().replace(/\.\d+Z$/, 'Z'),
    capacity: 10, venue: { name: 'Harlow Civic Centre', address: 'The Water Gardens', postcode: 'CM20 1WG', area: 'harlow' },
    trainers: ['trainer@lantern.example'],
  });
  assert.equal(made.status, 201, JSON.stringify(made.json));
  const id = made.json.id;
  for (const n of [1, 2]) {
    const u = await admin.post('/api/v1/users', { email: `door${n}@example.org`, name: `Door Person ${n}`, role: 'practitioner', org: '2', password: 'door-password-1' });
    assert.equal(u.status, 201);
    assert.equal((await admin.post(`/api/v1/sessions/${id}/bookings`, { email: `door${n}@example.org` })).status, 201);
  }

  const trainer = await newPhonePage(ctx.browser, { baseURL: ctx.stack.base });
  await signIn(trainer, ctx.stack.base, 'trainer@lantern.example');
  await trainer.goto(`/sessions/${id}/roster`);
  const row = trainer.locator('.lantern-roster__item', { hasText: 'Door Person 1' });
  const late = row.getByRole('button', { name: 'Late Door Person 1' });
  const box = await late.boundingBox();
  assert.ok(box.height >= 44 && box.width >= 44, `touch target ${box.width}x${box.height}`);
  await late.tap();
  await trainer.waitForURL(/\/roster\?done=marked/);
  assert.match(await trainer.locator('.lantern-roster__item', { hasText: 'Door Person 1' }).textContent(), /Late/);
  assert.equal(sql("SELECT b.status FROM bookings b JOIN users u ON u.id = b.user_id WHERE u.email = 'door1@example.org'"), 'late');

  // The check-in screen shows the address under the code; the attendee opens it on their phone.
  await trainer.goto(`/sessions/${id}/check-in`);
  const caption = await trainer.locator('.lantern-qr__caption').textContent();
  const url = caption.replace(/^Or open /, '').trim();
  assert.match(url, new RegExp(`/checkin/${id}/[0-9a-f]{16}$`));
  const attendee = await newPhonePage(ctx.browser, { baseURL: ctx.stack.base });
  await signIn(attendee, ctx.stack.base, 'door2@example.org', 'door-password-1');
  await attendee.goto(url);
  assert.equal(await attendee.locator('h1').textContent(), 'You are checked in');
  assert.equal(sql("SELECT b.status FROM bookings b JOIN users u ON u.id = b.user_id WHERE u.email = 'door2@example.org'"), 'attended');
  await trainer.goto(`/sessions/${id}/roster`);
  assert.match(await trainer.locator('.lantern-roster__item', { hasText: 'Door Person 2' }).textContent(), /Attended/);
});
