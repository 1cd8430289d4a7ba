// A stream of writes for the tests that kill application processes under load (crash.test.mjs,
// supervision.test.mjs): bookings and cancellations on small sessions, attendance marks and QR scans,
// recording what the server acknowledged, a reader watching the scans the database holds, and the
// checks that nothing acknowledged was lost and no booking invariant broke.
//
// Scans are queued in memory and written in batches (app/scanq.c), so those acknowledged but not yet
// written when a process dies are lost. What is checked is counts, not time: every scan the reader
// saw written must survive, and none is counted twice.
import assert from 'node:assert/strict';
import { api, isConnectionError, onPostgres, sqlite, sqliteAsync, tokenFor } from './lib.mjs';

export const CAPACITY = 3;

const iso = (ms) => new Date(ms).toISOString().replace(/\.\d+Z$/, 'Z');
export const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
const pick = (list) => list[Math.floor(Math.random() * list.length)];

/** A new session of `capacity` places starting at `startMs`; resolves its id. */
export async function newSession(admin, startMs, capacity = CAPACITY) {
  const res = await admin.post('/api/v1/sessions', {
    course: 'recognising-and-responding', starts_at: iso(startMs), ends_at: iso(startMs + 3 * 3600e3),
    capacity, trainers: ['trainer@lantern.example'],
    venue: { name: 'Civic Centre', address: 'Victoria Avenue', postcode: 'SS2 6ER', area: 'southend' },
  });
  assert.equal(res.status, 201, res.text);
  return res.json.id;
}

/** On a stack with the demo loaded: 24 practitioners, six small upcoming sessions, a past session
 * with everyone booked (for marks) and a poster placement (for scans). */
export async function prepareWrites(stack) {
  const admin = api(stack.base, await tokenFor(stack, 'admin@lantern.example'));
  const org = (await admin.get('/api/v1/organisations')).json[0].id;
  const people = await Promise.all(Array.from({ length: 24 }, async (_, i) => {
    const res = await admin.post('/api/v1/users', {
      email: `stream${i}@example.org`, name: `Stream ${i}`, role: 'practitioner', org: String(org),
      password: 'correct-horse-battery',
    });
    assert.equal(res.status, 201, res.text);
    return res.json.email;
  }));
  const upcoming = [];
  for (let i = 0; i < 6; i++) upcoming.push(await newSession(admin, Date.now() + (10 + i) * 86400e3));
  const past = await newSession(admin, Date.now() - 2 * 86400e3, people.length);
  const toMark = [];
  for (const email of people) {
    const res = await admin.post(`/api/v1/sessions/${past}/bookings`, { email });
    assert.equal(res.status, 201, res.text);
    toMark.push(res.json.id);
  }
  const placement = await admin.post('/api/v1/campaigns/sixteen-days-2026/placements', {
    material: 'poster', place: 'Stream test library', area: 'southend', quantity: 1,
    placed_on: new Date().toISOString().slice(0, 10),
  });
  assert.equal(placement.status, 201, placement.text);
  const code = placement.json.code;
  const scanCount = `SELECT count(*) FROM scans s JOIN placements p ON p.id = s.placement_id WHERE p.code = '${code}'`;
  return { admin, people, upcoming, toMark, code, scanCount };
}

/**
 * Starts the loops (4 bookers and cancellers, 1 marker, 3 scanners, 1 reader of the database) while
 * running() is true. Returns { loops (a promise for their end), acked, errors, enough() }: acked
 * holds what the server acknowledged; errors every 5xx answer or failed connection as
 * { at, what, status, connection }; enough() says the stream has done enough to test.
 */
export function startWrites(stack, fx, running) {
  const acked = {
    booked: new Map(), // booking id -> session id
    unanswered: [], // { session, email } of each booking answered 5xx or not at all: it may have committed
    cancelled: new Set(),
    marks: new Map(), // booking id -> { status: last acknowledged, maybe: statuses sent since, unacknowledged }
    scansSent: 0, // scan requests sent (each may have reached the server)
    scans: 0, // scans answered with the redirect
    written: [], // the scan count the reader saw in the database, in order
  };
  const errors = [];
  const attempt = async (what, fn) => {
    try {
      const res = await fn();
      if (res.status >= 500) errors.push({ at: Date.now(), what, status: res.status });
      return res;
    } catch (err) {
      errors.push({ at: Date.now(), what, status: `${err.message} (${err.cause?.code ?? err.name})`,
        connection: isConnectionError(err) });
      await sleep(10);
      return null;
    }
  };
  const loops = [];
  for (let w = 0; w < 4; w++) {
    loops.push((async () => {
      while (running()) {
        const sid = pick(fx.upcoming);
        const email = pick(fx.people);
        const res = await attempt('book', () => fx.admin.post(`/api/v1/sessions/${sid}/bookings`, { email }));
        if (res?.status === 201) acked.booked.set(res.json.id, sid);
        else if (!res || res.status >= 500) acked.unanswered.push({ session: sid, email });
        const mine = [...acked.booked.keys()].filter((id) => !acked.cancelled.has(id));
        if (mine.length && Math.random() < 0.4) {
          const id = pick(mine);
          const del = await attempt('cancel', () => fx.admin.delete(`/api/v1/bookings/${id}`));
          if (del?.status === 200) acked.cancelled.add(id);
        }
      }
    })());
  }
  // One marker, each booking of the past session in turn, so marks of one booking never race.
  loops.push((async () => {
    const statuses = ['attended', 'late', 'partial', 'absent', 'excused'];
    for (let i = 0; running(); i++) {
      const id = fx.toMark[i % fx.toMark.length];
      const status = statuses[i % statuses.length];
      const mark = acked.marks.get(id) ?? { status: null, maybe: new Set() };
      acked.marks.set(id, mark);
      mark.maybe.add(status); // until acknowledged, it may or may not have been applied
      const body = status === 'partial' ? { status, minutes_attended: 60 } : { status };
      const res = await attempt('mark', () => fx.admin.put(`/api/v1/bookings/${id}/attendance`, body));
      if (res?.status === 200) acked.marks.set(id, { status, maybe: new Set() });
    }
  })());
  for (let w = 0; w < 3; w++) {
    loops.push((async () => {
      while (running()) {
        acked.scansSent++;
        const res = await attempt('scan', async () => {
          const r = await fetch(`${stack.base}/c/${fx.code}`, { redirect: 'manual', signal: AbortSignal.timeout(30_000) });
          await r.arrayBuffer();
          return r;
        });
        if (res?.status === 303) acked.scans++;
      }
    })());
  }
  // The reader: the scans the database holds, read while the server writes (WAL: it never waits).
  loops.push((async () => {
    while (running()) {
      acked.written.push(Number(await sqliteAsync(stack.dbPath, fx.scanCount)));
      await sleep(50);
    }
  })());
  const writes = () => new Set(acked.written.filter((n) => n > 0)).size;
  const marked = () => [...acked.marks.values()].filter((m) => m.status).length;
  return {
    loops: Promise.all(loops), acked, errors,
    // Some of each write, and the writer seen writing scans at least twice while serving.
    enough: () => acked.booked.size > 10 && marked() > 5 && acked.scans > 20 && writes() >= 2,
    summary: () => `${acked.booked.size} bookings, ${acked.cancelled.size} cancellations, ${marked()} marks and ` +
      `${acked.scans} scans acknowledged, ${writes()} scan writes seen`,
  };
}

