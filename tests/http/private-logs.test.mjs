// No log keeps a request line (issue 12): after a run that used survey and placement codes, next=
// values, API tokens and e-mail addresses, in paths and query strings, and that made nginx refuse
// or fail requests carrying them (413, 429, 500, 502, 504), none of them is in any file under the
// data directory but the database, nor in what nginx and the app printed.
import test, { after, before } from 'node:test';
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { api, Client, sqlite, startStack, tokenFor } from './lib.mjs';
import { BIG_FORM_FIELD, oversized, withAppStopped, withBodyTempClosed, withSocketsAway } from './provoke.mjs';

let stack;
before(async () => {
  stack = await startStack({ demo: true, scanRate: '1r/m', scanBurst: 1, args: ['--upstream-timeout', '2'] });
});
after(async () => {
  if (stack) await stack.stop();
});

/** Every regular file under dir except the database and its companions. */
function filesToSearch(dir) {
  const out = [];
  for (const entry of fs.readdirSync(dir, { withFileTypes: true, recursive: true })) {
    const file = path.join(entry.path ?? entry.parentPath, entry.name);
    if (entry.isFile() && !/^lantern\.db(-wal|-shm|-journal)?$/.test(entry.name)) out.push(file);
  }
  return out;
}

test('no log keeps codes, next= values, tokens or e-mail addresses, even of refused or failed requests', async () => {
  const mark = crypto.randomBytes(4).toString('hex');
  const email = `leak-${mark}@example.org`;
  const next = `/sessions?leak=${mark}n`;
  const survey = sqlite(stack.dbPath, 'SELECT code FROM survey_runs ORDER BY id LIMIT 1');
  const placement = sqlite(stack.dbPath, 'SELECT code FROM placements ORDER BY id LIMIT 1');
  const token = await tokenFor(stack, 'admin@lantern.example');
  const bogusToken = `lt_${mark}bogus`;
  assert.ok(survey && placement, 'the demo has a survey run and a placement');
  const secrets = { email, next, survey, placement, token, bogusToken, 'admin e-mail': 'admin@lantern.example' };

  // Ordinary use.
  const c = new Client(stack.base);
  assert.equal((await c.get(`/login?next=${encodeURIComponent(next)}`)).status, 200);
  const form = await c.get('/login');
  await c.postForm('/login', { email, password: 'wrong-password', csrf: c.csrfFrom(form.text) });
  await c.login('admin@lantern.example');
  const admin = api(stack.base, token);
  assert.equal((await admin.get(`/api/v1/sessions?email=${encodeURIComponent(email)}`)).status, 200);
  assert.equal((await api(stack.base, bogusToken).get('/api/v1/me')).status, 401);
  assert.ok((await c.get(`/s/${survey}`)).status < 500); // the demo's runs may have closed: 410 is as good
  for (let i = 0; i < 2; i++) assert.notEqual((await c.get(`/c/${placement}?e=${encodeURIComponent(email)}`)).status, 429);

  // Refused and failed, each carrying the secrets in its request line and headers.
  const query = `?next=${encodeURIComponent(next)}&email=${encodeURIComponent(email)}`;
  assert.equal((await oversized(stack.port, `/s/${survey}${query}`, `Authorization: Bearer ${token}\n`)).status, 413);
  assert.equal((await c.get(`/c/${placement}${query}`)).status, 429);
  const failed = await withBodyTempClosed(stack, () => c.postForm(`/s/${survey}${query}`, { email, pad: BIG_FORM_FIELD }));
  assert.equal(failed.status, 500);
  assert.equal((await withSocketsAway(stack, () => c.get(`/s/${survey}${query}`))).status, 502);
  assert.equal((await withAppStopped(stack, () => admin.get(`/api/v1/me${query}`))).status, 504);

  // nginx did keep a record of what it refused, without the request.
  const failures = fs.readFileSync(path.join(stack.dataDir, 'nginx', 'logs', 'failures.log'), 'utf8');
  for (const status of [413, 429, 500, 502, 504]) {
    assert.match(failures, new RegExp(`^\\S+ ${status} \\w+ upstream=`, 'm'), `no ${status} line in failures.log:\n${failures}`);
  }

  const files = filesToSearch(stack.dataDir);
  assert.ok(files.some((f) => f.endsWith('error.log')), `no nginx error log among ${files}`);
  const where = [...files.map((f) => [f, fs.readFileSync(f, 'latin1')]), ['the stack\'s output', stack.output()]];
  const leaks = [];
  for (const [name, text] of where) {
    for (const [what, value] of Object.entries(secrets)) {
      if (text.includes(value) || text.includes(encodeURIComponent(value))) leaks.push(`${what} in ${name}`);
    }
    // The client's address (nginx.conf's listen line and the ready line name the server's own).
    if (!name.endsWith('nginx.conf') && /127\.0\.0\.1/.test(text.replace(/serving https?:\/\/127\.0\.0\.1/g, ''))) {
      leaks.push(`a client address in ${name}`);
    }
  }
  assert.deepEqual(leaks, []);
});
