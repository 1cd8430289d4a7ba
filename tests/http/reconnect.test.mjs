// Lost connections, not a lost server (issue 16): the server ends lantern's connections
// (pg_terminate_backend, as an administrator, a pooler's restart or an idle timeout would) and stays
// up. app/db_pg.c makes a lost connection again before the next statement, runs nothing more of a
// transaction whose connection was lost, answers an error for a COMMIT whose outcome is unknown, sends
// a read that had not begun again on a new connection (a snapshot's BEGIN, which waits to go with its
// first statement, included), and asks for the duty lock again. Checked, each while clients stream:
// what was acknowledged is kept, a booking answered with an error is not (unless its COMMIT's outcome
// was unknown), reads and writes are answered again, and the background duty is taken again and runs.
// PostgreSQL only, so it runs once, in make test-http-postgres.
import test, { after, before } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import {
  api, childPids, loggedIn, mailCatcher, onPostgres, sqlite, sqliteAsync, startStack, tokenFor, waitUntil,
} from './lib.mjs';
import { WRITE_LOCK, dutyHolder, psql, psqlArgs, serverLog } from './postgres.mjs';
import { checkWrites, newSession, prepareWrites, startWrites } from './writes.mjs';

const onlyPostgres = { skip: !onPostgres && 'the connections to a PostgreSQL server' };
const KILLS = 4; // times every connection is ended in each test
const BACK_MS = 30_000; // generous: a loaded 2-core machine under ASan

let stack, fx, mail;

before(async () => {
  if (!onPostgres) return;
  mail = mailCatcher();
  stack = await startStack({ demo: true, env: { LANTERN_SENDMAIL: mail.sendmail } });
  fx = await prepareWrites(stack);
});

after(async () => {
  await stack?.stop();
});

/** Ends lantern's connections to the stack's database (those `where` picks) and waits until their
 * server processes are gone: { start, end, count }, when it began and ended (ms) and how many. */
async function terminate(where = 'true') {
  const start = Date.now();
  const rows = await sqliteAsync(stack.dbPath, `SELECT pid, pg_terminate_backend(pid) FROM pg_stat_activity
    WHERE application_name LIKE 'lantern %' AND datname = current_database() AND ${where}`);
  const pids = rows.split('\n').filter((l) => l.endsWith('|1')).map((l) => l.split('|')[0]);
  assert.ok(pids.length > 0, `lantern connections to end (${where})`);
  await waitUntil(async () => await sqliteAsync(stack.dbPath,
    `SELECT count(*) FROM pg_stat_activity WHERE pid IN (${pids.join(',')})`) === '0', 'the ended connections gone', BACK_MS);
  return { start, end: Date.now(), count: pids.length };
}

/** Runs `sql` in a transaction of its own from psql and keeps it open (what it locks stays locked)
 * until release(). */
function holdOpen(sql) {
  const psqlChild = spawn('psql', psqlArgs(stack.dbPath), { stdio: ['pipe', 'ignore', 'inherit'] });
  psqlChild.stdin.write(`BEGIN;\n${sql};\n`);
  return { release: () => psqlChild.stdin.end('COMMIT;\n') };
}

/** Resolves once a lantern connection waits for a lock: a transaction under way, held in the middle. */
const lanternWaits = (what) => waitUntil(async () => await sqliteAsync(stack.dbPath, `SELECT count(*) FROM pg_stat_activity
  WHERE application_name LIKE 'lantern %' AND wait_event_type = 'Lock'`) !== '0', what, BACK_MS);

const unknownCommits = () => (stack.output().match(/it is not known to have committed/g) ?? []).length;

