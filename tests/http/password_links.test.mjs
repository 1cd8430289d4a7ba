// Forgotten passwords and invitations (issue 14): a single-use link by e-mail through the outbox,
// which expires (1 hour for a reset, 7 days for an invitation); the request answers the same for an
// address with no account; a reset ends the person's other sessions and API tokens. The server's
// clock is moved through LANTERN_CLOCK_FILE.
import test, { before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startStack, api, tokenFor, loggedIn, sqlite, Client, csrfFrom, SESSION_COOKIE } from './lib.mjs';

const clockFile = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'lantern-clock-')), 'now');
const T0 = Math.floor(Date.now() / 1000);
const setClock = (t) => fs.writeFileSync(clockFile, String(t));
setClock(T0);

let stack, admin;
const sql = (q) => sqlite(stack.dbPath, q);
const mails = (email) => sql(`SELECT count(*) FROM outbox WHERE to_email = '${email}'`);
// The link in the newest e-mail to `email`, as a path.
function linkIn(email) {
  const body = sql(`SELECT body FROM outbox WHERE to_email = '${email}' ORDER BY id DESC LIMIT 1`);
  const m = body.match(/https?:\/\/\S+\/password\/set\/[A-Za-z0-9_-]+/);
  assert.ok(m, `no link in: ${body}`);
  return new URL(m[0]).pathname;
}

async function person(email, password = 'old-cobalt-lantern-7') {
  const r = await admin.post('/api/v1/users', { email, name: 'Pat Reset', role: 'practitioner', org: '3', password });
  assert.equal(r.status, 201, JSON.stringify(r.json));
  return password;
}

async function askForLink(client, email) {
  const form = await client.get('/password/forgotten');
  assert.equal(form.status, 200);
  const res = await client.postForm('/password/forgotten', { email, csrf: csrfFrom(form.text) });
  const page = res.status === 303 ? await client.get(res.headers.get('location')) : res;
  return { status: res.status, location: res.headers.get('location'), text: page.text };
}

async function choose(client, linkPath, password) {
  const page = await client.get(linkPath);
  if (page.status !== 200) return page;
  return client.postForm(linkPath, { new_password: password, csrf: csrfFrom(page.text) });
}

before(async () => {
  stack = await startStack({ env: { LANTERN_CLOCK_FILE: clockFile }, demo: true });
  admin = api(stack.base, await tokenFor(stack, 'admin@lantern.example'));
});
after(async () => {
  await stack?.stop();
  fs.rmSync(path.dirname(clockFile), { recursive: true, force: true });
});

test('a forgotten password is reset once through the e-mailed link, ending every other way in', async () => {
  setClock(T0);
  const email = 'forgetful@example.org';
  const old = await person(email);
  const otherBrowser = await loggedIn(stack, email, old);
  const token = await tokenFor(stack, email);
  assert.equal((await api(stack.base, token).get('/api/v1/me')).status, 200);

  const phone = new Client(stack.base);
  assert.match((await phone.get('/login')).text, /<a class="govuk-link" href="\/password\/forgotten">Forgotten your password\?<\/a>/);
  const asked = await askForLink(phone, email);
  assert.equal(asked.status, 303);
  assert.match(asked.text, /If an account uses that address, we have sent it a link/);
  assert.equal(mails(email), '1');
  const link = linkIn(email);
  assert.equal(sql(`SELECT count(*) FROM password_links WHERE token_hash = '${link.split('/').pop()}'`), '0', 'only a hash is kept');

  // A weak password is refused, naming the field; the link still works after that.
  const weak = await choose(phone, link, 'password1');
  assert.equal(weak.status, 400);
  assert.match(weak.text, /href="#new_password"/);
  const done = await choose(phone, link, 'brass-heron-quietly-9');
  assert.equal(done.status, 303, done.text.slice(0, 300));
  assert.equal(done.headers.get('location'), '/');
  assert.ok(phone.cookie(SESSION_COOKIE), 'signed in by the reset');
  assert.equal((await phone.get('/account')).status, 200);

  // The old password, the other browser and the API token no longer work; the link is spent.
  const again = new Client(stack.base);
  const form = await again.get('/login');
  assert.equal((await again.postForm('/login', { email, password: old, csrf: csrfFrom(form.text) })).status, 401);
  await loggedIn(stack, email, 'brass-heron-quietly-9');
  assert.equal((await otherBrowser.get('/account')).status, 303);
  assert.equal((await api(stack.base, token).get('/api/v1/me')).status, 401);
  const reused = await choose(new Client(stack.base), link, 'another-brass-heron-4');
  assert.equal(reused.status, 410);
  assert.match(reused.text, /expired or has already been used/);
  assert.match(sql(`SELECT action FROM audit_log WHERE entity = 'user' AND entity_id = (SELECT CAST(id AS TEXT) FROM users WHERE email = '${email}') ORDER BY id DESC LIMIT 1`), /password-reset/);
});

