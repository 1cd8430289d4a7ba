// The foundation through the real stack: signing in and out, CSRF on every form, roles on every
// route, API tokens, limits and error answers, accounts and organisations administration.
import test, { before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startStack, Client, api, tokenFor, loggedIn, addUser, sqlite, SESSION_COOKIE } from './lib.mjs';

let stack;
const sql = (q) => sqlite(stack.dbPath, q);

before(async () => {
  stack = await startStack();
  const demo = await stack.cli(['demo']);
  assert.equal(demo.code, 0, demo.stderr);
});
after(async () => { await stack?.stop(); });

test('sign in, see the home page, sign out', async () => {
  const c = new Client(stack.base);
  const res = await c.login('admin@lantern.example');
  assert.equal(res.headers.get('location'), '/');
  const cookie = c.lastSetCookies.find((s) => s.startsWith(`${SESSION_COOKIE}=`));
  assert.ok(cookie, `a ${SESSION_COOKIE} cookie: ${c.lastSetCookies}`);
  assert.match(cookie, /HttpOnly/);
  assert.match(cookie, /Secure/);
  assert.match(cookie, /SameSite=Lax/);
  // What the __Host- prefix requires: Secure, Path=/ and no Domain.
  assert.match(cookie, /; Path=\/(;|$)/);
  assert.doesNotMatch(cookie, /Domain=/i);
  const home = await c.get('/');
  assert.equal(home.status, 200);
  assert.match(home.text, /Welcome, Alex Admin/);
  const out = await c.postForm('/logout', { csrf: c.csrfFrom(home.text) });
  assert.equal(out.status, 303);
  assert.equal(out.headers.get('location'), '/login');
  const after = await c.get('/');
  assert.equal(after.status, 303);
  assert.match(after.headers.get('location'), /^\/login\?next=/);
  // The old session cookie no longer works, even if replayed.
  const replay = await fetch(stack.base + '/', { headers: { Cookie: cookie.split(';')[0] }, redirect: 'manual' });
  assert.equal(replay.status, 303);
});

test('sign-in follows only local next addresses', async () => {
  const c = new Client(stack.base);
  const form = await c.get('/login?next=' + encodeURIComponent('//evil.example/x'));
  const res = await c.postForm('/login', { email: 'trainer@lantern.example', password: 'lantern-demo', csrf: c.csrfFrom(form.text), next: '//evil.example/x' });
  assert.equal(res.status, 303);
  assert.equal(res.headers.get('location'), '/');
});

test('a form POST without its CSRF token, or with another session\'s, is refused', async () => {
  const c = await loggedIn(stack, 'admin@lantern.example');
  const none = await c.postForm('/admin/organisations/new', { name: 'No Token Org', sector: 'health', area: 'essex' });
  assert.equal(none.status, 403);
  const other = await loggedIn(stack, 'admin@lantern.example');
  const otherToken = other.csrfFrom((await other.get('/')).text);
  const wrong = await c.postForm('/admin/organisations/new', { name: 'No Token Org', sector: 'health', area: 'essex', csrf: otherToken });
  assert.equal(wrong.status, 403);
  // The login form carries one too.
  const anon = new Client(stack.base);
  const bare = await anon.postForm('/login', { email: 'admin@lantern.example', password: 'lantern-demo' });
  assert.equal(bare.status, 403);
  // A cross-site request is refused even with a valid token.
  const page = await c.get('/admin/organisations/new');
  const cross = await c.postForm('/admin/organisations/new', { name: 'Cross Site Org', sector: 'health', area: 'essex', csrf: c.csrfFrom(page.text) }, { 'Sec-Fetch-Site': 'cross-site' });
  assert.equal(cross.status, 403);
  assert.equal(sql("SELECT count(*) FROM organisations WHERE name IN ('No Token Org', 'Cross Site Org')"), '0');
});

test('every role but admin gets 403 on admin pages; signed-out browsers go to the login page', async () => {
  for (const role of ['trainer', 'school', 'practitioner', 'campaign', 'analyst']) {
    const c = await loggedIn(stack, `${role}@lantern.example`);
    for (const path of ['/admin/users', '/admin/organisations', '/admin/users/new']) {
      assert.equal((await c.get(path)).status, 403, `${role} ${path}`);
    }
  }
  const admin = await loggedIn(stack, 'admin@lantern.example');
  assert.equal((await admin.get('/admin/users')).status, 200);
  const anon = await new Client(stack.base).get('/admin/users');
  assert.equal(anon.status, 303);
  assert.equal(anon.headers.get('location'), '/login?next=%2Fadmin%2Fusers');
});

