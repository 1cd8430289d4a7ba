// Accounts under attack, through the real stack: sign-in throttled by account and client address
// instead of locked (clients connect from different loopback addresses, 127.0.0.2 and up, so nginx
// passes each its own REMOTE_ADDR; the server's clock is moved through LANTERN_CLOCK_FILE so the
// waits can be stepped through without sleeping), and credential changes that end access.
import test, { before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startStack, Client, addUser, api, loggedIn, tokenFor, sqlite, onPostgres, SESSION_COOKIE } from './lib.mjs';

const clockFile = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'lantern-clock-')), 'now');
const T0 = Math.floor(Date.now() / 1000) + 86400;
const setClock = (t) => fs.writeFileSync(clockFile, String(t));
setClock(T0);

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

/** Whether a browser session still works: 200 on /account, or sent to the sign-in page. */
async function signedIn(c) {
  const r = await c.get('/account');
  if (r.status === 303) assert.match(r.headers.get('location'), /^\/login/);
  return r.status === 200;
}
const tokenWorks = async (token) => {
  const r = await api(stack.base, token).get('/api/v1/me');
  assert.ok([200, 401].includes(r.status), `GET /api/v1/me answered ${r.status}`);
  return r.status === 200;
};

test('changing your password signs out your other browsers, and revokes your tokens when you ask', async () => {
  const email = 'pat@example.org';
  await addUser(stack, { email, name: 'Pat Person', role: 'trainer', password: 'first-quiet-otter-1' });
  const here = await loggedIn(stack, email, 'first-quiet-otter-1');
  const elsewhere = await loggedIn(stack, email, 'first-quiet-otter-1');
  const token = await tokenFor(stack, email);
  let page = await here.get('/account');
  assert.match(page.text, /name="revoke_tokens" type="checkbox"/);
  // Without the box ticked: the other browser is out, the token still works, this browser stays.
  let r = await here.postForm('/account/password', { csrf: here.csrfFrom(page.text), current: 'first-quiet-otter-1', new_password: 'second-quiet-otter-2' });
  assert.equal(r.status, 303);
  assert.equal(r.headers.get('location'), '/account?done=password');
  assert.equal(await signedIn(elsewhere), false, 'the other browser is signed out');
  assert.equal(await signedIn(here), true, 'this browser stays signed in');
  assert.equal(await tokenWorks(token), true, 'tokens stay unless asked');
  // With it ticked: the token stops too.
  const again = await loggedIn(stack, email, 'second-quiet-otter-2');
  page = await here.get('/account');
  r = await here.postForm('/account/password', { csrf: here.csrfFrom(page.text), current: 'second-quiet-otter-2', new_password: 'third-quiet-otter-3', revoke_tokens: 'yes' });
  assert.equal(r.status, 303);
  assert.match((await here.get(r.headers.get('location'))).text, /your API tokens revoked/);
  assert.equal(await tokenWorks(token), false, 'the token is revoked');
  assert.equal(await signedIn(again), false);
  assert.equal(await signedIn(here), true);
  assert.equal(sql(`SELECT count(*) FROM api_tokens t JOIN users u ON u.id = t.user_id WHERE u.email = '${email}' AND t.revoked_at IS NULL`), '0');

  // The same through the API, with a field to choose.
  const first = await tokenFor(stack, email);
  const browser = await loggedIn(stack, email, 'third-quiet-otter-3');
  const a = api(stack.base, first);
  const wrong = await a.post('/api/v1/me/password', { current: 'not-my-password', new_password: 'fourth-quiet-otter-4' });
  assert.equal(wrong.status, 422);
  assert.equal(wrong.json.field, 'current');
  r = await a.post('/api/v1/me/password', { current: 'third-quiet-otter-3', new_password: 'fourth-quiet-otter-4', revoke_tokens: false });
  assert.equal(r.status, 200, r.text);
  assert.deepEqual(r.json, { sessions_ended: 2, tokens_revoked: 0 }); // this test's `here` and `browser`
  assert.equal(await signedIn(browser), false);
  assert.equal(await signedIn(here), false);
  assert.equal(await tokenWorks(first), true);
  const second = await tokenFor(stack, email);
  r = await a.post('/api/v1/me/password', { current: 'fourth-quiet-otter-4', new_password: 'fifth-quiet-otter-5', revoke_tokens: true });
  assert.equal(r.status, 200, r.text);
  assert.deepEqual(r.json, { sessions_ended: 0, tokens_revoked: 2 });
  assert.equal(await tokenWorks(first), false);
  assert.equal(await tokenWorks(second), false);
  await loggedIn(stack, email, 'fifth-quiet-otter-5');
});

