// When a token was last used, and when a sign-in was last active (its idle expiry slides from it), are
// written at most once an hour and once in five minutes. A read makes the write at once; a request that
// may write keeps it for its own transaction, one commit for both (auth.c, db_exec_aside_soon), and
// makes it on its own at its end if it has none or its own is refused. Each case through nginx, on
// both engines.
import test, { before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startStack, api, tokenFor, loggedIn, sqlite } from './lib.mjs';
import { makeSession } from './records.mjs';

let stack, admin;
const sql = (q) => sqlite(stack.dbPath, q);
const nowSeconds = () => Math.floor(Date.now() / 1000);

before(async () => {
  stack = await startStack({ demo: true });
  admin = api(stack.base, await tokenFor(stack, 'admin@lantern.example'));
});
after(async () => {
  await stack?.stop();
});

test("a token's last use is written by a read, with a booking, and after a booking refused", async () => {
  const me = api(stack.base, await tokenFor(stack, 'practitioner@lantern.example'));
  const id = sql('SELECT max(id) FROM api_tokens');
  const lastUsed = () => Number(sql(`SELECT coalesce(last_used_at, 0) FROM api_tokens WHERE id = ${id}`));
  const longAgo = () => sql(`UPDATE api_tokens SET last_used_at = 1 WHERE id = ${id}`);
  const session = await makeSession(admin, { startMs: Date.now() + 30 * 86400e3 });

  longAgo();
  let since = nowSeconds();
  assert.equal((await me.get('/api/v1/sessions')).status, 200);
  assert.ok(lastUsed() >= since, 'a read: written at once');

  longAgo();
  since = nowSeconds();
  const booked = await me.post(`/api/v1/sessions/${session}/bookings`, {});
  assert.equal(booked.status, 201, booked.text);
  assert.ok(lastUsed() >= since, 'written with the booking');
  assert.equal(sql(`SELECT count(*) FROM bookings WHERE session_id = ${session} AND status = 'booked'`), '1');

  longAgo();
  since = nowSeconds();
  const again = await me.post(`/api/v1/sessions/${session}/bookings`, {});
  assert.equal(again.status, 409, again.text);
  assert.ok(lastUsed() >= since, 'the booking refused and rolled back: written on its own');

  longAgo();
  since = nowSeconds();
  const refused = await me.post('/api/v1/sessions', {});
  assert.equal(refused.status, 403, 'a practitioner may not schedule sessions');
  assert.ok(lastUsed() >= since, 'refused before its handler ran: written all the same');

  // Within the hour nothing is written: the time stays as it was.
  sql(`UPDATE api_tokens SET last_used_at = ${nowSeconds() - 60} WHERE id = ${id}`);
  const recent = lastUsed();
  assert.equal((await me.get('/api/v1/sessions')).status, 200);
  assert.equal(lastUsed(), recent);
});

test("a sign-in's last activity is written by a page view after five minutes, and not before", async () => {
  const web = await loggedIn(stack, 'practitioner@lantern.example');
  const hash = sql(`SELECT token_hash FROM login_sessions WHERE user_id = (SELECT id FROM users
    WHERE email = 'practitioner@lantern.example') ORDER BY created_at DESC LIMIT 1`);
  const lastSeen = () => Number(sql(`SELECT last_seen_at FROM login_sessions WHERE token_hash = '${hash}'`));
  const seenAgo = (s) => sql(`UPDATE login_sessions SET last_seen_at = ${nowSeconds() - s} WHERE token_hash = '${hash}'`);

  seenAgo(400);
  const since = nowSeconds();
  assert.equal((await web.get('/sessions')).status, 200);
  assert.ok(lastSeen() >= since, 'written after five minutes idle');

  seenAgo(100);
  const recent = lastSeen();
  assert.equal((await web.get('/sessions')).status, 200);
  assert.equal(lastSeen(), recent, 'not written within five minutes');
});