test('every lantern connection ended again and again under a stream of writes: none acknowledged lost, none refused kept, no rule broken, writes answered again', onlyPostgres, async (t) => {
  let going = true;
  const stream = startWrites(stack, fx, () => going);
  const { acked } = stream;
  const kills = [];
  try {
    await waitUntil(stream.enough, 'writes acknowledged before the first kill', 60_000);
    for (let i = 0; i < KILLS; i++) {
      // Every other time in the middle of a transaction: a booking of a session whose row is held
      // waits inside the writer's group transaction, which the kill ends.
      const held = i % 2 ? holdOpen(`SELECT 1 FROM sessions WHERE id = ${fx.upcoming[0]} FOR UPDATE`) : null;
      if (held) await lanternWaits(`a write waiting for session ${fx.upcoming[0]}'s row`);
      kills.push(await terminate());
      held?.release();
      // Four bookers: of five bookings acknowledged once the connections are gone, one at least was
      // sent after.
      const before = acked.booked.size;
      await waitUntil(() => acked.booked.size >= before + 5, `bookings acknowledged after kill ${i + 1}`, BACK_MS);
    }
  } finally {
    going = false;
    await stream.loops;
  }
  const failed = stream.errors.filter((e) => e.what === 'book').length;
  t.diagnostic(`${kills.map((k) => k.count).join(', ')} connections ended; ${stream.summary()}; ${stream.errors.length} `
    + `errors (${failed} bookings), ${unknownCommits()} COMMITs of unknown outcome`);

  // Everything acknowledged is there; capacity, one live booking a person, the waiting list's order.
  checkWrites(stack.dbPath, fx, acked);

  // A booking not acknowledged is there only if its request got an error or no answer (one each), and
  // then only because a COMMIT's outcome was unknown: a transaction whose connection was lost before
  // its COMMIT was sent is rolled back.
  const rows = sqlite(stack.dbPath, `SELECT b.id, b.session_id, u.email FROM bookings b JOIN users u ON u.id = b.user_id
    WHERE b.session_id IN (${fx.upcoming.join(',')})`).split('\n').filter(Boolean).map((l) => l.split('|'));
  const unsure = [...acked.unanswered];
  const kept = rows.filter(([id]) => !acked.booked.has(Number(id)));
  for (const [id, sid, email] of kept) {
    const i = unsure.findIndex((u) => u.session === Number(sid) && u.email === email);
    assert.ok(i >= 0, `booking ${id} (${email}, session ${sid}) was never acknowledged nor refused with an error`);
    unsure.splice(i, 1);
  }
  if (kept.length) assert.ok(unknownCommits() > 0, `${kept.length} bookings answered with an error are kept`);

  // Connections ended while idle: the next booking is answered at once (its BEGIN, sent on a dead
  // connection, is sent again on a new one), and so is a read.
  const sid = await newSession(fx.admin, Date.now() + 30 * 86400e3);
  await terminate();
  const res = await fx.admin.post(`/api/v1/sessions/${sid}/bookings`, { email: fx.people[0] });
  assert.equal(res.status, 201, res.text);
  await terminate();
  assert.equal((await fx.admin.get(`/api/v1/sessions/${sid}`)).status, 200);
});

test('lantern connections ended while snapshot pages are read: only reads under way fail, the rest are answered', onlyPostgres, async (t) => {
  const web = await loggedIn(stack, 'analyst@lantern.example');
  const pages = [() => fx.admin.get('/api/v1/sessions'), () => web.get('/indicators?period=FY2025-26&area=essex')];
  const reads = []; // { start, end, status, page }
  let going = true;
  const reader = async (k) => {
    for (let i = k; going; i++) {
      const start = Date.now();
      let status;
      try {
        status = (await pages[i % pages.length]()).status;
      } catch (err) {
        status = `${err.message} (${err.cause?.code ?? err.name})`;
      }
      reads.push({ start, end: Date.now(), status, page: i % pages.length });
    }
  };
  const readers = [reader(0), reader(1), reader(0)];
  const kills = [];
  const ok = (since) => reads.filter((r) => r.status === 200 && r.start > since).length;
  try {
    await waitUntil(() => ok(0) >= 30, 'reads answered before the first kill', 60_000);
    for (let i = 0; i < KILLS; i++) {
      const kill = await terminate();
      kills.push(kill);
      await waitUntil(() => ok(kill.end) >= 6, `reads answered after kill ${i + 1}`, BACK_MS);
    }
  } finally {
    going = false;
    await Promise.all(readers);
  }
  const failed = reads.filter((r) => r.status !== 200);
  t.diagnostic(`${reads.length} reads, ${failed.length} failed (${failed.map((r) => r.status).join(', ')}), `
    + `${kills.map((k) => k.count).join(', ')} connections ended`);
  // A read sent after its connection was lost is sent again on a new one (its snapshot's BEGIN with
  // it); only a read whose connection was lost while it ran may fail, so every failure was under way
  // while connections were being ended.
  for (const r of failed) {
    assert.ok(kills.some((k) => r.start < k.end && r.end > k.start),
      `a read of ${r.page ? 'the dashboard' : 'the session list'} failed (${r.status}) with no connection ended while it ran`);
  }
  for (const page of [0, 1]) assert.ok(reads.some((r) => r.page === page && r.status === 200 && r.start > kills.at(-1).end));
});