test('API: 401 without or with a bad token, /api/v1/me with one, 403 for the wrong role', async () => {
  const none = await api(stack.base).get('/api/v1/me');
  assert.equal(none.status, 401);
  assert.ok(none.json.error);
  const bad = await api(stack.base, 'lt_not-a-real-token-at-all').get('/api/v1/me');
  assert.equal(bad.status, 401);
  const token = await tokenFor(stack, 'analyst@lantern.example');
  const me = await api(stack.base, token).get('/api/v1/me');
  assert.equal(me.status, 200);
  assert.deepEqual({ email: me.json.email, name: me.json.name, role: me.json.role },
    { email: 'analyst@lantern.example', name: 'Ari Analyst', role: 'analyst' });
  assert.match(me.headers.get('content-type'), /application\/json/);
  const forbidden = await api(stack.base, token).get('/api/v1/users');
  assert.equal(forbidden.status, 403);
  // Session cookies carry no authority on the API.
  const c = await loggedIn(stack, 'admin@lantern.example');
  assert.equal((await c.get('/api/v1/me')).status, 401);
});

test('unknown routes 404, wrong methods 405, oversized bodies 413, malformed bodies 400', async () => {
  const c = await loggedIn(stack, 'admin@lantern.example');
  const page = await c.get('/no/such/page');
  assert.equal(page.status, 404);
  assert.match(page.text, /Page not found/);
  const token = await tokenFor(stack, 'admin@lantern.example');
  const a = api(stack.base, token);
  const missing = await a.get('/api/v1/nothing-here');
  assert.equal(missing.status, 404);
  assert.ok(missing.json.error);
  assert.equal((await a.delete('/api/v1/me')).status, 405);
  const big = await a.post('/api/v1/users', { name: 'x'.repeat(300 * 1024) });
  assert.equal(big.status, 413);
  assert.ok(big.json.error);
  const broken = await a.request('POST', '/api/v1/users', undefined, { 'Content-Type': 'application/json' });
  assert.ok([400, 415].includes(broken.status));
  const notJson = await fetch(stack.base + '/api/v1/users', { method: 'POST', headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' }, body: '{"name": ' });
  assert.equal(notJson.status, 400);
  assert.deepEqual(Object.keys(await notJson.json()), ['error']);
});

test('admins create, change and deactivate users; errors name the field', async () => {
  const c = await loggedIn(stack, 'admin@lantern.example');
  const form = await c.get('/admin/users/new');
  const csrf = c.csrfFrom(form.text);
  const bad = await c.postForm('/admin/users/new', { csrf, name: '', email: 'not-an-email', role: 'practitioner', org: '', password: 'short' });
  assert.equal(bad.status, 400);
  for (const id of ['name', 'email', 'org', 'password']) assert.match(bad.text, new RegExp(`href="#${id}"`), id);
  assert.match(bad.text, /There is a problem/);
  const ok = await c.postForm('/admin/users/new', { csrf, name: 'Nadia Nurse', email: 'nadia@example.org', role: 'practitioner', org: '2', password: 'a-long-enough-password' });
  assert.equal(ok.status, 303);
  const id = sql("SELECT id FROM users WHERE email = 'nadia@example.org'");
  assert.equal(sql(`SELECT count(*) FROM audit_log WHERE entity = 'user' AND entity_id = '${id}' AND action = 'create'`), '1');
  const nadia = await loggedIn(stack, 'nadia@example.org', 'a-long-enough-password');
  assert.equal((await nadia.get('/')).status, 200);
  // Deactivation signs her out everywhere and stops her signing in.
  const edit = await c.get(`/admin/users/${id}`);
  const off = await c.postForm(`/admin/users/${id}`, { csrf: c.csrfFrom(edit.text), name: 'Nadia Nurse', email: 'nadia@example.org', role: 'practitioner', org: '2', active: '0', password: '' });
  assert.equal(off.status, 303);
  assert.equal((await nadia.get('/')).status, 303);
  const again = new Client(stack.base);
  const lf = await again.get('/login');
  const denied = await again.postForm('/login', { email: 'nadia@example.org', password: 'a-long-enough-password', csrf: again.csrfFrom(lf.text) });
  assert.equal(denied.status, 403);
  // The API names the field too.
  const a = api(stack.base, await tokenFor(stack, 'admin@lantern.example'));
  const dup = await a.post('/api/v1/users', { email: 'nadia@example.org', name: 'Dup', role: 'analyst', password: 'a-long-enough-password' });
  assert.equal(dup.status, 422);
  assert.equal(dup.json.field, 'email');
  const school = await a.post('/api/v1/users', { email: 'head@example.org', name: 'Head', role: 'school', school: '123456', password: 'a-long-enough-password' });
  assert.equal(school.status, 422);
  assert.equal(school.json.field, 'school');
});

test('organisations: create with validation, list through the API', async () => {
  const a = api(stack.base, await tokenFor(stack, 'admin@lantern.example'));
  const bad = await a.post('/api/v1/organisations', { name: 'Basildon Women\'s Aid', sector: 'charity', area: 'basildon' });
  assert.equal(bad.status, 422);
  assert.equal(bad.json.field, 'sector');
  const ok = await a.post('/api/v1/organisations', { name: 'Basildon Women\'s Aid', sector: 'voluntary', area: 'basildon' });
  assert.equal(ok.status, 201);
  const list = await a.get('/api/v1/organisations');
  assert.ok(list.json.some((o) => o.name === 'Basildon Women\'s Aid' && o.sector === 'voluntary'));
});

test('your account: change password (other sessions end) and manage API tokens', async () => {
  await addUser(stack, { email: 'tok@example.org', name: 'Tok', role: 'campaign', password: 'first-password-1' });
  const c = await loggedIn(stack, 'tok@example.org', 'first-password-1');
  const other = await loggedIn(stack, 'tok@example.org', 'first-password-1');
  let page = await c.get('/account');
  const wrong = await c.postForm('/account/password', { csrf: c.csrfFrom(page.text), current: 'nope-nope-nope', new_password: 'second-password-2' });
  assert.equal(wrong.status, 400);
  assert.match(wrong.text, /href="#current"/);
  const changed = await c.postForm('/account/password', { csrf: c.csrfFrom(page.text), current: 'first-password-1', new_password: 'second-password-2' });
  assert.equal(changed.status, 303);
  assert.equal((await other.get('/account')).status, 303, 'the other browser is signed out');
  assert.equal((await c.get('/account')).status, 200, 'this browser stays signed in');
  page = await c.get('/account');
  const made = await c.postForm('/account/tokens', { csrf: c.csrfFrom(page.text), token_name: 'reach export' });
  assert.equal(made.status, 200);
  const token = made.text.match(/<code class="lantern-token">([^<]+)<\/code>/)[1];
  assert.equal((await api(stack.base, token).get('/api/v1/me')).json.email, 'tok@example.org');
  const tokenId = sql("SELECT t.id FROM api_tokens t JOIN users u ON u.id = t.user_id WHERE u.email = 'tok@example.org' AND t.name = 'reach export'");
  page = await c.get('/account');
  const revoked = await c.postForm(`/account/tokens/${tokenId}/revoke`, { csrf: c.csrfFrom(page.text) });
  assert.equal(revoked.status, 303);
  assert.equal((await api(stack.base, token).get('/api/v1/me')).status, 401);
  // Only hashes are stored.
  assert.equal(sql(`SELECT count(*) FROM api_tokens WHERE token_hash LIKE '%${token.slice(3, 20)}%'`), '0');
});

test('/healthz answers from the database; pages are not cached', async () => {
  const r = await fetch(stack.base + '/healthz');
  assert.equal(r.status, 200);
  assert.equal(await r.text(), 'ok\n');
  const login = await fetch(stack.base + '/login');
  assert.equal(login.headers.get('cache-control'), 'no-store');
});

test('the server log names routes, never emails, codes or query strings', async () => {
  const c = await loggedIn(stack, 'practitioner@lantern.example');
  await c.get('/login?next=%2Fsecret-thing&email=practitioner%40lantern.example');
  await c.get('/admin/users/999'); // a concrete path with an id
  const log = stack.output();
  assert.match(log, /GET \/login 200/);
  assert.match(log, /GET \/admin\/users\/\{\} 403/);
  assert.doesNotMatch(log, /practitioner@lantern\.example/);
  assert.doesNotMatch(log, /secret-thing/);
  assert.doesNotMatch(log, /\/admin\/users\/999/);
});
