// Failover with nothing acknowledged lost (issue 16): one stack on a PostgreSQL primary and its
// synchronous standby (pg_pair.mjs), named together in one multi-host connection string with
// target_session_attrs=read-write. Clients stream bookings, check-ins and QR scans; the standby is
// made to lag for a moment (the primary's WAL sender stopped), the primary's postmaster is killed with
// SIGKILL, the standby is promoted with pg_ctl promote, and the clients keep streaming. Then: the
// service took writes again within a bound, every write that was answered 2xx/3xx is on the new
// primary, no session is overbooked, one live booking a person, and the background duty (its lock,
// the outbox) runs on the new primary. PostgreSQL only, so it runs once, in make test-http-postgres.
import test, { after, before } from 'node:test';
import assert from 'node:assert/strict';
import { api, childPids, mailCatcher, onPostgres, sqlite, startStack, tokenFor, waitUntil } from './lib.mjs';
import { dutyHolderPid } from './postgres.mjs';
import { newSession } from './writes.mjs';
import { startPair } from './pg_pair.mjs';

const onlyPostgres = { skip: !onPostgres && 'failover is between PostgreSQL servers' };
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
const CAMPAIGN = 'sixteen-days-2026';
const ANSWER_BOUND_S = 30; // generous: a loaded 2-core machine under ASan (the figure is printed)
const CAPACITY = 8; // each streamed session's places

let pair, stack, admin, mail, run;

before(async () => {
  if (!onPostgres) return;
  pair = await startPair();
  mail = mailCatcher();
  // Threads enough that scans are answered while every writer waits for the standby: they are queued
  // then, and their batch is written only after the failover.
  stack = await startStack({ database: pair.uri, env: { LANTERN_SENDMAIL: mail.sendmail }, demo: true, threads: 8 });
  admin = api(stack.base, await tokenFor(stack, 'admin@lantern.example'));
});

after(async () => {
  await run?.stop(); // the clients, if the test failed while they were streaming
  await stack?.stop();
  pair?.stop();
});

const session = (capacity) => newSession(admin, Date.now() + 20 * 86400e3, capacity);

/** n practitioners' e-mail addresses (made four at a time). */
async function people(n, prefix) {
  const org = String((await admin.get('/api/v1/organisations')).json[0].id);
  const emails = Array.from({ length: n }, (_, i) => `${prefix}${i}@example.org`);
  for (let i = 0; i < n; i += 4) {
    await Promise.all(emails.slice(i, i + 4).map(async (email) => {
      const res = await admin.post('/api/v1/users', {
        email, name: `Failover ${email}`, role: 'practitioner', org, password: 'correct-horse-battery',
      });
      assert.equal(res.status, 201, res.text);
    }));
  }
  return emails;
}

async function placement() {
  const res = await admin.post(`/api/v1/campaigns/${CAMPAIGN}/placements`, {
    material: 'poster', place: 'Failover library', area: 'southend', quantity: 1, placed_on: '2026-11-20',
  });
  assert.equal(res.status, 201, res.text);
  return res.json;
}

/** The answer to one request, or null when none came (the connection failed). */
async function attempt(send) {
  try {
    return await send();
  } catch {
    return null;
  }
}

/**
 * Clients that send until stop(): what was acknowledged, and when each write began and ended.
 *   bookings: [{ id, session, email, status, at }]  (201 Created)
 *   checkins: [booking id]                           (200)
 *   scans: Map placement id -> count                 (303 to its campaign's page)
 *   writes: [{ start, end, ok }]                     (every booking and check-in)
 */
