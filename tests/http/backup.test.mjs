// A backup while the server is under write load (issue 8), taken as production takes it, with
// nginx/lantern-backup (issue 12): the copy is a consistent database at the current schema version
// holding every booking acknowledged before the backup started; restored into the data directory
// the way README's "Running it for real" says, the stack serves every one of them and no other. The script keeps
// the newest N copies, each 0600 in a 0700 directory.
import test, { after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { api, LANTERN, ROOT, onPostgres, sqlite, startStack, tempDataDir, tokenFor, waitUntil } from './lib.mjs';

// `lantern backup` and nginx/lantern-backup copy a SQLite file; PostgreSQL is backed up with its own
// tools (base backups and WAL archiving: README).
const sqliteOnly = { skip: onPostgres && 'backs up a SQLite file' };

const BACKUP = path.join(ROOT, 'nginx', 'lantern-backup');

/** nginx/lantern-backup [--keep N] [...options] DB DIR, with this test's lantern; resolves the copy's path. */
function backup(db, dir, keep, options = []) {
  return new Promise((resolve, reject) => {
    const child = spawn(BACKUP, [...(keep ? ['--keep', String(keep)] : []), ...options, db, dir],
      { env: { ...process.env, LANTERN_BIN: LANTERN } }); // not spawnSync: the write load runs meanwhile
    let out = '';
    child.stdout.setEncoding('utf8').on('data', (d) => { out += d; });
    child.stderr.setEncoding('utf8').on('data', (d) => { out += d; });
    child.on('error', reject);
    child.on('close', (code) => (code === 0 ? resolve(out.trim().split(': ').pop()) : reject(new Error(`lantern-backup: ${out}`))));
  });
}

const stacks = [];
after(async () => {
  for (const s of stacks) await s.stop();
});

const iso = (ms) => new Date(ms).toISOString().replace(/\.\d+Z$/, 'Z');

test('an online backup under write load is consistent and complete, and restores', sqliteOnly, async () => {
  const dataDir = tempDataDir();
  const stack = await startStack({ demo: true, dataDir });
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
  await waitUntil(() => acknowledged.length >= 5, 'five bookings under load');
  const startedAt = Date.now();
  const before = acknowledged.filter(([, t]) => t <= startedAt).map(([id]) => id);
  const copy = await backup(stack.dbPath, path.join(dataDir, 'backups'));
  const acknowledgedDuring = acknowledged.length - before.length;
  stop = true;
  await Promise.all(loops);
  assert.match(path.basename(copy), /^lantern-\d{8}T\d{6}Z\.db$/);
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

  // Restored as README says: stop, set the database aside with its WAL and SHM (a WAL left in place
  // would be replayed onto the copy), put the copy in its place, start.
  assert.equal(await stack.stop(), 0);
  const replaced = path.join(dataDir, 'replaced');
  fs.mkdirSync(replaced);
  for (const f of fs.readdirSync(dataDir).filter((n) => /^lantern\.db(-.*)?$/.test(n))) {
    fs.renameSync(path.join(dataDir, f), path.join(replaced, f));
  }
  fs.copyFileSync(copy, stack.dbPath);
  const restored = await startStack({ dataDir });
  stacks.push(restored);
  const admin2 = api(restored.base, await tokenFor(restored, 'admin@lantern.example'));
  const served = new Set();
  for (const sid of sessions) {
    const listed = await admin2.get(`/api/v1/sessions/${sid}/bookings`);
    assert.equal(listed.status, 200, listed.text);
    for (const b of listed.json) served.add(b.id);
  }
  assert.deepEqual(before.filter((id) => !served.has(id)), [], 'acknowledged bookings not served after the restore');
  // And it is the copy that is served, not what the database held when the stack stopped.
  const copied = sqlite(copy, `SELECT id FROM bookings WHERE session_id IN (${sessions.join(',')}) ORDER BY id`);
  assert.deepEqual([...served].sort((a, b) => a - b), copied.split('\n').map(Number));
});

test('nginx/lantern-backup keeps the newest N dated copies, 0600 in a 0700 directory; no database or nothing to migrate, no copy', sqliteOnly, async () => {
  const stack = await startStack();
  stacks.push(stack);
  const dir = path.join(stack.dataDir, 'backups');
  const made = [];
  for (let i = 0; i < 3; i++) made.push(await backup(stack.dbPath, dir, 2));
  assert.deepEqual(fs.readdirSync(dir).sort(), made.slice(1).map((f) => path.basename(f)), 'the newest two remain');
  assert.equal((fs.statSync(dir).mode & 0o777).toString(8), '700');
  for (const f of made.slice(1)) {
    assert.equal((fs.statSync(f).mode & 0o777).toString(8), '600', f);
    assert.equal(sqlite(f, 'PRAGMA integrity_check'), 'ok');
  }
  const none = path.join(stack.dataDir, 'none');
  await backup(path.join(stack.dataDir, 'no-such.db'), none);
  assert.equal(fs.existsSync(none), false, 'a directory made for nothing');

  // --if-migrating (before each start of the service): a copy only when init will migrate.
  const preStart = path.join(stack.dataDir, 'pre-start');
  await backup(stack.dbPath, preStart, 3, ['--if-migrating']);
  assert.equal(fs.existsSync(preStart), false, 'a copy of a database with nothing to migrate');
  const older = made[2];
  sqlite(older, 'PRAGMA user_version = 1');
  const copied = await backup(older, preStart, 3, ['--if-migrating']);
  assert.equal(sqlite(copied, 'PRAGMA user_version'), '1');
});
