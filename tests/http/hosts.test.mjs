// Two application hosts behind one nginx, sharing one PostgreSQL database (nginx/run --hosts 2), and
// one of them killed whole under a stream of reads and bookings, as a machine that loses its power:
// its supervisor, its lantern master and every serving process, so nothing starts it again. No read
// fails (nginx retries a GET on the other host); only bookings in flight on the dead host may fail,
// each then wholly written or not at all; bookings go on through the other host; no invariant
// breaks; and a browser signed in through the dead host goes on working on the other one.
//
// In the PostgreSQL pass of make test-http only (several hosts need PostgreSQL: nginx/run refuses
// --hosts on SQLite, which the SQLite pass checks).
import test, { after, before } from 'node:test';
import assert from 'node:assert/strict';
import { execFile, spawn } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import {
  Client, LANTERN, ROOT, RUNNER, childPids, csrfFrom, freePort, isAlive, loggedIn, pidsMentioning, runLantern, sqlite,
  onPostgres, startStack, tempDataDir, waitUntil,
} from './lib.mjs';
import { createDatabase, dropDatabase } from './postgres.mjs';
import { checkBookings, newSession, prepareWrites, sleep } from './writes.mjs';

const BOOKERS = 4;
const READERS = 3;
const SESSIONS = 30; // of 3 places, for 24 people: 720 bookings to make, never one twice

let database, stack;
const pgPass = { skip: !onPostgres && 'runs in the PostgreSQL pass' };

before(async () => {
  if (!onPostgres) return;
  database = createDatabase();
  stack = await startStack({ database, demo: true, args: ['--hosts', '2'] });
});

after(async () => {
  await stack?.stop();
  if (database) dropDatabase(database);
});

/** The parent pid of `pid` (Linux /proc). */
function parentOf(pid) {
  const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
  return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
}

/** CPU time (clock ticks) `pids` have used, added up (Linux /proc). */
function cpuTicks(pids) {
  let sum = 0;
  for (const pid of pids) {
    try {
      const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      sum += Number(fields[11]) + Number(fields[12]); // utime, stime
    } catch { /* gone */ }
  }
  return sum;
}

const socketOf = (n) => path.join(stack.dataDir, 'run', `host-${n}.sock`);

/** Resolves once nothing listens on the Unix socket `file` any more (a connection is refused). */
async function notListening(file) {
  for (;;) {
    const refused = await new Promise((resolve) => {
      const probe = net.connect(file);
      probe.once('connect', () => { probe.destroy(); resolve(false); });
      probe.once('error', (err) => resolve(['ECONNREFUSED', 'ENOENT'].includes(err.code)));
    });
    if (refused) return;
    await sleep(2);
  }
}

/** Host n's processes: its supervisor (a subshell of nginx/run), its lantern master and the master's
 * serving processes; the master and its children are those whose command line names its socket. */
function host(n) {
  const pids = pidsMentioning(socketOf(n)).filter(isAlive);
  const master = pids.find((pid) => !pids.includes(parentOf(pid)));
  assert.ok(master, `host ${n} has no lantern master`);
  return { supervisor: parentOf(master), master, serving: childPids(master).filter(isAlive) };
}

test('nginx/run refuses several hosts on SQLite, saying why', { skip: onPostgres && 'runs in the SQLite pass' }, async () => {
  const { code, stderr } = await new Promise((resolve) => {
    execFile(RUNNER, ['--port', '1', '--data', tempDataDir(), '--hosts', '2'], (err, _out, errText) => {
      resolve({ code: err?.code ?? 0, stderr: errText });
    });
  });
  assert.equal(code, 2);
  assert.match(stderr, /--hosts 2 needs --db postgresql:\/\/.*SQLite database is a file/);
});

