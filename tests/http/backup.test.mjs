// `lantern backup FILE` while the server is under write load (issue 8): the copy is a consistent
// database at the current schema version holding every booking acknowledged before the backup
// started, and a stack started on the restored copy serves it.
import test, { after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { api, sqlite, startStack, tempDataDir, tokenFor } from './lib.mjs';

const stacks = [];
after(async () => {
  for (const s of stacks) await s.stop();
});

const iso = (ms) => new Date(ms).toISOString().replace(/\.\d+Z$/, 'Z');
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

test('an online backup under write load is consistent and complete, and restores', async () => {
  const stack = await startStack({ demo: true });
  stacks.push(stack);
  const admin = api(stack.base, await tokenFor(stack, 'admin@lantern.example'));
  const org = (await admin.get('/api/v1/organisations')).json[0].id;
  const people = [];
  for (let i = 0; i < 20; i++) {
    const res = await admin.post('/api/v1/users', {
      email: `backup${i}@example.org`, name: `Backup ${i}`, role: 'practitioner', org: String(org),
      password: 'correct-horse-battery',
    });
    assert.equal(res.status, 201, res.text);
    people.push(res.json.email);
  }
  const sessions = [];
  for (let i = 0; i < 10; i++) {
    const start = Date.now() + (20 + i) * 86400e3;
    const res = await admin.post('/api/v1/sessions', {
      course: 'recognising-and-responding', starts_at: iso(start), ends_at: iso(start + 2 * 3600e3), capacity: 5,
      trainers: ['trainer@lantern.example'],
      venue: { name: 'Civic Centre', address: 'Victoria Avenue', postcode: 'SS2 6ER', area: 'southend' },
    });
    assert.equal(res.status, 201, res.text);
    sessions.push(res.json.id);
  }

  // Write load: every practitioner onto every session, from three loops, until told to stop.
  const acknowledged = []; // [booking id, time acknowledged]
  let stop = false;
  const pairs = sessions.flatMap((s) => people.map((p) => [s, p]));
  let next = 0;
  const loops = Array.from({ length: 3 }, async () => {
    while (!stop && next < pairs.length) {
      const [sid, email] = pairs[next++];
      const res = await admin.post(`/api/v1/sessions/${sid}/bookings`, { email });
      assert.equal(res.status, 201, res.text);
      acknowledged.push([res.json.id, Date.now()]);
    }
  });
  await sleep(300);
  const startedAt = Date.now();
  const before = acknowledged.filter(([, t]) => t <= startedAt).map(([id]) => id);
  const copy = path.join(stack.dataDir, 'backup.db');
  const backup = await stack.cli(['backup', copy]);
  const acknowledgedDuring = acknowledged.length - before.length;
  stop = true;
  await Promise.all(loops);
  assert.equal(backup.code, 0, backup.stderr);
  assert.ok(before.length >= 5, `only ${before.length} bookings before the backup: no load to speak of`);
  assert.ok(acknowledgedDuring > 0 || next >= pairs.length, 'the server stopped writing while the backup ran');

  assert.equal(sqlite(copy, 'PRAGMA integrity_check'), 'ok');
  assert.equal(sqlite(copy, 'PRAGMA user_version'), sqlite(stack.dbPath, 'PRAGMA user_version'));
  const inCopy = new Set(sqlite(copy, 'SELECT id FROM bookings').split('\n').map(Number));
  const missing = before.filter((id) => !inCopy.has(id));
  assert.deepEqual(missing, [], 'bookings acknowledged before the backup started are missing from it');
  // A consistent snapshot: the kept counts agree with the bookings they count.
  assert.equal(sqlite(copy, `SELECT count(*) FROM sessions s WHERE s.booked <> (SELECT count(*) FROM bookings b
    WHERE b.session_id = s.id AND b.status = 'booked') OR s.booked > s.capacity`), '0');

  // Restored: the copy as the database of a new data directory serves what it holds.
  const restoredDir = tempDataDir();
  fs.copyFileSync(copy, path.join(restoredDir, 'lantern.db'));
  const restored = await startStack({ dataDir: restoredDir });
  stacks.push(restored);
  const admin2 = api(restored.base, await tokenFor(restored, 'admin@lantern.example'));
  const listed = await admin2.get(`/api/v1/sessions/${sessions[0]}/bookings`);
  assert.equal(listed.status, 200, listed.text);
  const ids = new Set(listed.json.map((b) => b.id));
  for (const id of before.filter((b) => Number(sqlite(copy, `SELECT session_id FROM bookings WHERE id = ${b}`)) === sessions[0]))
    assert.ok(ids.has(id), `booking ${id} is not served from the restored copy`);
});
