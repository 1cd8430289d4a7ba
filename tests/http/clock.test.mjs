// The test clock (app/clock.c) exists only in test builds: bin/lantern, the production program,
// reads the system clock whatever LANTERN_NOW or LANTERN_CLOCK_FILE say, in its commands and in
// its server. The test build that runs the other HTTP tests honours each of them.
import test, { after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { Client, LANTERN, ROOT, addUser, sqlite, startStack, tempDataDir } from './lib.mjs';

const PRODUCTION = path.join(ROOT, 'bin', 'lantern');
const FAR = 4102444800; // 2100-01-01T00:00:00Z
const dir = tempDataDir();
const clockFile = path.join(dir, 'now');
fs.writeFileSync(clockFile, String(FAR));
const bothClocks = { LANTERN_NOW: String(FAR), LANTERN_CLOCK_FILE: clockFile };
const sql = (db, q) => sqlite(db, q);
const nowSeconds = () => Math.floor(Date.now() / 1000);

// `bin --db db user add` for email under env (throwing if it fails); the user's created_at.
function userCreatedAt(bin, db, email, env) {
  execFileSync(bin, ['--db', db, 'user', 'add', '--email', email, '--name', 'Clock Test', '--role', 'admin'],
    { input: 'lantern-test-password\n', env: { ...process.env, ...env }, encoding: 'utf8' });
  return Number(sql(db, `SELECT created_at FROM users WHERE email = '${email}'`));
}

test('bin/lantern is a production build: no test clock in its --help', () => {
  const prod = execFileSync(PRODUCTION, ['--help'], { encoding: 'utf8' });
  assert.doesNotMatch(prod, /test build/);
});

test('the production commands ignore LANTERN_NOW and LANTERN_CLOCK_FILE', async () => {
  const db = path.join(dir, 'cli.db');
  execFileSync(PRODUCTION, ['--db', db, 'init'], { encoding: 'utf8' });
  const before = nowSeconds();
  const created = userCreatedAt(PRODUCTION, db, 'prod@example.org', bothClocks);
  assert.ok(created >= before - 1 && created <= nowSeconds() + 1, `created_at ${created} is not now`);
});

test('the test build honours each of them (so the check above can fail)', async (t) => {
  const help = execFileSync(LANTERN, ['--help'], { encoding: 'utf8' });
  if (!/test build/.test(help)) return t.skip(`${LANTERN} is not a test build`);
  const db = path.join(dir, 'test-build.db');
  execFileSync(LANTERN, ['--db', db, 'init'], { encoding: 'utf8' });
  assert.equal(userCreatedAt(LANTERN, db, 'pinned@example.org', { LANTERN_NOW: String(FAR) }), FAR);
  assert.equal(userCreatedAt(LANTERN, db, 'moved@example.org', { LANTERN_CLOCK_FILE: clockFile }), FAR);
});

test('the production server ignores them: a login made through it is dated now', async () => {
  const stack = await startStack({ env: { LANTERN_BIN: PRODUCTION, ...bothClocks } });
  after(() => stack.stop());
  await addUser(stack, { email: 'login@example.org', role: 'admin' });
  const before = nowSeconds();
  await new Client(stack.base).login('login@example.org', 'lantern-test-password');
  const created = Number(sql(stack.dbPath, "SELECT max(l.created_at) FROM login_sessions l JOIN users u ON u.id = l.user_id"
    + " WHERE u.email = 'login@example.org'"));
  assert.ok(created >= before - 1 && created <= nowSeconds() + 1, `login created_at ${created} is not now`);
});