/** A snapshot read (the session list) whose connection is ended between its sign-in and its snapshot
 * is answered, its snapshot begun on the new connection. `afterKill`: every connection ended first,
 * so the request's connection is made again by its sign-in and prepares the snapshot's statements
 * again after the snapshot's BEGIN. */
async function snapshotAfterSignIn({ afterKill }) {
  const db = stack.dbPath;
  // The server's log, with the statements of connections made from now on.
  const log = serverLog(db);
  const name = psql(db, 'SELECT current_database()');
  psql(db, `ALTER DATABASE ${name} SET log_statement = 'all'`);
  // A new token's first use is recorded, a write: it waits for the write lock, held here, between
  // the request's sign-in (a read on its own connection) and its snapshot.
  const token = await tokenFor(stack, 'admin@lantern.example');
  if (afterKill) await terminate();
  const held = holdOpen(`SELECT pg_advisory_xact_lock(${WRITE_LOCK})`);
  try {
    await waitUntil(() => sqlite(db, `SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND granted
      AND (classid, objid) = (${WRITE_LOCK})`) === '1', 'the write lock held from psql');
    const read = api(stack.base, token).get('/api/v1/sessions');
    await lanternWaits('the token\'s recording waiting for the write lock');
    const from = fs.statSync(log).size;
    await terminate(`state = 'idle'`); // the request's own connection, not its writer's
    held.release();
    const res = await read;
    assert.equal(res.status, 200, res.text);
    const logged = fs.readFileSync(log, 'utf8').slice(from);
    assert.match(logged, /BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY/, 'the snapshot begun on the new connection');
  } finally {
    held.release();
    psql(db, `ALTER DATABASE ${name} RESET log_statement`);
  }
}

test('a snapshot read whose connection was lost after its sign-in: sent again on a new connection, its BEGIN with it', onlyPostgres,
  () => snapshotAfterSignIn({ afterKill: false }));

// This one twice saw the BEGIN missing when it ran straight after the test above. The one path found
// that could do it: an ended backend sends its FATAL before libpq sees the socket close, so a pipeline
// could fail while the connection still looked up, and its waiting BEGIN be taken as sent. pipelined()
// now keeps the commands unless the pipeline's end came back. Not reproduced since, nor before the
// change in later runs: kept as a check, not as proof of the cause.
test('the same, every connection ended before the sign-in too', onlyPostgres,
  () => snapshotAfterSignIn({ afterKill: true }));

test('the connection holding the duty lock ended: a lantern process holds it again and hands the mail on', onlyPostgres, async () => {
  const holder = await waitUntil(() => dutyHolder(stack.dbPath), 'a lantern process holding the duty', BACK_MS);
  await terminate(`pid = ${holder.backend}`);
  // A message queued while nobody holds the lock, handed on once a process has taken it again.
  const org = String((await fx.admin.get('/api/v1/organisations')).json[0].id);
  const email = 'duty-after-kill@example.org';
  assert.equal((await fx.admin.post('/api/v1/users', {
    email, name: 'Duty after kill', role: 'practitioner', org, password: 'correct-horse-battery',
  })).status, 201);
  const sid = await newSession(fx.admin, Date.now() + 40 * 86400e3);
  assert.equal((await fx.admin.post(`/api/v1/sessions/${sid}/bookings`, { email })).status, 201);
  const again = await waitUntil(() => {
    const h = dutyHolder(stack.dbPath);
    return h && h.backend !== holder.backend ? h : null;
  }, 'the duty lock held again', BACK_MS);
  assert.ok(childPids(stack.appPid()).includes(again.pid), `the duty's holder ${again.pid} is a serving process of the stack`);
  const queued = Number(sqlite(stack.dbPath, `SELECT count(*) FROM outbox WHERE to_email = '${email}'`));
  assert.ok(queued > 0, 'the booking queued a message');
  await waitUntil(() => sqlite(stack.dbPath, `SELECT count(*) FROM outbox WHERE to_email = '${email}' AND sent_at IS NULL`) === '0',
    'the message sent', BACK_MS);
  const handed = mail.recipients().filter((to) => to === email).length;
  assert.equal(handed, queued, `the messages to ${email} handed to the mail command`);
});
