// Crash safety (issue 8): the FastCGI server is killed with SIGKILL in the middle of a stream of
// bookings, cancellations, attendance marks and QR scans, then started again on the same data. Every
// write that got a success answer must be in the database, and the booking invariants must hold.
// Scans are queued in memory and written in batches (app/scanq.c), so those acknowledged but not yet
// written when the server dies are lost. What is measured is counts, not time: a reader watches the
// database while the stream runs; every scan it saw written must survive, the writer must have written
// while serving (not only at a clean stop), and nothing is counted twice.
import test, { after } from 'node:test';
import assert from 'node:assert/strict';
import { api, isConnectionError, sqlite, sqliteAsync, startStack, tempDataDir, tokenFor } from './lib.mjs';

const STREAM_MS = 1500; // the least the stream runs before the kill
const STREAM_MAX_MS = 60_000; // the most it waits for enough to have happened (a loaded machine)
const CAPACITY = 3;

let stack;
after(async () => {
  await stack?.stop();
});

const iso = (ms) => new Date(ms).toISOString().replace(/\.\d+Z$/, 'Z');
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
const pick = (list) => list[Math.floor(Math.random() * list.length)];

async function session(admin, startMs, capacity = CAPACITY) {
  const res = await admin.post('/api/v1/sessions', {
    course: 'recognising-and-responding', starts_at: iso(startMs), ends_at: iso(startMs + 3 * 3600e3),
    capacity, trainers: ['trainer@lantern.example'],
    venue: { name: 'Civic Centre', address: 'Victoria Avenue', postcode: 'SS2 6ER', area: 'southend' },
  });
  assert.equal(res.status, 201, res.text);
  return res.json.id;
}

