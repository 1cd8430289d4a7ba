// postgres.mjs — PostgreSQL for the HTTP tests: with LANTERN_TEST_DB=postgresql every stack keeps its
// data in a fresh database of a throwaway cluster, made from Debian's packages (initdb, pg_ctl) in a
// temporary directory, with no system service.
//
// One cluster serves a whole run: `node tests/http/postgres.mjs COMMAND...` starts it, runs COMMAND
// with LANTERN_TEST_DB=postgresql and LANTERN_TEST_PG (the cluster's address), and removes it (make
// check's second pass does this). A test file run on its own with LANTERN_TEST_DB=postgresql and no
// LANTERN_TEST_PG starts a cluster of its own, removed when it exits.
//
// initdb refuses to run as root, so as root the cluster runs as nobody; it listens on a Unix socket in
// its own directory only, where any local user may connect as its owner, lantern (trust: a test
// cluster). Durability is not what these tests test, so it runs with fsync off.

import { execFileSync, spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** True when the tests run on PostgreSQL (LANTERN_TEST_DB=postgresql). */
export const onPostgres = process.env.LANTERN_TEST_DB === 'postgresql';

/** The advisory locks of app/db_pg.c: LOCK_WRITE, which every writer takes, and LOCK_DUTY, which the
 * process doing the background duties holds. */
export const WRITE_LOCK = '1818324596, 1';
export const DUTY_LOCK = '1818324596, 2';

const PORT = 5432; // the socket's name only: the cluster has no TCP listener, so any number will do
const USER = 'lantern';

/** Where Debian keeps a PostgreSQL program: pg_config's bindir, or the newest /usr/lib/postgresql. */
function pgProgram(name) {
  const dirs = [];
  try {
    dirs.push(execFileSync('pg_config', ['--bindir'], { encoding: 'utf8' }).trim());
  } catch { /* libpq-dev not installed */ }
  const debian = '/usr/lib/postgresql';
  if (fs.existsSync(debian)) {
    for (const v of fs.readdirSync(debian).sort((a, b) => Number(b) - Number(a))) dirs.push(path.join(debian, v, 'bin'));
  }
  const found = dirs.map((d) => path.join(d, name)).find((p) => fs.existsSync(p));
  if (!found) throw new Error(`PostgreSQL's ${name} not found: apt-get install postgresql (make deps does)`);
  return found;
}

/** The command that runs a PostgreSQL server program as the cluster's owner: nobody when we are root. */
export function ownerCommand(program, args) {
  return process.getuid() === 0
    ? ['setpriv', ['--reuid=nobody', '--regid=nogroup', '--clear-groups', '--reset-env', pgProgram(program), ...args]]
    : [pgProgram(program), args];
}

/** Runs a PostgreSQL server program as the cluster's owner; returns what it prints. */
export function asOwner(program, args) {
  const [cmd, argv] = ownerCommand(program, args);
  return execFileSync(cmd, argv, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], cwd: '/' });
}

/** The URI of database `name` (the maintenance database postgres by default) on the cluster of `uri`. */
export function databaseUri(uri, name = 'postgres') {
  const m = uri.match(/^(postgres(?:ql)?:\/\/[^/?]*)(?:\/[^?]*)?(\?.*)?$/);
  if (!m) throw new Error(`not a PostgreSQL URI: ${uri}`);
  return `${m[1]}/${name}${m[2] ?? ''}`;
}

/** The name of the database `uri` names. */
function databaseName(uri) {
  return uri.match(/^postgres(?:ql)?:\/\/[^/?]*\/([^?]*)/)[1];
}

/** Starts a cluster in a new temporary directory; returns { server, stop() }, server the URI of its
 * maintenance database. */
export function startCluster() {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lantern-pg-'));
  if (process.getuid() === 0) fs.chownSync(dir, 65534, 65534); // nobody:nogroup
  const data = path.join(dir, 'data');
  try {
    asOwner('initdb', ['-D', data, '-U', USER, '--auth=trust', '--encoding=UTF8', '--locale=C', '--no-sync']);
    asOwner('pg_ctl', ['-D', data, '-l', path.join(dir, 'log'), '-w', '-t', '60', '-o',
      `-k ${dir} -p ${PORT} -c listen_addresses='' -c fsync=off -c full_page_writes=off -c max_connections=400`,
      'start']);
  } catch (err) {
    let log = '';
    try { log = fs.readFileSync(path.join(dir, 'log'), 'utf8'); } catch { /* none yet */ }
    fs.rmSync(dir, { recursive: true, force: true });
    throw new Error(`cannot start a PostgreSQL cluster: ${err.stderr || err.message}\n${log}`);
  }
  const server = `postgresql://${USER}@/postgres?host=${encodeURIComponent(dir)}&port=${PORT}`;
  let stopped = false;
  return {
    server,
    stop() {
      if (stopped) return;
      stopped = true;
      try {
        asOwner('pg_ctl', ['-D', data, '-m', 'immediate', '-w', 'stop']);
      } catch { /* already gone */ }
      fs.rmSync(dir, { recursive: true, force: true, maxRetries: 2 });
    },
  };
}