/** Every acknowledged booking, cancellation and mark is in the database; capacity, one live booking
 * per person, the kept counts and the waiting list's order all hold; every scan seen written is kept
 * and none is counted twice. Returns the scans kept and lost. */
export function checkWrites(db, fx, acked) {
  const rows = new Map(sqlite(db, 'SELECT id, status FROM bookings').split('\n').map((l) => {
    const [id, status] = l.split('|');
    return [Number(id), status];
  }));
  for (const [id] of acked.booked) assert.ok(rows.has(id), `acknowledged booking ${id} is missing`);
  for (const id of acked.cancelled) assert.equal(rows.get(id), 'cancelled', `acknowledged cancellation of ${id}`);
  for (const [id, { status, maybe }] of acked.marks) {
    if (status === null) continue;
    assert.ok(status === rows.get(id) || maybe.has(rows.get(id)),
      `acknowledged mark of ${id}: ${status}, found ${rows.get(id)}`);
  }

  checkBookings(db, fx.upcoming);

  const kept = Number(sqlite(db, fx.scanCount));
  const seen = Math.max(0, ...acked.written);
  assert.ok(kept >= seen, `${kept} scans kept, but ${seen} were seen written`);
  assert.ok(kept <= acked.scansSent, `${kept} scans recorded for ${acked.scansSent} requests`);
  if (!onPostgres) assert.equal(sqlite(db, 'PRAGMA integrity_check'), 'ok'); // a file's own check
  return { kept, lost: Math.max(0, acked.scans - kept) };
}

/** Counts the sessions over their capacity or whose counts kept by triggers (migrations 007, 022)
 * differ from their bookings: '0' when all is well. */
export const wrongCounts = (db) => sqlite(db, `SELECT count(*) FROM sessions s WHERE s.booked > s.capacity
    OR s.booked <> (SELECT count(*) FROM bookings b WHERE b.session_id = s.id AND b.status = 'booked')
    OR s.waitlisted <> (SELECT count(*) FROM bookings b WHERE b.session_id = s.id AND b.status = 'waitlisted')
    OR s.reserved_booked <> (SELECT count(*) FROM bookings b WHERE b.session_id = s.id AND b.status = 'booked'
      AND b.sector = s.reserved_sector)`);

/** The booking invariants after a stream of writes: no session over its capacity and its kept counts
 * right, one live booking a person, and on each of `sessions` (of CAPACITY places) no free place
 * beside a waiting list and nobody promoted ahead of an earlier arrival. */
export function checkBookings(db, sessions) {
  assert.equal(wrongCounts(db), '0');
  assert.equal(sqlite(db, `SELECT count(*) FROM (SELECT 1 FROM bookings WHERE status <> 'cancelled'
    GROUP BY session_id, user_id HAVING count(*) > 1) doubles`), '0');
  for (const sid of sessions) {
    const [booked, waiting] = sqlite(db, `SELECT (SELECT count(*) FROM bookings WHERE session_id = ${sid} AND status = 'booked'),
      (SELECT count(*) FROM bookings WHERE session_id = ${sid} AND status = 'waitlisted')`).split('|').map(Number);
    if (waiting > 0) assert.equal(booked, CAPACITY, `session ${sid} has a waiting list and a free place`);
    // Everyone promoted off the list had joined it before everyone still on it.
    const late = sqlite(db, `SELECT count(*) FROM bookings p JOIN audit_log a ON a.entity = 'booking'
      AND a.entity_id = CAST(p.id AS TEXT) AND a.action = 'promote'
      WHERE p.session_id = ${sid} AND p.id > (SELECT min(id) FROM bookings WHERE session_id = ${sid} AND status = 'waitlisted')`);
    assert.equal(late, '0', `session ${sid} promoted someone ahead of an earlier arrival`);
  }
}