test('SIGKILL mid-stream loses no acknowledged booking, cancellation or mark, and breaks no invariant', async () => {
  const dataDir = tempDataDir();
  stack = await startStack({ dataDir });
  const demo = await stack.cli(['demo']);
  assert.equal(demo.code, 0, demo.stderr);
  const admin = api(stack.base, await tokenFor(stack, 'admin@lantern.example'));
  const org = (await admin.get('/api/v1/organisations')).json[0].id;
  const people = await Promise.all(Array.from({ length: 24 }, async (_, i) => {
    const res = await admin.post('/api/v1/users', {
      email: `crash${i}@example.org`, name: `Crash ${i}`, role: 'practitioner', org: String(org),
      password: 'correct-horse-battery',
    });
    assert.equal(res.status, 201, res.text);
    return res.json.email;
  }));
  const upcoming = [];
  for (let i = 0; i < 6; i++) upcoming.push(await session(admin, Date.now() + (10 + i) * 86400e3));
  // A session that has happened, with everyone booked, for attendance marks.
  const past = await session(admin, Date.now() - 2 * 86400e3, people.length);
  const toMark = [];
  for (const email of people) {
    const res = await admin.post(`/api/v1/sessions/${past}/bookings`, { email });
    assert.equal(res.status, 201, res.text);
    toMark.push(res.json.id);
  }
  const placement = await admin.post('/api/v1/campaigns/sixteen-days-2026/placements', {
    material: 'poster', place: 'Crash test library', area: 'southend', quantity: 1,
    placed_on: new Date().toISOString().slice(0, 10),
  });
  assert.equal(placement.status, 201, placement.text);
  const code = placement.json.code;

  // What the server acknowledged, in the order it did.
  const booked = new Map(); // booking id -> session id
  const cancelled = new Set();
  const marked = new Map(); // booking id -> last acknowledged status
  let pendingMark = null; // the mark in flight: it may be applied though never acknowledged
  let scansSent = 0; // scan requests sent (each may have reached the server)
  let scansAcked = 0; // scans answered with the redirect
  const written = []; // the scan count the reader saw in the database, in order
  let killed = false;
  const giveUpAt = Date.now() + STREAM_MAX_MS + 30_000; // however the test fails, its loops end
  const running = () => !killed && Date.now() < giveUpAt;
  const failures = [];
  const note = (what, res) => {
    if (res.status >= 500 && !killed) failures.push(`${what}: ${res.status} ${res.text.slice(0, 200)}`);
  };

  // Runs one step of a loop. Before the kill nothing may throw; after it only a connection the dead
  // server refused or dropped is expected (it was not acknowledged). Anything else ends the loop and
  // fails the test.
  const step = async (what, fn) => {
    try {
      await fn();
      return true;
    } catch (err) {
      if (killed && isConnectionError(err)) return true;
      failures.push(`${what}${killed ? ' after the kill' : ''}: ${err.message} (${err.cause?.code ?? err.name})`);
      return false;
    }
  };
  const loops = [];
  // Bookers and cancellers: practitioners onto the small upcoming sessions, some cancelled again.
  for (let w = 0; w < 4; w++) {
    loops.push((async () => {
      while (running() && await step('book', async () => {
        const sid = pick(upcoming);
        const res = await admin.post(`/api/v1/sessions/${sid}/bookings`, { email: pick(people) });
        note('book', res);
        if (res.status === 201) booked.set(res.json.id, sid);
        const mine = [...booked.keys()].filter((id) => !cancelled.has(id));
        if (mine.length && Math.random() < 0.4) {
          const id = pick(mine);
          const del = await admin.delete(`/api/v1/bookings/${id}`);
          note('cancel', del);
          if (del.status === 200) cancelled.add(id);
        }
      }));
    })());
  }
  // One marker: each booking of the past session in turn, so marks of one booking never race.
  loops.push((async () => {
    const statuses = ['attended', 'late', 'partial', 'absent', 'excused'];
    for (let i = 0; running() && await step('mark', async () => {
      const id = toMark[i % toMark.length];
      const status = statuses[i % statuses.length];
      pendingMark = { id, status };
      const res = await admin.put(`/api/v1/bookings/${id}/attendance`, status === 'partial' ? { status, minutes_attended: 60 } : { status });
      note('mark', res);
      if (res.status === 200) marked.set(id, status);
      pendingMark = null;
    }); i++);
  })());
  // Scanners: the public following a poster's QR code.
  for (let w = 0; w < 3; w++) {
    loops.push((async () => {
      while (running() && await step('scan', async () => {
        scansSent++;
        const res = await fetch(`${stack.base}/c/${code}`, { redirect: 'manual', signal: AbortSignal.timeout(30_000) });
        await res.arrayBuffer();
        if (res.status === 303) scansAcked++;
        else if (!killed) failures.push(`scan: ${res.status}`);
      }));
    })());
  }
  // The reader: the scans the database holds, read while the server writes (WAL: it never waits).
  const scanCount = `SELECT count(*) FROM scans s JOIN placements p ON p.id = s.placement_id WHERE p.code = '${code}'`;
  loops.push((async () => {
    while (running() && await step('read', async () => {
      written.push(Number(await sqliteAsync(stack.dbPath, scanCount)));
      await sleep(50);
    }));
  })());

  // Enough to test: some of each write, and the writer seen writing scans at least twice while serving.
  const started = Date.now();
  const writes = () => new Set(written.filter((n) => n > 0)).size;
  const enough = () => booked.size > 10 && marked.size > 5 && scansAcked > 20 && writes() >= 2;
  while ((Date.now() - started < STREAM_MS || !enough()) && Date.now() - started < STREAM_MAX_MS && !failures.length) {
    await sleep(50);
  }
  const app = stack.appPid();
  killed = true; // the loops stop, whatever happens next
  assert.ok(app, 'no lantern serve process');
  process.kill(app, 'SIGKILL');
  await Promise.race([stack.exited, sleep(30_000)]);
  await Promise.all(loops);
  await stack.stop();
  assert.deepEqual(failures, [], 'errors before the kill, or other than a dropped connection after it');
  assert.ok(enough(), `the stream did too little to test in ${STREAM_MAX_MS} ms: ${booked.size} bookings, ` +
    `${marked.size} marks, ${scansAcked} scans, ${writes()} scan writes seen`);

  // Started again on the same data, it serves and writes.
  stack = await startStack({ dataDir });
  const admin2 = api(stack.base, await tokenFor(stack, 'admin@lantern.example'));
  const fresh = await admin2.post(`/api/v1/sessions/${upcoming[0]}/bookings`, { email: 'practitioner@lantern.example' });
  assert.equal(fresh.status, 201, fresh.text);

  const db = stack.dbPath;
  const rows = new Map(sqlite(db, 'SELECT id, status FROM bookings').split('\n').map((l) => {
    const [id, status] = l.split('|');
    return [Number(id), status];
  }));
  for (const [id] of booked) assert.ok(rows.has(id), `acknowledged booking ${id} is missing`);
  for (const id of cancelled) assert.equal(rows.get(id), 'cancelled', `acknowledged cancellation of ${id}`);
  for (const [id, status] of marked) {
    const inFlight = pendingMark?.id === id ? pendingMark.status : status;
    assert.ok([status, inFlight].includes(rows.get(id)), `acknowledged mark of ${id}: ${status}, found ${rows.get(id)}`);
  }

  // Capacity, one live booking per person, the kept counts, and the waiting list served in order.
  assert.equal(sqlite(db, `SELECT count(*) FROM sessions s WHERE s.booked > s.capacity
    OR s.booked <> (SELECT count(*) FROM bookings b WHERE b.session_id = s.id AND b.status = 'booked')
    OR s.waitlisted <> (SELECT count(*) FROM bookings b WHERE b.session_id = s.id AND b.status = 'waitlisted')`), '0');
  assert.equal(sqlite(db, `SELECT count(*) FROM (SELECT 1 FROM bookings WHERE status <> 'cancelled'
    GROUP BY session_id, user_id HAVING count(*) > 1)`), '0');
  for (const sid of upcoming) {
    const [booked_, waiting] = sqlite(db, `SELECT (SELECT count(*) FROM bookings WHERE session_id = ${sid} AND status = 'booked'),
      (SELECT count(*) FROM bookings WHERE session_id = ${sid} AND status = 'waitlisted')`).split('|').map(Number);
    if (waiting > 0) assert.equal(booked_, CAPACITY, `session ${sid} has a waiting list and a free place`);
    // Everyone promoted off the list had joined it before everyone still on it.
    const late = sqlite(db, `SELECT count(*) FROM bookings p JOIN audit_log a ON a.entity = 'booking'
      AND a.entity_id = CAST(p.id AS TEXT) AND a.action = 'promote'
      WHERE p.session_id = ${sid} AND p.id > (SELECT min(id) FROM bookings WHERE session_id = ${sid} AND status = 'waitlisted')`);
    assert.equal(late, '0', `session ${sid} promoted someone ahead of an earlier arrival`);
  }

  // Scans: every one the reader saw written is still there; none is counted twice; what is lost is
  // only what had not been written when the server died.
  const kept = Number(sqlite(db, scanCount));
  const seen = Math.max(...written);
  const lost = Math.max(0, scansAcked - kept);
  console.log(`crash test: ${booked.size} bookings, ${cancelled.size} cancellations, ${marked.size} marks and ` +
    `${scansAcked} scans acknowledged; ${writes()} scan writes seen, the last at ${seen}; ${kept} scans kept, ${lost} lost`);
  assert.ok(kept >= seen, `${kept} scans after the restart, but ${seen} were seen written before the kill`);
  assert.ok(kept <= scansSent, `${kept} scans recorded for ${scansSent} requests`);
  assert.equal(sqlite(db, 'PRAGMA integrity_check'), 'ok');
});