/** The server's log file, on a cluster startCluster made (it keeps the log beside its socket, in the
 * directory the URI's host names). */
export function serverLog(uri) {
  return path.join(decodeURIComponent(uri.match(/[?&]host=([^&]*)/)[1]), 'log');
}

/** psql's arguments to run `query` on `uri` (or, without one, what comes on its input) and print the
 * rows as the sqlite3 shell does: fields joined by |, a row a line, nothing else. */
export function psqlArgs(uri, query) {
  const args = ['-X', '-A', '-t', '-q', '-v', 'ON_ERROR_STOP=1', '-d', uri];
  return query === undefined ? args : [...args, '-c', query];
}

/** Runs SQL on `uri` with psql; returns what it prints (psqlArgs), trimmed. */
export function psql(uri, query) {
  return execFileSync('psql', psqlArgs(uri, query), { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }).trim();
}

/** The connection holding the background duty (app/db_pg.c's LOCK_DUTY) on the database of `uri`, or
 * undefined: { backend, pid }, its server process and the lantern process it serves, from its
 * application name ("lantern PID"). */
export function dutyHolder(uri) {
  const row = psql(uri, `SELECT a.pid, a.application_name FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid
    WHERE l.locktype = 'advisory' AND l.granted AND (l.classid, l.objid) = (${DUTY_LOCK})
    AND l.database = (SELECT oid FROM pg_database WHERE datname = current_database())`);
  const m = row.match(/^(\d+)\|lantern (\d+)$/);
  return m ? { backend: Number(m[1]), pid: Number(m[2]) } : undefined;
}

/** The pid of the lantern process holding the background duty on the database of `uri`, or undefined. */
export function dutyHolderPid(uri) {
  return dutyHolder(uri)?.pid;
}

// ---------------------------------------------------------------------------
// The cluster of this run, and a database per stack.

let own = null; // a cluster this process started, when no LANTERN_TEST_PG was given
const made = new Set(); // databases this process made and has not dropped

function server() {
  if (process.env.LANTERN_TEST_PG) return process.env.LANTERN_TEST_PG;
  if (!own) {
    own = startCluster();
    process.on('exit', () => own.stop());
  }
  return own.server;
}

process.on('exit', () => {
  if (own || made.size === 0) return; // the cluster goes whole
  for (const uri of made) dropDatabase(uri);
});

let count = 0;

/** A new, empty database for a stack; resolves its URI. */
export function createDatabase() {
  const name = `lantern_${process.pid}_${++count}`;
  psql(databaseUri(server()), `CREATE DATABASE ${name}`);
  const uri = databaseUri(server(), name);
  made.add(uri);
  return uri;
}

/** Drops a database createDatabase made (its connections ended first). */
export function dropDatabase(uri) {
  const name = databaseName(uri);
  try {
    psql(databaseUri(uri), `DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
  } catch { /* the cluster is gone */ }
  made.delete(uri);
}

// `node tests/http/postgres.mjs COMMAND...`: COMMAND with one cluster for all its tests.
if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const [cmd, ...args] = process.argv.slice(2);
  if (!cmd) {
    console.error('usage: node tests/http/postgres.mjs COMMAND [ARGS...]');
    process.exit(2);
  }
  const cluster = startCluster();
  const child = spawn(cmd, args, {
    stdio: 'inherit',
    env: { ...process.env, LANTERN_TEST_DB: 'postgresql', LANTERN_TEST_PG: cluster.server },
  });
  for (const sig of ['SIGINT', 'SIGTERM']) process.on(sig, () => child.kill(sig));
  child.on('exit', (code, signal) => {
    cluster.stop();
    process.exit(code ?? 128 + (os.constants.signals[signal] ?? 0));
  });
}