test('the request answers the same whether or not an account uses the address', async () => {
  setClock(T0);
  await person('known@example.org');
  const known = await askForLink(new Client(stack.base), 'known@example.org');
  const unknown = await askForLink(new Client(stack.base), 'nobody-here@example.org');
  assert.equal(unknown.status, known.status);
  assert.equal(unknown.location, known.location);
  const strip = (t) => t.replace(/name="csrf" value="[^"]*"/g, '');
  assert.equal(strip(unknown.text), strip(known.text));
  assert.equal(mails('known@example.org'), '1');
  assert.equal(mails('nobody-here@example.org'), '0');
  // Asking again within five minutes sends nothing more, but answers the same.
  const twice = await askForLink(new Client(stack.base), 'known@example.org');
  assert.equal(strip(twice.text), strip(known.text));
  assert.equal(mails('known@example.org'), '1');
  // A malformed address is an error on its field.
  const bad = await askForLink(new Client(stack.base), 'not-an-address');
  assert.equal(bad.status, 400);
  assert.match(bad.text, /href="#email"/);
});

test('a reset link expires after an hour', async () => {
  setClock(T0);
  const email = 'slow-reader@example.org';
  await person(email);
  await askForLink(new Client(stack.base), email);
  const link = linkIn(email);
  setClock(T0 + 3601);
  const late = await new Client(stack.base).get(link);
  assert.equal(late.status, 410);
  const post = await choose(new Client(stack.base), link, 'brass-heron-quietly-9');
  assert.equal(post.status, 410);
  setClock(T0);
});

test('an account an admin makes without a password gets an invitation to choose one', async () => {
  setClock(T0);
  const email = 'invited@example.org';
  const r = await admin.post('/api/v1/users', { email, name: 'Ivy Invited', role: 'practitioner', org: '3' });
  assert.equal(r.status, 201, JSON.stringify(r.json));
  assert.equal(mails(email), '1');
  assert.match(sql(`SELECT subject FROM outbox WHERE to_email = '${email}'`), /choose your password/);
  const link = linkIn(email);
  const phone = new Client(stack.base);
  const page = await phone.get(link);
  assert.match(page.text, /<h1 class="govuk-heading-l">Choose your password<\/h1>/);
  // Still good six days later.
  setClock(T0 + 6 * 86400);
  const done = await choose(phone, link, 'amber-finch-rowing-3');
  assert.equal(done.status, 303, done.text.slice(0, 300));
  assert.equal((await phone.get('/account')).status, 200);
  setClock(T0);
  await loggedIn(stack, email, 'amber-finch-rowing-3');

  // From the admin's page, a blank password invites too; an invitation expires after 7 days.
  const adminWeb = await loggedIn(stack, 'admin@lantern.example');
  const form = await adminWeb.get('/admin/users/new');
  const made = await adminWeb.postForm('/admin/users/new', { csrf: csrfFrom(form.text), email: 'invited-web@example.org', name: 'Web Invited', role: 'analyst', org: '', school: '', password: '' });
  assert.equal(made.status, 303, made.text.slice(0, 400));
  assert.equal(mails('invited-web@example.org'), '1');
  setClock(T0 + 7 * 86400 + 1);
  assert.equal((await new Client(stack.base).get(linkIn('invited-web@example.org'))).status, 410);
  setClock(T0);

  // From the command line: --invite reads no password and e-mails the link, written with the public
  // address it is given.
  const add = ['user', 'add', '--email', 'invited-cli@example.org', '--name', 'Cli Invited', '--role', 'analyst', '--invite'];
  const noAddress = await stack.cli(add);
  assert.equal(noAddress.code, 2);
  assert.match(noAddress.stderr, /--invite needs --base-url/);
  assert.equal(sql("SELECT count(*) FROM users WHERE email = 'invited-cli@example.org'"), '0');
  const cli = await stack.cli([...add, '--base-url', stack.base]);
  assert.equal(cli.code, 0, cli.stderr);
  assert.match(cli.stdout, /^added user \d+ invited-cli@example\.org, invited by e-mail$/m);
  assert.equal(mails('invited-cli@example.org'), '1');
  const cliPerson = new Client(stack.base);
  const chosen = await choose(cliPerson, linkIn('invited-cli@example.org'), 'velvet-otter-harbour-5');
  assert.equal(chosen.status, 303, chosen.text.slice(0, 300));
  await loggedIn(stack, 'invited-cli@example.org', 'velvet-otter-harbour-5');
});
