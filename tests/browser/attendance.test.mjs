// A trainer at the door marks the roster on a phone, one tap per person (and for someone who left
// early, how long they stayed); an attendee opens the check-in address from the QR code and is marked
// as there. After a session has ended its certificate arrives, and an admin can withdraw it.
import test, { before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { startStack, api, tokenFor, waitFor } from '../http/lib.mjs';
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
  // Marked in place (lantern.js): the pressed button moves to Late.
  await row.getByRole('button', { name: 'Late Door Person 1', pressed: true }).waitFor();
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

// A session at Harlow from start (a Date) for hours, with one practitioner (new) booked on it.
async function sessionWithOne(start, hours, email, name) {
  const admin = api(ctx.stack.base, await tokenFor(ctx.stack, 'admin@lantern.example'));
  const made = await admin.post('/api/v1/sessions', {
    course: 'honour-based-abuse-forced-marriage-fgm',
    starts_at: start.toISOString().replace(/\.\d+Z$/, 'Z'),
    ends_at: new Date(start.getTime() + hours * 3600e3).toISOString().replace(/\.\d+Z$/, 'Z'),
    capacity: 10, venue: { name: 'Harlow Civic Centre', address: 'The Water Gardens', postcode: 'CM20 1WG', area: 'harlow' },
    trainers: ['trainer@lantern.example'],
  });
  assert.equal(made.status, 201, JSON.stringify(made.json));
  const u = await admin.post('/api/v1/users', { email, name, role: 'practitioner', org: '2', password: 'door-password-1' });
  assert.equal(u.status, 201);
  assert.equal((await admin.post(`/api/v1/sessions/${made.json.id}/bookings`, { email })).status, 201);
  return made.json.id;
}

test('left early: the roster asks how long they stayed', async () => {
  const id = await sessionWithOne(new Date(Date.now() - 30 * 60e3), 2, 'leaver@example.org', 'Early Leaver');

  const trainer = await newPhonePage(ctx.browser, { baseURL: ctx.stack.base });
  await signIn(trainer, ctx.stack.base, 'trainer@lantern.example');
  await trainer.goto(`/sessions/${id}/roster`);
  await trainer.getByRole('button', { name: 'Left early Early Leaver' }).tap();
  const minutes = trainer.getByLabel('How many minutes was Early Leaver there?');
  await minutes.fill('two hours');
  await trainer.getByRole('button', { name: 'Save' }).tap();
  await trainer.locator('.govuk-error-summary').waitFor();
  assert.equal(sql("SELECT b.status FROM bookings b JOIN users u ON u.id = b.user_id WHERE u.email = 'leaver@example.org'"), 'booked');
  await trainer.getByLabel('How many minutes was Early Leaver there?').fill('75');
  await trainer.getByRole('button', { name: 'Save' }).tap();
  await trainer.waitForURL(/\/roster\?marked=\d+#booking-\d+$/);
  assert.match(await trainer.locator('.lantern-roster__item', { hasText: 'Early Leaver' }).textContent(), /Left early \(1 hour 15 minutes\)/);
  assert.equal(sql("SELECT b.status || ' ' || b.minutes_attended FROM bookings b JOIN users u ON u.id = b.user_id WHERE u.email = 'leaver@example.org'"), 'partial 75');
});

test('after the session: the certificate arrives in the training record; an admin withdraws it', async () => {
  const id = await sessionWithOne(new Date(Date.now() - 26 * 3600e3), 3, 'certified@example.org', 'Certified Person');

  // The trainer enters the paper sheet the day after.
  const trainer = await newPhonePage(ctx.browser, { baseURL: ctx.stack.base });
  await signIn(trainer, ctx.stack.base, 'trainer@lantern.example');
  await trainer.goto(`/sessions/${id}/roster`);
  await trainer.getByRole('button', { name: 'Attended Certified Person' }).tap();
  await trainer.getByRole('button', { name: 'Attended Certified Person', pressed: true }).waitFor();
  // The server's duty issues the certificate and its e-mail within seconds.
  const mail = () => sql("SELECT count(*) FROM outbox WHERE to_email = 'certified@example.org' AND subject = 'Your certificate is ready'");
  await waitFor('the certificate e-mail', () => mail() === '1');
  const me = await newPhonePage(ctx.browser, { baseURL: ctx.stack.base });
  await signIn(me, ctx.stack.base, 'certified@example.org', 'door-password-1');
  await me.goto('/training');
  await me.getByRole('link', { name: 'Certificate' }).tap();
  await me.locator('h1', { hasText: 'Certificate of attendance' }).waitFor();
  assert.match(await me.locator('.lantern-certificate').textContent(), /Certified Person[\s\S]*\(3 hours\)/);
  const verifyUrl = (await me.locator('.lantern-certificate .govuk-body-s').textContent()).replace(/^Check this certificate at /, '').trim();

  // An admin withdraws it, giving the reason.
  const office = await newPhonePage(ctx.browser, { baseURL: ctx.stack.base });
  await signIn(office, ctx.stack.base, 'admin@lantern.example');
  await office.goto(new URL(me.url()).pathname);
  await office.getByRole('link', { name: 'Withdraw this certificate' }).tap();
  await office.getByLabel('Why is it being withdrawn?').fill('Signed in for someone else');
  await office.getByRole('button', { name: 'Withdraw certificate' }).tap();
  await office.locator('h1', { hasText: 'This certificate was withdrawn' }).waitFor();

  // Anyone checking it is told; the practitioner's record says so.
  await me.goto(new URL(verifyUrl).pathname);
  assert.equal(await me.locator('h1').textContent(), 'This certificate was withdrawn');
  await me.goto('/training');
  assert.match(await me.locator('main .govuk-summary-card').textContent(), /Withdrawn on \d{1,2} [A-Z][a-z]+ \d{4}/);
});