test('an admin\'s password reset or deactivation ends every session and token of that person', async () => {
  await addUser(stack, { email: 'boss@example.org', name: 'Bo Boss', role: 'admin', password: 'amber-quiet-otter-1' });
  const admin = api(stack.base, await tokenFor(stack, 'boss@example.org'));
  const adminWeb = await loggedIn(stack, 'boss@example.org', 'amber-quiet-otter-1');
  const email = 'reset@example.org';
  await addUser(stack, { email, name: 'Rene Reset', role: 'analyst', password: 'rook-quiet-otter-1' });
  const id = sql(`SELECT id FROM users WHERE email = '${email}'`);
  const ended = () => sql(`SELECT count(*) FROM audit_log WHERE entity = 'user' AND entity_id = '${id}' AND action = 'access-ended'`);

  // A reset through the admin page.
  let browser = await loggedIn(stack, email, 'rook-quiet-otter-1');
  let token = await tokenFor(stack, email);
  const edit = await adminWeb.get(`/admin/users/${id}`);
  let r = await adminWeb.postForm(`/admin/users/${id}`, { csrf: adminWeb.csrfFrom(edit.text), name: 'Rene Reset', email, role: 'analyst', org: '', active: '1', password: 'rook-quiet-otter-2' });
  assert.equal(r.status, 303, r.text.slice(0, 500));
  assert.equal(await signedIn(browser), false);
  assert.equal(await tokenWorks(token), false);
  assert.equal(ended(), '1');
  // Changing only the name ends nothing.
  browser = await loggedIn(stack, email, 'rook-quiet-otter-2');
  token = await tokenFor(stack, email);
  assert.equal((await admin.put(`/api/v1/users/${id}`, { name: 'Rene R. Reset' })).status, 200);
  assert.equal(await signedIn(browser), true);
  assert.equal(await tokenWorks(token), true);
  // A reset through the API.
  r = await admin.put(`/api/v1/users/${id}`, { password: 'rook-quiet-otter-3' });
  assert.equal(r.status, 200, r.text);
  assert.equal(await signedIn(browser), false);
  assert.equal(await tokenWorks(token), false);
  // Deactivation; and reactivating does not bring the old token back.
  browser = await loggedIn(stack, email, 'rook-quiet-otter-3');
  token = await tokenFor(stack, email);
  assert.equal((await admin.put(`/api/v1/users/${id}`, { active: false })).status, 200);
  assert.equal(await signedIn(browser), false);
  assert.equal(await tokenWorks(token), false);
  assert.equal((await admin.put(`/api/v1/users/${id}`, { active: true })).status, 200);
  assert.equal(await tokenWorks(token), false);
  assert.equal(ended(), '3');
});