function stream({ jobs, toCheckIn, placements }) {
  const acked = { bookings: [], checkins: [], scans: new Map(), writes: [] };
  let going = true;
  const write = async (send, ok) => {
    const start = Date.now();
    const res = await attempt(send);
    acked.writes.push({ start, end: Date.now(), ok: res !== null && ok(res) });
    return res;
  };
  // A booking that got no answer, or an error, is sent again later: a 409 then says an earlier
  // attempt did commit (its answer was lost), and is not counted as acknowledged.
  const booker = async () => {
    while (going && jobs.length) {
      const job = jobs.shift();
      const res = await write(() => admin.post(`/api/v1/sessions/${job.session}/bookings`, { email: job.email }),
        (r) => r.status === 201);
      if (res?.status === 201) acked.bookings.push({ ...job, id: res.json.id, status: res.json.status, at: Date.now() });
      else if (res?.status !== 409) jobs.push(job);
      await sleep(100);
    }
  };
  const checker = async () => {
    while (going && toCheckIn.length) {
      const id = toCheckIn.shift();
      const res = await write(() => admin.put(`/api/v1/bookings/${id}/attendance`, { status: 'attended' }),
        (r) => r.status === 200);
      if (res?.status === 200) acked.checkins.push(id);
      else toCheckIn.push(id);
      await sleep(100);
    }
  };
  const scanner = async (p) => {
    acked.scans.set(p.id, 0);
    while (going) {
      const res = await attempt(() => fetch(`${stack.base}/c/${p.code}`, { redirect: 'manual' }));
      if (res?.status === 303 && res.headers.get('location').startsWith(`/help/${CAMPAIGN}`)) {
        acked.scans.set(p.id, acked.scans.get(p.id) + 1);
      }
      await res?.arrayBuffer().catch(() => {});
      await sleep(50);
    }
  };
  const clients = [booker(), booker(), booker(), checker(), ...placements.map(scanner)];
  return {
    acked,
    async stop() {
      going = false;
      await Promise.all(clients);
    },
  };
}

/** Seconds from `since` to the end of the first acknowledged write that began after it. */
function answeredAgain(writes, since) {
  const ends = writes.filter((w) => w.ok && w.start >= since).map((w) => w.end);
  return ends.length ? (Math.min(...ends) - since) / 1000 : Infinity;
}

