// Two stacks on one PostgreSQL database, as two application hosts: the guarantees of include/db.h hold
// across them. Capacity and the waiting list under bookings sent to both at once, one live booking a
// person, and the background duty (here, handing mail on) done by one process of all, taken over by
// the other host when the one doing it stops. PostgreSQL only: a SQLite file has one host.
import test, { after, before } from 'node:test';
import assert from 'node:assert/strict';
import { api, childPids, mailCatcher, onPostgres, sqlite, startStack, tokenFor } from './lib.mjs';
import { createDatabase, dropDatabase, dutyHolderPid } from './postgres.mjs';
import { newSession } from './writes.mjs';

const onlyPostgres = { skip: !onPostgres && 'two hosts share a database only on PostgreSQL' };
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

let database, hosts = [], mail, admin;

before(async () => {
  if (!onPostgres) return;
  mail = mailCatcher();
  database = createDatabase();
  const env = { LANTERN_SENDMAIL: mail.sendmail };
  hosts = [await startStack({ database, env, demo: true })];
  hosts.push(await startStack({ database, env }));
  admin = api(hosts[0].base, await tokenFor(hosts[0], 'admin@lantern.example'));
});

after(async () => {
  for (const h of hosts) await h.stop();
  if (database) dropDatabase(database);
});

const session = (capacity) => newSession(admin, Date.now() + 20 * 86400e3, capacity);

/** n practitioners, each with an API token on every host. */
async function people(n, prefix) {
  const org = (await admin.get('/api/v1/organisations')).json[0].id;
  const out = [];
  for (let i = 0; i < n; i++) {
    const email = `${prefix}${i}@example.org`;
    const res = await admin.post('/api/v1/users', {
      email, name: `Host test ${prefix}${i}`, role: 'practitioner', org: String(org), password: 'correct-horse-battery',
    });
    assert.equal(res.status, 201, res.text);
    const token = await tokenFor(hosts[0], email);
    out.push({ email, on: hosts.map((h) => api(h.base, token)) });
  }
  return out;
}

test('60 people book 10 places at once through two hosts: exactly 10 booked, the rest waitlisted in one arrival order', onlyPostgres, async () => {
  const id = await session(10);
  const crowd = await people(60, 'crowd');
  const results = await Promise.all(crowd.map((p, i) => p.on[i % 2].post(`/api/v1/sessions/${id}/bookings`, {})));
  for (const r of results) assert.equal(r.status, 201, r.text);
  const booked = results.filter((r) => r.json.status === 'booked');
  const waiting = results.filter((r) => r.json.status === 'waitlisted');
  assert.equal(booked.length, 10);
  assert.equal(waiting.length, 50);
  // Positions 1..50 in booking id order, though the bookings came through two hosts.
  const byId = [...waiting].sort((a, b) => a.json.id - b.json.id).map((r) => r.json.waitlist_position);
  assert.deepEqual(byId, Array.from({ length: 50 }, (_, i) => i + 1));
  for (const h of hosts) {
    const s = (await api(h.base, await tokenFor(h, 'admin@lantern.example')).get(`/api/v1/sessions/${id}`)).json;
    assert.deepEqual([s.booked, s.waitlisted, s.seats_left], [10, 50, 0]);
  }
  assert.equal(sqlite(database, `SELECT booked || '|' || waitlisted FROM sessions WHERE id = ${id}`), '10|50');
});

test('one person booking on both hosts at once gets one live booking', onlyPostgres, async () => {
  const id = await session(30);
  const twice = await people(12, 'twice');
  const results = await Promise.all(twice.map((p) => Promise.all(p.on.map((a) => a.post(`/api/v1/sessions/${id}/bookings`, {})))));
  for (const pair of results) {
    assert.deepEqual(pair.map((r) => r.status).sort(), [201, 409], pair.map((r) => r.text).join('\n'));
  }
  assert.equal(sqlite(database, `SELECT count(*) FROM bookings WHERE session_id = ${id} AND status <> 'cancelled'`), '12');
});

/** Waits until every message to `emails` is marked sent, then checks each was handed to the mail
 * command exactly once, whichever host's process did it. */
async function deliveredOnce(emails) {
  const list = emails.map((e) => `'${e}'`).join(',');
  const sent = () => Number(sqlite(database, `SELECT count(*) FROM outbox WHERE sent_at IS NOT NULL AND to_email IN (${list})`));
  const queued = Number(sqlite(database, `SELECT count(*) FROM outbox WHERE to_email IN (${list})`));
  assert.ok(queued >= emails.length, `${queued} messages queued for ${emails.length} people`);
  for (const until = Date.now() + 30_000; sent() < queued && Date.now() < until;) await sleep(200);
  assert.equal(sent(), queued, 'not every message was handed over within 30 s');
  await sleep(1000); // a second process sending the same messages would have done so by now
  const to = mail.recipients();
  for (const email of emails) {
    const n = to.filter((t) => t === email).length;
    const expected = Number(sqlite(database, `SELECT count(*) FROM outbox WHERE to_email = '${email}'`));
    assert.equal(n, expected, `${email}: ${n} messages handed over for ${expected} queued`);
  }
}

/** The host whose serving process holds the background duty. */
function dutyHost() {
  const pid = dutyHolderPid(database);
  return hosts.find((h) => childPids(h.appPid()).includes(pid));
}

test('the background duty runs in one process of both hosts, and moves to the other when its host stops', onlyPostgres, async () => {
  const id = await session(40);
  const book = async (list, host) => {
    for (const p of list) assert.equal((await p.on[host].post(`/api/v1/sessions/${id}/bookings`, {})).status, 201);
    return list.map((p) => p.email);
  };
  await deliveredOnce(await book(await people(10, 'mail'), 1));
  const holder = dutyHost();
  assert.ok(holder, 'a serving process of one of the hosts holds the duty');
  await holder.stop();
  hosts = hosts.filter((h) => h !== holder);
  const [other] = hosts;
  admin = api(other.base, await tokenFor(other, 'admin@lantern.example'));
  await deliveredOnce(await book(await people(5, 'after'), 0));
  assert.equal(dutyHost(), other, 'the other host took the duty over');
});