test('a database failure while signing in answers the house 500 with no session, and names nobody in the log', async () => {
  const email = 'fay@example.org', password = 'copper-meadow-kettle-8';
  await addUser(stack, { email, name: 'Fay Failing', role: 'analyst', password });
  const id = sql(`SELECT id FROM users WHERE email = '${email}'`);
  // The database refuses her new session, as a full disk or a lost connection would.
  sql(onPostgres
    ? `CREATE FUNCTION refuse_sign_in() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RAISE EXCEPTION 'refused for the test'; END $$;
       CREATE TRIGGER refuse_sign_in BEFORE INSERT ON login_sessions FOR EACH ROW WHEN (NEW.user_id = ${id}) EXECUTE FUNCTION refuse_sign_in()`
    : `CREATE TRIGGER refuse_sign_in BEFORE INSERT ON login_sessions WHEN NEW.user_id = ${id} BEGIN SELECT RAISE(ABORT, 'refused for the test'); END`);
  const c = new Client(stack.base, { localAddress: '127.0.0.9' });
  for (let i = 0; i < 3; i++) {
    const res = await signIn(c, email, password);
    assert.equal(res.status, 500, res.text.slice(0, 300));
    assert.match(res.text, /<h1 class="govuk-heading-l">Sorry, there is a problem with the service<\/h1>/);
    assert.ok(!c.lastSetCookies.some((h) => h.startsWith(`${SESSION_COOKIE}=`)), `no session cookie: ${c.lastSetCookies}`);
    assert.equal(sql(`SELECT count(*) FROM login_sessions WHERE user_id = ${id}`), '0');
  }
  assert.ok(!stack.output().includes(email), 'her address is not in the log');
  // The failures were the service's, not wrong passwords: once it is back she signs in at once.
  sql(onPostgres ? 'DROP TRIGGER refuse_sign_in ON login_sessions; DROP FUNCTION refuse_sign_in()' : 'DROP TRIGGER refuse_sign_in');
  const res = await signIn(c, email, password);
  assert.equal(res.status, 303, res.text.slice(0, 300));
  assert.ok(c.cookie(SESSION_COOKIE), 'signed in');
  assert.equal((await c.get('/account')).status, 200);
});

test('weak passwords are refused wherever a password is set, saying why in plain words', async () => {
  await addUser(stack, { email: 'chief@example.org', name: 'Cy Chief', role: 'admin', password: 'amber-quiet-otter-2' });
  const admin = api(stack.base, await tokenFor(stack, 'chief@example.org'));
  const adminWeb = await loggedIn(stack, 'chief@example.org', 'amber-quiet-otter-2');
  const weak = {
    aaaaaaaaaa: /^The password reads the same backwards as forwards$/,
    sunflowers: /^The password is a word from the dictionary, or one with a few letters changed or numbers added/,
    abcdefghijkl: /^The password follows a simple pattern, like abcd, 1234 or qwerty$/,
  };
  // The command line.
  for (const [password, why] of Object.entries(weak)) {
    const r = await stack.cli(['user', 'add', '--email', 'cli-weak@example.org', '--name', 'Weak', '--role', 'analyst'], { input: `${password}\n` });
    assert.equal(r.code, 1, password);
    assert.match(r.stderr, new RegExp(`--password \\(stdin\\): ${why.source.slice(1, -1)}`), password);
  }
  assert.equal((await addUser(stack, { email: 'cli-weak@example.org', name: 'Weak', role: 'analyst', password: 'four unrelated words here' })).code, 0);
  // The API: create and reset.
  for (const [password, why] of Object.entries(weak)) {
    const r = await admin.post('/api/v1/users', { email: 'api-weak@example.org', name: 'Weak', role: 'analyst', password });
    assert.equal(r.status, 422, password);
    assert.equal(r.json.field, 'password');
    assert.match(r.json.error, why);
  }
  const made = await admin.post('/api/v1/users', { email: 'api-weak@example.org', name: 'Weak', role: 'analyst', password: 'tidal-pencil-marrow-3' });
  assert.equal(made.status, 201, made.text);
  const reset = await admin.put(`/api/v1/users/${made.json.id}`, { password: 'aaaaaaaaaa' });
  assert.equal(reset.status, 422);
  assert.equal(reset.json.field, 'password');
  // The admin's page.
  const form = await adminWeb.get('/admin/users/new');
  const page = await adminWeb.postForm('/admin/users/new', { csrf: adminWeb.csrfFrom(form.text), name: 'Web Weak', email: 'web-weak@example.org', role: 'analyst', org: '', password: 'sunflowers' });
  assert.equal(page.status, 400);
  assert.match(page.text, /<a href="#password">The password is a word from the dictionary/);
  assert.equal(sql("SELECT count(*) FROM users WHERE email IN ('web-weak@example.org') OR (email = 'api-weak@example.org' AND password_hash IS NULL)"), '0');
  // Your own change, on the page and through the API.
  const me = await loggedIn(stack, 'api-weak@example.org', 'tidal-pencil-marrow-3');
  const account = await me.get('/account');
  const own = await me.postForm('/account/password', { csrf: me.csrfFrom(account.text), current: 'tidal-pencil-marrow-3', new_password: 'aaaaaaaaaa' });
  assert.equal(own.status, 400);
  assert.match(own.text, /<a href="#new_password">Your new password reads the same backwards as forwards<\/a>/);
  const viaApi = await api(stack.base, await tokenFor(stack, 'api-weak@example.org')).post('/api/v1/me/password', { current: 'tidal-pencil-marrow-3', new_password: 'tidal-pencil-marrow-3' });
  assert.equal(viaApi.status, 422);
  assert.equal(viaApi.json.field, 'new_password');
  assert.match(viaApi.json.error, /^Your new password is the same as the current password$/);
  // A good passphrase goes through.
  const good = await me.postForm('/account/password', { csrf: me.csrfFrom(account.text), current: 'tidal-pencil-marrow-3', new_password: 'harbour lantern violet seven' });
  assert.equal(good.status, 303);
});