test('one of two hosts killed whole under load: no read fails, only its bookings in flight, and a browser signed in through it goes on', pgPass, async () => {
  const [one, two] = [host(1), host(2)];
  assert.notEqual(one.master, two.master);
  assert.notEqual(one.supervisor, two.supervisor, 'each host has a supervisor of its own');
  assert.equal(parentOf(one.supervisor), stack.pid);

  const fx = await prepareWrites(stack);
  for (let i = fx.upcoming.length; i < SESSIONS; i++) {
    fx.upcoming.push(await newSession(fx.admin, Date.now() + (20 + i) * 86400e3));
  }

  // A browser signs in through host 2 alone: host 1's socket is moved aside meanwhile, so nginx finds
  // nothing there and passes each request on (even a POST, as none reached a host). It keeps a
  // sign-in form's token, which host 2 signed, and a session page's form token for later.
  fs.renameSync(socketOf(1), `${socketOf(1)}.aside`);
  const browser = new Client(stack.base);
  let signedForm, bookForm;
  try {
    signedForm = csrfFrom((await browser.get('/login')).text);
    await browser.login('practitioner@lantern.example');
    bookForm = csrfFrom((await browser.get(`/sessions/${fx.upcoming[0]}`)).text);
  } finally {
    fs.renameSync(`${socketOf(1)}.aside`, socketOf(1));
  }
  assert.ok(signedForm && bookForm, 'forms with tokens from host 2');

  // The stream: readers of the session list, a session page and /healthz, and bookers of the
  // (session, person) pairs in turn, each booking remembered with when it was sent and answered.
  const pairs = fx.upcoming.flatMap((sid) => fx.people.map((email) => ({ sid, email })));
  // Half the pairs wait for the kill: however long both hosts take to warm up, bookings go on after it.
  const reserve = Math.floor(pairs.length / 2);
  let killed = false;
  const bookings = []; // { sid, email, sent, answered, status }
  const reads = []; // { path, status }
  let stop = false;
  const giveUpAt = Date.now() + 180_000; // however the test fails, the loops end
  const running = () => !stop && Date.now() < giveUpAt;
  const cookie = (await loggedIn(stack, 'practitioner@lantern.example')).cookieHeader();
  const readPaths = ['/sessions', `/sessions/${fx.upcoming[1]}`, '/healthz'];
  const loops = [];
  for (let r = 0; r < READERS; r++) {
    loops.push((async () => {
      for (let i = r; running(); i++) {
        const read = { path: readPaths[i % readPaths.length], status: 'no answer' };
        try {
          const res = await fetch(`${stack.base}${read.path}`, { headers: { cookie }, signal: AbortSignal.timeout(30_000) });
          read.status = 'cut';
          await res.text();
          read.status = res.status;
        } catch { /* counted as it is */ }
        reads.push(read);
      }
    })());
  }
  for (let b = 0; b < BOOKERS; b++) {
    loops.push((async () => {
      while (running() && pairs.length) {
        if (!killed && pairs.length <= reserve) {
          await sleep(50);
          continue;
        }
        const { sid, email } = pairs.shift();
        const booking = { sid, email, sent: Date.now(), status: 'no answer' };
        try {
          const res = await fx.admin.post(`/api/v1/sessions/${sid}/bookings`, { email });
          booking.status = res.status;
        } catch { /* counted as it is */ }
        booking.answered = Date.now();
        bookings.push(booking);
        await sleep(50); // a steady stream rather than a flood: the pairs last the whole test
      }
    })());
  }

  // Both hosts serve before one is killed: nginx passes host 1 over for 10 s after the sign-in found
  // it missing, so wait until each host's serving processes have worked for the stream.
  const ticks = (h) => cpuTicks(host(h).serving);
  const [from1, from2] = [ticks(1), ticks(2)];
  for (const until = Date.now() + 60_000; Date.now() < until; await sleep(200)) {
    if (ticks(1) - from1 >= 30 && ticks(2) - from2 >= 30 && bookings.length >= 30) break;
  }
  assert.ok(ticks(1) - from1 >= 30 && ticks(2) - from2 >= 30,
    `both hosts should serve the stream: CPU ticks ${ticks(1) - from1} and ${ticks(2) - from2}`);

  // Host 2 goes down whole: its supervisor first, so nothing starts it again.
  // It is gone once the last thread of its processes has exited: until then its listening socket
  // still takes connections (a sanitizer build takes a while to exit), which die with it.
  const dead = host(2);
  const killedAt = Date.now();
  for (const pid of [dead.supervisor, dead.master, ...dead.serving]) process.kill(pid, 'SIGKILL');
  killed = true;
  await notListening(socketOf(2));
  const goneAt = Date.now();
  const bookedBefore = bookings.length;
  for (const until = Date.now() + 60_000; Date.now() < until; await sleep(100)) {
    if (bookings.filter((b) => b.sent > killedAt && b.status === 201).length >= 30) break;
  }
  stop = true;
  await Promise.all(loops);
  assert.deepEqual(pidsMentioning(socketOf(2)).filter(isAlive), [], 'host 2 was started again');
  assert.ok(isAlive(host(1).master), 'host 1 serves on');

  // Reads: every one answered 200, through the kill.
  const failedReads = reads.filter((r) => r.status !== 200);
  console.log(`hosts: ${reads.length} reads, ${failedReads.length} failed; ${bookings.length} bookings sent, ` +
    `${bookedBefore} before the kill`);
  assert.ok(reads.length > 50, `too few reads to test: ${reads.length}`);
  assert.deepEqual(failedReads, [], 'reads failed');

  // Bookings: only those in flight while host 2 died may fail (nginx answers 502 and does not send
  // a POST twice); each of those is in the database whole or not at all.
  const failed = bookings.filter((b) => b.status !== 201);
  const inFlight = bookings.filter((b) => b.sent <= goneAt && b.answered >= killedAt);
  console.log(`hosts: host 2 took ${goneAt - killedAt} ms to die; ${failed.length} bookings failed of ` +
    `${inFlight.length} in flight meanwhile: ${failed.map((b) => b.status).join(', ')}`);
  for (const b of failed) {
    assert.ok(b.status === 502 && b.sent <= goneAt && b.answered >= killedAt,
      `a booking failed that was not in flight on the dead host: ${JSON.stringify({ ...b, killedAt, goneAt })}`);
  }
  assert.ok(failed.length <= BOOKERS);
  const after = bookings.filter((b) => b.sent > killedAt && b.status === 201).length;
  assert.ok(after >= 30, `bookings after the kill: ${after}`);
  const held = new Set(sqlite(database, `SELECT b.session_id || ' ' || u.email FROM bookings b
    JOIN users u ON u.id = b.user_id WHERE u.email IN (${fx.people.map((e) => `'${e}'`).join(',')})`).split('\n'));
  for (const b of bookings.filter((b) => b.status === 201)) assert.ok(held.has(`${b.sid} ${b.email}`), `acknowledged ${JSON.stringify(b)} is missing`);
  console.log(`hosts: of the failed bookings ${failed.filter((b) => held.has(`${b.sid} ${b.email}`)).length} were made, the rest not`);
  wholeOrAbsent(fx.people);
  checkBookings(database, fx.upcoming);

  // The browser signed in through host 2 goes on with host 1 alone: its sign-in cookie, the form token
  // of its session, and a sign-in form host 2 signed.
  const mine = await browser.get('/bookings');
  assert.equal(mine.status, 200, 'the sign-in made on host 2 holds on host 1');
  const booked = await browser.postForm(`/sessions/${fx.upcoming[0]}/book`, { csrf: bookForm });
  assert.equal(booked.status, 303, `a booking with host 2's form token: ${booked.status} ${booked.text.slice(0, 300)}`);
  assert.equal(sqlite(database, `SELECT count(*) FROM bookings b JOIN users u ON u.id = b.user_id
    WHERE b.session_id = ${fx.upcoming[0]} AND u.email = 'practitioner@lantern.example' AND b.status <> 'cancelled'`), '1');
  const again = await new Client(stack.base).postForm('/login', {
    email: 'practitioner@lantern.example', password: 'lantern-demo', csrf: signedForm,
  });
  assert.equal(again.status, 303, `a sign-in form host 2 signed, sent to host 1: ${again.status}`);
  assert.match(stack.output(), /host 2 is down/);
});

