// Accounts under attack, through the real stack: sign-in throttled by account and client address
// instead of locked (clients connect from different loopback addresses, 127.0.0.2 and up, so nginx
// passes each its own REMOTE_ADDR); the server's clock is moved through LANTERN_CLOCK_FILE so the
// waits can be stepped through without sleeping.
import test, { before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startStack, Client, addUser, sqlite } from './lib.mjs';

const clockFile = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'lantern-clock-')), 'now');
const T0 = Math.floor(Date.now() / 1000) + 86400;
const setClock = (t) => fs.writeFileSync(clockFile, String(t));
setClock(T0);

const SESSION_COOKIE = 'lantern_session';
let stack;
const sql = (q) => sqlite(stack.dbPath, q);

before(async () => {
  stack = await startStack({ env: { LANTERN_CLOCK_FILE: clockFile } });
});
after(async () => {
  await stack?.stop();
  fs.rmSync(path.dirname(clockFile), { recursive: true, force: true });
});

/** One try at the sign-in form, with a fresh form token. */
async function signIn(c, email, password) {
  const form = await c.get('/login');
  assert.equal(form.status, 200);
  return c.postForm('/login', { email, password, csrf: c.csrfFrom(form.text) });
}

test('an attacker\'s wrong passwords slow and then stop their address; the owner still signs in and is told once', async () => {
  const email = 'olive@example.org', password = 'quiet-otter-lamp-41';
  await addUser(stack, { email, name: 'Olive Owner', role: 'analyst', password });
  const attacker = new Client(stack.base, { localAddress: '127.0.0.3' });
  let t = T0;
  setClock(t);
  // Three slips and a fourth try cost nothing.
  for (let i = 0; i < 4; i++) {
    const r = await signIn(attacker, email, `guess-number-${i}`);
    assert.equal(r.status, 401, `try ${i + 1}`);
    assert.match(r.text, /Enter a correct email address and password/);
  }
  // Then each try waits longer: answered at once with how long, the password not even checked.
  for (const delay of [2, 4, 8, 16, 32, 64]) {
    const early = await signIn(attacker, email, password);
    assert.equal(early.status, 429, `before the ${delay} s wait is over`);
    assert.equal(early.headers.get('retry-after'), String(delay));
    assert.match(early.text, new RegExp(`try again in ${delay} seconds`));
    assert.equal(attacker.cookie(SESSION_COOKIE), undefined);
    t += delay;
    setClock(t);
    assert.equal((await signIn(attacker, email, `guess-after-${delay}`)).status, 401);
  }
  // Ten failures: this address is refused until 15 minutes after its first.
  const stopped = await signIn(attacker, email, password);
  assert.equal(stopped.status, 429);
  assert.equal(stopped.headers.get('retry-after'), String(T0 + 900 - t));
  assert.match(stopped.text, /try again in 13 minutes/);
  setClock(T0 + 899);
  assert.equal((await signIn(attacker, email, password)).status, 429);

  // Meanwhile the owner, from an address that has not failed, signs in at the first try.
  const owner = new Client(stack.base, { localAddress: '127.0.0.2' });
  const ok = await signIn(owner, email, password);
  assert.equal(ok.status, 303, ok.text.slice(0, 300));
  assert.ok(owner.cookie(SESSION_COOKIE));
  assert.equal((await owner.get('/account')).status, 200);

  // The owner is told by e-mail, once, without the address or the passwords tried.
  const mails = () => sql(`SELECT count(*) FROM outbox WHERE to_email = '${email}' AND subject = 'Failed sign-ins to your lantern account'`);
  assert.equal(mails(), '1');
  const body = sql(`SELECT body FROM outbox WHERE to_email = '${email}'`);
  assert.match(body, /Hello Olive Owner/);
  assert.match(body, /wrong password for your lantern account 10 times/);
  assert.doesNotMatch(body, /127\.0\.0\.3|guess/); // the link names the service, not the attacker
  const second = new Client(stack.base, { localAddress: '127.0.0.4' });
  for (let i = 0; i < 4; i++) assert.equal((await signIn(second, email, `other-guess-${i}`)).status, 401);
  assert.equal(mails(), '1');

  // A new window for the attacker's address once the 15 minutes are over.
  setClock(T0 + 900);
  assert.equal((await signIn(attacker, email, 'guess-in-a-new-window')).status, 401);

  // Neither addresses nor e-mail addresses are kept in clear.
  assert.equal(sql("SELECT count(*) FROM login_throttle WHERE client LIKE '%127.0%' OR account LIKE '%olive%'"), '0');
  assert.ok(Number(sql('SELECT count(*) FROM login_throttle')) >= 4);
});

test('an e-mail address without an account is throttled the same way (answers do not reveal accounts)', async () => {
  setClock(T0 + 5000);
  const c = new Client(stack.base, { localAddress: '127.0.0.5' });
  for (let i = 0; i < 4; i++) assert.equal((await signIn(c, 'nobody-here@example.org', `guess-number-${i}`)).status, 401);
  const r = await signIn(c, 'nobody-here@example.org', 'guess-number-4');
  assert.equal(r.status, 429);
  assert.equal(r.headers.get('retry-after'), '2');
});