test('unsafe requests from another site are refused: Origin, or Referer without it, must be lantern\'s own address', async () => {
  const email = 'cross@example.org', password = 'cedar-quiet-otter-1';
  await addUser(stack, { email, name: 'Cy Cross', role: 'admin', password });
  const signInWith = async (headers) => {
    const c = new Client(stack.base);
    const form = await c.get('/login');
    const r = await c.postForm('/login', { email, password, csrf: c.csrfFrom(form.text) }, headers);
    return { r, c };
  };
  // A valid anonymous form token does not make a cross-site sign-in acceptable.
  let { r, c } = await signInWith({ Origin: 'https://evil.example' });
  assert.equal(r.status, 403);
  assert.equal(c.cookie(SESSION_COOKIE), undefined);
  assert.equal((await signInWith({ Origin: `${stack.base.replace('127.0.0.1', 'evil.example')}` })).r.status, 403, 'same port, other host');
  assert.equal((await signInWith({ Origin: stack.base.replace('http:', 'https:') })).r.status, 403, 'other scheme');
  assert.equal((await signInWith({ Origin: 'null' })).r.status, 403, 'an opaque origin, no Fetch Metadata');
  assert.equal((await signInWith({ Origin: 'null', 'Sec-Fetch-Site': 'cross-site' })).r.status, 403);
  assert.equal((await signInWith({ Origin: undefined, Referer: 'https://evil.example/page' })).r.status, 403, 'Referer when Origin is absent');
  // From our own pages it works: the right Origin (any case), our Referer, or (our pages send no
  // referrer, so browsers say "null") null with Sec-Fetch-Site: same-origin; and with neither header.
  for (const headers of [{ Origin: stack.base }, { Origin: stack.base.toUpperCase() }, { Origin: undefined, Referer: `${stack.base}/login` },
    { Origin: 'null', 'Sec-Fetch-Site': 'same-origin' }]) {
    ({ r, c } = await signInWith(headers));
    assert.equal(r.status, 303, JSON.stringify(headers));
    assert.ok(c.cookie(SESSION_COOKIE));
  }
  const bare = new Client(stack.base);
  const form = await bare.get('/login');
  const noHeaders = await fetch(`${stack.base}/login`, {
    method: 'POST', redirect: 'manual',
    headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ email, password, csrf: bare.csrfFrom(form.text) }),
  });
  assert.equal(noHeaders.status, 303, 'a program that sends neither header');

  // A signed-in browser's form post from another site is refused too, and changes nothing.
  const page = await c.get('/account');
  const made = await c.postForm('/account/tokens', { csrf: c.csrfFrom(page.text), token_name: 'from evil' }, { Origin: 'https://evil.example' });
  assert.equal(made.status, 403);
  assert.equal(sql("SELECT count(*) FROM api_tokens WHERE name = 'from evil'"), '0');
  // An API call with a bearer token is no browser's: exempt.
  const viaToken = await api(stack.base, await tokenFor(stack, email)).post('/api/v1/organisations',
    { name: 'Token Org', sector: 'health', area: 'essex' }, { Origin: 'https://evil.example' });
  assert.equal(viaToken.status, 201, viaToken.text);
});