/** Every booking of `people` is whole, its audit entry and its message there, and there is no audit
 * entry or message of a booking that is not: a booking a dead host left is all there or not at all. */
function wholeOrAbsent(people) {
  const emails = people.map((e) => `'${e}'`).join(',');
  // A booking's message names its session: ".../sessions/ID" and a line break before "Your bookings".
  const aboutBooking = `(o.subject LIKE 'Booking confirmed:%' OR o.subject LIKE 'On the waiting list:%')`;
  const messageOf = `o.to_email = u.email AND ${aboutBooking} AND o.body LIKE '%/sessions/' || b.session_id || '_Your bookings%'`;
  assert.equal(sqlite(database, `SELECT count(*) FROM bookings b JOIN users u ON u.id = b.user_id WHERE u.email IN (${emails})
    AND ((SELECT count(*) FROM audit_log a WHERE a.entity = 'booking' AND a.entity_id = CAST(b.id AS TEXT)
      AND a.action = 'create') <> 1 OR (SELECT count(*) FROM outbox o WHERE ${messageOf}) <> 1)`), '0',
  'a booking without its audit entry or its message');
  assert.equal(sqlite(database, `SELECT count(*) FROM audit_log a WHERE a.entity = 'booking' AND a.action = 'create'
    AND NOT EXISTS (SELECT 1 FROM bookings b WHERE CAST(b.id AS TEXT) = a.entity_id)`), '0', 'an audit entry without its booking');
  assert.equal(sqlite(database, `SELECT count(*) FROM outbox o WHERE o.to_email IN (${emails}) AND ${aboutBooking}
    AND NOT EXISTS (SELECT 1 FROM bookings b JOIN users u ON u.id = b.user_id WHERE ${messageOf})`), '0',
  'a message without its booking');
}

