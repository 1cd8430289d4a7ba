// Notifications leave through the system's mail command: queued in the same transaction as the
// change, handed to the command (sendmail -t -i) by the server, and marked sent only when it
// accepted them. A stand-in command that files each message replaces the system's own.
import test, { before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startStack, api, tokenFor, sqlite, waitUntil, mailCatcher } from './lib.mjs';

const mail = mailCatcher();
let stack;
before(async () => { stack = await startStack({ demo: true, env: { LANTERN_SENDMAIL: mail.sendmail } }); });
after(async () => {
  await stack?.stop();
});

test('a booking confirmation reaches the mail command with its calendar attachment', async () => {
  const admin = api(stack.base, await tokenFor(stack, 'admin@lantern.example'));
  const start = new Date(Date.now() + 9 * 86400e3);
  start.setUTCHours(9, 0, 0, 0);
  const s = await admin.post('/api/v1/sessions', {
    course: 'supporting-employees', starts_at: start.toISOString().replace('.000', ''),
    ends_at: new Date(start.getTime() + 9e6).toISOString().replace('.000', ''), capacity: 5,
    venue: { name: 'Maldon Library', address: 'Carmelite Way', postcode: 'CM9 5FW', area: 'maldon' },
    trainers: ['trainer@lantern.example'],
  });
  assert.equal(s.status, 201);
  const p = api(stack.base, await tokenFor(stack, 'practitioner@lantern.example'));
  assert.equal((await p.post(`/api/v1/sessions/${s.json.id}/bookings`, {})).status, 201);
  const handed = await waitUntil(() => { const m = mail.messages(); return m.length ? m : null; }, 'the message handed over');
  assert.equal(handed.length, 1, 'one message handed over');
  const msg = handed[0];
  assert.match(msg, /^To: practitioner@lantern\.example$/m);
  assert.match(msg, /^Subject: Booking confirmed: Training session/m);
  assert.match(msg, /Content-Type: text\/calendar; method=REQUEST/);
  assert.match(msg, /BEGIN:VCALENDAR[\s\S]*END:VCALENDAR/);
  const sent = () => sqlite(stack.dbPath, "SELECT count(*) FROM outbox WHERE to_email = 'practitioner@lantern.example' AND sent_at IS NOT NULL");
  await waitUntil(() => sent() !== '0', 'the message marked sent');
  assert.equal(sent(), '1');
  // The calendar file is written as the message is handed over, and kept with it as it was sent.
  const kept = sqlite(stack.dbPath, "SELECT attachment FROM outbox WHERE to_email = 'practitioner@lantern.example'");
  assert.match(kept, /^BEGIN:VCALENDAR/);
  assert.ok(msg.replace(/\r\n/g, '\n').includes(kept.replace(/\r\n/g, '\n').trim()), 'the kept file is the one handed over');
});
