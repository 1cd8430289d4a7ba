// A stream of writes for the tests that kill application processes under load (crash.test.mjs,
// supervision.test.mjs): bookings and cancellations on small sessions, attendance marks and QR scans,
// recording what the server acknowledged, and the checks that nothing acknowledged was lost and no
// booking invariant broke.
import assert from 'node:assert/strict';
import { api, sqlite, tokenFor } from './lib.mjs';

export const CAPACITY = 3;
export const SCAN_INTERVAL_MS = 200; // SCANQ_INTERVAL_MS in include/scanq.h

const iso = (ms) => new Date(ms).toISOString().replace(/\.\d+Z$/, 'Z');
export const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
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
  for (let i = 0; i < 6; i++) upcoming.push(await session(admin, Date.now() + (10 + i) * 86400e3));
  const past = await session(admin, Date.now() - 2 * 86400e3, people.length);
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
  return { admin, people, upcoming, toMark, code: placement.json.code };
}

/**
 * Starts the loops (4 bookers and cancellers, 1 marker, 3 scanners) while running() is true.
 * Returns { loops (a promise for their end), acked, errors }: acked holds what the server
 * acknowledged; errors every 5xx answer or failed connection as { at, what, status }.
 */
export function startWrites(stack, fx, running) {
  const acked = {
    booked: new Map(), // booking id -> session id
    cancelled: new Set(),
    marks: new Map(), // booking id -> { status: last acknowledged, maybe: statuses sent since, unacknowledged }
    scans: [], // time of each acknowledged scan
  };
  const errors = [];
  const attempt = async (what, fn) => {
    try {
      const res = await fn();
      if (res.status >= 500) errors.push({ at: Date.now(), what, status: res.status });
      return res;
    } catch {
      errors.push({ at: Date.now(), what, status: 'connection' });
      await sleep(10); // the connection died with the server: not acknowledged
      return null;
    }
  };
  const loops = [];
  for (let w = 0; w < 4; w++) {
    loops.push((async () => {
      while (running()) {
        const sid = pick(fx.upcoming);
        const res = await attempt('book', () => fx.admin.post(`/api/v1/sessions/${sid}/bookings`, { email: pick(fx.people) }));
        if (res?.status === 201) acked.booked.set(res.json.id, sid);
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
      const res = await attempt('mark', () => fx.admin.put(`/api/v1/bookings/${id}/attendance`, { status }));
      if (res?.status === 200) acked.marks.set(id, { status, maybe: new Set() });
    }
  })());
  for (let w = 0; w < 3; w++) {
    loops.push((async () => {
      while (running()) {
        const res = await attempt('scan', async () => {
          const r = await fetch(`${stack.base}/c/${fx.code}`, { redirect: 'manual', signal: AbortSignal.timeout(5000) });
          await r.arrayBuffer();
          return r;
        });
        if (res?.status === 302 || res?.status === 303) acked.scans.push(Date.now());
      }
    })());
  }
  return { loops: Promise.all(loops), acked, errors };
}

/** Every acknowledged booking, cancellation and mark is in the database; capacity, one live booking
 * per person, the kept counts and the waiting list's order all hold. */
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

  assert.equal(sqlite(db, `SELECT count(*) FROM sessions s WHERE s.booked > s.capacity
    OR s.booked <> (SELECT count(*) FROM bookings b WHERE b.session_id = s.id AND b.status = 'booked')
    OR s.waitlisted <> (SELECT count(*) FROM bookings b WHERE b.session_id = s.id AND b.status = 'waitlisted')`), '0');
  assert.equal(sqlite(db, `SELECT count(*) FROM (SELECT 1 FROM bookings WHERE status <> 'cancelled'
    GROUP BY session_id, user_id HAVING count(*) > 1)`), '0');
  for (const sid of fx.upcoming) {
    const [booked, waiting] = sqlite(db, `SELECT (SELECT count(*) FROM bookings WHERE session_id = ${sid} AND status = 'booked'),
      (SELECT count(*) FROM bookings WHERE session_id = ${sid} AND status = 'waitlisted')`).split('|').map(Number);
    if (waiting > 0) assert.equal(booked, CAPACITY, `session ${sid} has a waiting list and a free place`);
    // Everyone promoted off the list had joined it before everyone still on it.
    const late = sqlite(db, `SELECT count(*) FROM bookings p JOIN audit_log a ON a.entity = 'booking'
      AND a.entity_id = CAST(p.id AS TEXT) AND a.action = 'promote'
      WHERE p.session_id = ${sid} AND p.id > (SELECT min(id) FROM bookings WHERE session_id = ${sid} AND status = 'waitlisted')`);
    assert.equal(late, '0', `session ${sid} promoted someone ahead of an earlier arrival`);
  }
  assert.equal(sqlite(db, 'PRAGMA integrity_check'), 'ok');
}

/** Scans of the stream's poster in the database. */
export function scansWritten(db, fx) {
  return Number(sqlite(db, `SELECT count(*) FROM scans s JOIN placements p ON p.id = s.placement_id WHERE p.code = '${fx.code}'`));
}