/** One FastCGI GET of `uri` to `port` on 127.0.0.1, as nginx on another machine would send it; resolves
 * what the application wrote (headers and body), or null if it closed the connection unanswered. */
function fastcgiGet(port, uri) {
  const record = (type, content) => {
    const head = Buffer.from([1, type, 0, 1, content.length >> 8, content.length & 255, 0, 0]);
    return Buffer.concat([head, content]);
  };
  const pair = (name, value) => Buffer.concat([Buffer.from([name.length, value.length]), Buffer.from(name + value)]);
  const params = Buffer.concat(Object.entries({
    REQUEST_METHOD: 'GET', DOCUMENT_URI: uri, REQUEST_URI: uri, QUERY_STRING: '', REMOTE_ADDR: '127.0.0.1',
  }).map(([k, v]) => pair(k, v)));
  return new Promise((resolve, reject) => {
    const chunks = [];
    const socket = net.connect(port, '127.0.0.1', () => {
      socket.write(Buffer.concat([record(1, Buffer.from([0, 1, 0, 0, 0, 0, 0, 0])), record(4, params),
        record(4, Buffer.alloc(0)), record(5, Buffer.alloc(0))]));
    });
    socket.setTimeout(30_000, () => socket.destroy(new Error('no answer in 30 s')));
    socket.on('data', (d) => chunks.push(d));
    socket.on('error', (err) => (err.code === 'ECONNRESET' ? resolve(null) : reject(err)));
    socket.on('close', () => {
      const all = Buffer.concat(chunks);
      const out = [];
      for (let at = 0; at + 8 <= all.length;) { // type 6 is FCGI_STDOUT
        const length = all.readUInt16BE(at + 4);
        if (all[at + 1] === 6) out.push(all.subarray(at + 8, at + 8 + length));
        at += 8 + length + all[at + 6];
      }
      resolve(all.length ? Buffer.concat(out).toString('utf8') : null);
    });
  });
}

test('lantern serve listens on TCP for nginx on another machine, only to the addresses FCGI_WEB_SERVER_ADDRS lists', pgPass, async () => {
  const port = await freePort();
  const serve = ['--db', database, 'serve', '--socket', `127.0.0.1:${port}`, '--base-url', stack.base];
  const open = await runLantern(null, serve, { env: { FCGI_WEB_SERVER_ADDRS: undefined } });
  assert.equal(open.code, 2, 'a TCP listener for anyone is refused');
  assert.match(open.stderr, /set FCGI_WEB_SERVER_ADDRS/);
  for (const [allowed, answered] of [['127.0.0.1', true], ['192.0.2.1', false]]) {
    const env = { ...process.env, FCGI_WEB_SERVER_ADDRS: allowed };
    const child = spawn(LANTERN, serve, { cwd: ROOT, env, stdio: ['ignore', 'ignore', 'pipe'] });
    let log = '';
    child.stderr.setEncoding('utf8').on('data', (d) => { log += d; });
    try {
      await waitUntil(() => /serving on/.test(log), 'lantern serve to listen on TCP');
      const answer = await fastcgiGet(port, '/healthz');
      if (answered) assert.match(answer ?? '', /^Status: 200/m, `FastCGI over TCP from ${allowed}`);
      else assert.equal(answer, null, 'a connection from an address not listed is closed unanswered');
    } finally {
      child.kill('SIGTERM');
      await new Promise((resolve) => child.once('exit', resolve));
    }
  }
});
