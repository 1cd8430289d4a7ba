// Files only the application can read (issue 12): the database, its -wal and -shm (where the server
// key lives, in the secrets table) and backups are mode 0600 whatever the umask, and user nobody,
// which nginx's workers run as, cannot open them although it can reach the data directory.
import test, { after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { api, LANTERN, onPostgres, startStack, tempDataDir, tokenFor } from './lib.mjs';

// The modes of SQLite's files: on PostgreSQL the data is the server's, in its own directory.
const sqliteOnly = { skip: onPostgres && 'SQLite files only' };

const stacks = [];
after(async () => {
  for (const s of stacks) await s.stop();
});

const isRoot = process.getuid() === 0;
const AS_NOBODY = ['--reuid=nobody', '--regid=nogroup', '--clear-groups'];

/** Runs bin/lantern under umask 000, as a careless operator's shell might. */
function lanternUmask000(args) {
  const r = spawnSync('sh', ['-c', 'umask 000; exec "$@"', 'sh', LANTERN, ...args], { encoding: 'utf8' });
  assert.equal(r.status, 0, `lantern ${args.join(' ')}: ${r.stderr}`);
}

function asNobody(...argv) {
  return spawnSync('setpriv', [...AS_NOBODY, ...argv], { encoding: 'utf8' });
}

const mode = (file) => fs.statSync(file).mode & 0o777;

/** The file is the owner's alone, and (as root) user nobody can see it but not open it. */
function assertPrivate(file) {
  assert.equal(mode(file).toString(8), '600', `mode of ${path.basename(file)}`);
  if (!isRoot) return;
  // The directory is open to nobody (as nginx/run leaves it for the workers): only the mode protects the file.
  assert.equal(asNobody('test', '-e', file).status, 0, `nobody cannot even see ${file}: the check proves nothing`);
  const read = asNobody('cat', file);
  assert.notEqual(read.status, 0, `user nobody read ${file}`);
  assert.match(read.stderr, /Permission denied/);
}

test('database, WAL, SHM and backups are 0600 whatever the umask; user nobody cannot open them', sqliteOnly, async () => {
  const dataDir = tempDataDir();
  fs.chmodSync(dataDir, 0o755);
  const db = path.join(dataDir, 'lantern.db');
  lanternUmask000(['--db', db, 'init']);
  assert.equal(mode(db).toString(8), '600', 'lantern init under umask 000');

  const stack = await startStack({ dataDir, demo: true });
  stacks.push(stack);
  const admin = api(stack.base, await tokenFor(stack, 'admin@lantern.example'));
  assert.equal((await admin.get('/api/v1/me')).status, 200);
  // Still there after the command-line runs above closed their connections: the server's locks held
  // (making files private must never open and close the database beside SQLite's own descriptors).
  assert.ok(fs.existsSync(`${db}-wal`) && fs.existsSync(`${db}-shm`), 'the running server lost its WAL');
  for (const file of [db, `${db}-wal`, `${db}-shm`]) assertPrivate(file);

  if (isRoot) {
    // The issue's own command: before, it printed the HMAC key.
    const r = spawnSync('setpriv', ['--reuid=nobody', '--regid=nogroup', 'sqlite3', db, 'select * from secrets'], { encoding: 'utf8' });
    assert.notEqual(r.status, 0, `nobody read the secrets: ${r.stdout}`);
    assert.equal(r.stdout, '');
  }

  const copy = path.join(dataDir, 'copy.db');
  lanternUmask000(['--db', db, 'backup', copy]);
  assertPrivate(copy);
});

test('a database left readable by an earlier version is made private when the app opens it', sqliteOnly, async () => {
  const dataDir = tempDataDir();
  const db = path.join(dataDir, 'lantern.db');
  lanternUmask000(['--db', db, 'init']);
  fs.chmodSync(db, 0o644);
  fs.writeFileSync(`${db}-shm`, ''); // a companion from an older run, as loose as the database was
  fs.chmodSync(`${db}-shm`, 0o644);
  const stack = await startStack({ dataDir });
  stacks.push(stack);
  assert.equal((await fetch(`${stack.base}/healthz`)).status, 200);
  for (const file of [db, `${db}-shm`]) assertPrivate(file);
});