test('the primary killed and the standby promoted: writes answered again, none acknowledged lost, no rule broken', onlyPostgres, async (t) => {
  // Set up, on the primary: two sessions to book, one whose bookings are checked in, two posters.
  const streamed = [await session(CAPACITY), await session(CAPACITY)];
  const checkInSession = await session(60);
  const crowd = await people(60, 'fo');
  const attendees = await people(40, 'fa');
  const toCheckIn = [];
  for (const email of attendees) {
    const res = await admin.post(`/api/v1/sessions/${checkInSession}/bookings`, { email });
    assert.equal(res.status, 201, res.text);
    toCheckIn.push(res.json.id);
  }
  const placements = [await placement(), await placement()];
  // Every person books both sessions, in an order that mixes them: more than their places, so the
  // waiting lists grow too.
  const jobs = crowd.flatMap((email, i) => (i % 2 ? [...streamed].reverse() : streamed).map((s) => ({ session: s, email })));

  run = stream({ jobs, toCheckIn, placements });
  const { acked } = run;
  await waitUntil(() => acked.bookings.length >= 10 && acked.checkins.length >= 3, 'writes acknowledged before the failure', 60_000);

  // The standby falls behind (no WAL reaches it) while commits go on: under synchronous commit they
  // wait for it and are not acknowledged (asynchronous, they would be, and be lost); then the primary
  // dies.
  pair.pauseReplication();
  await sleep(1500);
  const killedAt = Date.now();
  const before = { bookings: acked.bookings.length, checkins: acked.checkins.length };
  pair.killPrimary();
  await sleep(1000); // the time to notice, for an operator or pg_auto_failover's monitor
  const promoting = Date.now();
  await pair.promote();
  const promotedAt = Date.now();

  // Streaming on: the service must take writes again by itself, on the new primary.
  await waitUntil(() => answeredAgain(acked.writes, promotedAt) < Infinity, 'a write acknowledged after the promotion',
    ANSWER_BOUND_S * 1000);
  const afterPromotion = acked.bookings.length;
  await waitUntil(() => acked.bookings.length >= afterPromotion + 5 || jobs.length === 0, 'more bookings after the promotion', 30_000);
  await sleep(2000);
  await run.stop();

  const sinceKill = answeredAgain(acked.writes, killedAt);
  const sincePromotion = answeredAgain(acked.writes, promoting);
  t.diagnostic(`writes answered again ${sinceKill.toFixed(1)} s after the SIGKILL, ${sincePromotion.toFixed(1)} s after `
    + `pg_ctl promote began (promotion took ${((promotedAt - promoting) / 1000).toFixed(1)} s); acknowledged: `
    + `${acked.bookings.length} bookings (${before.bookings} before the kill), ${acked.checkins.length} check-ins `
    + `(${before.checkins} before), ${[...acked.scans.values()].join(' + ')} scans`);
  assert.ok(sincePromotion <= ANSWER_BOUND_S, `answered again ${sincePromotion} s after the promotion began`);
  assert.ok(acked.bookings.some((b) => b.at > promotedAt), 'bookings acknowledged after the promotion');

  const db = pair.standby.uri; // the new primary
  const q = (sql) => sqlite(db, sql);

  // Every acknowledged booking, as it was answered.
  const rows = new Map(q(`SELECT b.id, b.session_id, u.email, b.status FROM bookings b JOIN users u ON u.id = b.user_id
    WHERE b.session_id IN (${streamed.join(',')})`).split('\n').filter(Boolean).map((l) => {
    const [id, s, email, status] = l.split('|');
    return [Number(id), { session: Number(s), email, status }];
  }));
  for (const b of acked.bookings) {
    assert.deepEqual(rows.get(b.id), { session: b.session, email: b.email, status: b.status },
      `acknowledged booking ${b.id} (${b.email}, ${b.status}) on the new primary`);
  }
  // Every acknowledged check-in.
  const attended = new Set(q(`SELECT id FROM bookings WHERE session_id = ${checkInSession} AND status = 'attended'`)
    .split('\n').filter(Boolean).map(Number));
  for (const id of acked.checkins) assert.ok(attended.has(id), `acknowledged check-in of booking ${id} on the new primary`);
  // At least every acknowledged scan, once the queue has been written (a batch whose COMMIT's answer
  // was lost with the primary is written again, so a scan may count twice: never fewer).
  const scansOf = (id) => Number(q(`SELECT count(*) FROM scans WHERE placement_id = ${id}`));
  for (const [id, n] of acked.scans) {
    await waitUntil(() => scansOf(id) >= n, `${n} acknowledged scans of placement ${id} on the new primary`, 30_000);
  }

  // No session overbooked, its counters true; one live booking a person.
  for (const id of streamed) {
    const [booked, capacity, counted, waiting, waitCounted] = q(`SELECT booked, capacity,
      (SELECT count(*) FROM bookings WHERE session_id = s.id AND status = 'booked'), waitlisted,
      (SELECT count(*) FROM bookings WHERE session_id = s.id AND status = 'waitlisted') FROM sessions s WHERE id = ${id}`)
      .split('|').map(Number);
    assert.ok(booked <= capacity, `session ${id}: ${booked} booked for ${capacity} places`);
    assert.equal(booked, counted, `session ${id}: its count of booked`);
    assert.equal(waiting, waitCounted, `session ${id}: its count of waiting`);
  }
  assert.equal(q(`SELECT count(*) FROM (SELECT user_id, session_id FROM bookings WHERE status <> 'cancelled'
    GROUP BY user_id, session_id HAVING count(*) > 1) twice`), '0', 'one live booking a person');

  // The background duty: its lock taken again on the new primary by a serving process of the stack,
  // and the outbox handed on there, the messages of bookings made after the promotion included.
  await waitUntil(() => childPids(stack.appPid()).includes(dutyHolderPid(db)), 'the duty lock held on the new primary', 30_000);
  const late = acked.bookings.filter((b) => b.at > promotedAt).map((b) => `'${b.email}'`).join(',');
  const queuedLate = q(`SELECT DISTINCT to_email FROM outbox WHERE to_email IN (${late})`).split('\n').filter(Boolean);
  assert.ok(queuedLate.length > 0, 'bookings made after the promotion queued their messages');
  await waitUntil(() => q(`SELECT count(*) FROM outbox WHERE sent_at IS NULL AND to_email IN (${late})`) === '0',
    'their messages sent on the new primary', 30_000);
  const handed = mail.recipients();
  for (const email of queuedLate) assert.ok(handed.includes(email), `the message to ${email} handed to the mail command`);
});
