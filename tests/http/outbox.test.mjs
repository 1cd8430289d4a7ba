// Notifications leave through the system's mail command: queued in the same transaction as the
// change, handed to the command (sendmail -t -i) by the server, and marked sent only when it
// accepted them. A stand-in command that files each message replaces the system's own.
import test, { before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startStack, api, tokenFor, sqlite, waitUntil } from './lib.mjs';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lantern-mail-'));
const mailbox = path.join(dir, 'mailbox');
const sendmail = path.join(dir, 'sendmail');
fs.mkdirSync(mailbox);
// Each message is written aside and then moved in, so the test never reads one half written.
fs.writeFileSync(sendmail, `#!/bin/sh\n[ "$1" = "-t" ] && [ "$2" = "-i" ] || exit 64\n` +
  `cat > "${mailbox}/.part.$$" && mv "${mailbox}/.part.$$" "${mailbox}/$(date +%s%N).eml"\n`, { mode: 0o755 });

let stack;
before(async () => { stack = await startStack({ demo: true, env: { LANTERN_SENDMAIL: sendmail } }); });
after(async () => {
  await stack?.stop();
  fs.rmSync(dir, { recursive: true, force: true });
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
  const files = await waitUntil(() => { const f = fs.readdirSync(mailbox).filter((n) => n.endsWith('.eml')); return f.length ? f : null; }, 'the message handed over');
  assert.equal(files.length, 1, 'one message handed over');
  const msg = fs.readFileSync(path.join(mailbox, files[0]), 'utf8');
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
