// nginx/install for PostgreSQL and several application hosts (--dest: into a scratch directory): the
// unit runs lantern on the URI of --db with its password only in /etc/lantern/pgpass (0600) and no
// SQLite backup timer; an application host (--app-listen, --web-server) listens on TCP for the nginx
// machines alone and has no site; the nginx machine (--upstream) has a site whose upstream lists the
// hosts as nginx/run --hosts does, and no unit; a bad combination is refused naming the option. In the
// PostgreSQL pass, two application hosts run the commands and environment of the units installed for
// them, on TCP on loopback, and nginx serves the nginx machine's site in front of them: a page answers,
// and still answers through the one host left when the other stops.
import test, { after, before, describe } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { freePort, LANTERN, onPostgres, ROOT, runLantern, waitUntil } from './lib.mjs';
import { installKit, NAME, verifyUnits } from './installed.mjs';
import { createDatabase, dropDatabase } from './postgres.mjs';

const URI = 'postgresql://lantern@db1,db2/lantern?target_session_attrs=read-write';
const WITH_PASSWORD = 'postgresql://lantern:pa%3As%5Cs%40x@db1,db2/lantern?target_session_attrs=read-write';
// On a Unix socket of another port: systemd reads a % as a specifier, so the unit doubles each one.
const SOCKET_URI = 'postgresql://lantern@/lantern?host=%2Fvar%2Frun%2Fpostgresql&port=5433';
const BIN = path.join(ROOT, 'bin', 'lantern');

let kit;
const children = [];
let database;
before(() => { kit = installKit(); });
after(async () => {
  for (const child of children) if (child.exitCode === null) child.kill('SIGTERM');
  await Promise.all(children.map((c) => new Promise((resolve) => (c.exitCode !== null ? resolve() : c.once('exit', resolve)))));
  await kit?.stop();
  if (database) dropDatabase(database);
});

const read = (dest, file) => fs.readFileSync(path.join(dest, file), 'utf8');
const exists = (dest, file) => fs.existsSync(path.join(dest, file));
const UNITS = 'etc/systemd/system';
const SITE = 'etc/nginx/sites-available/lantern';

/** The lines `key=...` of a unit, their values. */
const settings = (unit, key) => [...unit.matchAll(new RegExp(`^${key}=(.*)$`, 'gm'))].map((m) => m[1]);

/** Every file under `dir` (its relative paths). */
function filesUnder(dir) {
  return fs.readdirSync(dir, { recursive: true }).filter((f) => fs.lstatSync(path.join(dir, f)).isFile());
}

/** The lantern.service in `dest` passes systemd-analyze verify without a word (where systemd is). */
function assertVerified(dest, names = ['lantern.service']) {
  const r = verifyUnits(path.join(dest, UNITS), names);
  assert.equal(r?.status ?? 0, 0, r?.stderr);
  assert.equal(r?.stderr.trim() ?? '', '', 'systemd-analyze verify warned');
}

describe('what each role installs', () => {
  test('PostgreSQL on one machine: the URI in the unit without its password, which only a 0600 pgpass holds; no SQLite directory or backup timer', () => {
    kit.install('pg', []); // first on SQLite: the backup timer is there
    assert.ok(exists(path.join(kit.dir, 'pg'), `${UNITS}/lantern-backup.timer`));
    const dest = kit.install('pg', ['--db', WITH_PASSWORD]); // moved up: rewritten in place
    const unit = read(dest, `${UNITS}/lantern.service`);
    assert.deepEqual(settings(unit, 'ExecStart'), [`${ROOT}/bin/lantern --db ${URI} serve --socket /run/lantern/lantern.sock --base-url https://${NAME}`]);
    assert.deepEqual(settings(unit, 'ExecStartPre'), [`${ROOT}/bin/lantern --db ${URI} init`], 'init alone: no SQLite copy first');
    assert.deepEqual(settings(unit, 'StateDirectory'), [], 'no SQLite data directory');
    assert.deepEqual(settings(unit, 'RuntimeDirectory'), ['lantern'], 'the socket\'s directory');
    assert.deepEqual(settings(unit, 'Environment'), ['PGPASSFILE=/etc/lantern/pgpass']);
    assert.match(unit, /^Wants=network-online.target$/m);
    assert.ok(!exists(dest, `${UNITS}/lantern-backup.timer`) && !exists(dest, `${UNITS}/lantern-backup.service`),
      'the SQLite backup timer is gone');

    const pgpass = path.join(dest, 'etc/lantern/pgpass');
    assert.equal(fs.statSync(pgpass).mode & 0o777, 0o600);
    assert.equal(fs.readFileSync(pgpass, 'utf8'), '*:*:*:*:pa\\:s\\\\s@x\n', 'the password, decoded, : and \\ escaped');
    for (const file of filesUnder(dest).filter((f) => f !== 'etc/lantern/pgpass')) {
      assert.doesNotMatch(read(dest, file), /pa%3A|pa:s/, `the password is in ${file}`);
    }
    assertVerified(dest);

    // Run again without --db (an upgrade, the option forgotten): it does not go back to SQLite.
    const back = kit.run('pg', []);
    assert.equal(back.status, 2);
    assert.match(back.stderr, /pgpass is there .*give --db postgresql/);
  });

  test('an application host: lantern on TCP for the nginx machines named, no site', () => {
    const dest = kit.install('app', ['--db', SOCKET_URI, '--app-listen', '10.0.0.11:9000', '--web-server', '10.0.0.10',
      '--web-server', '10.0.0.9'], { site: false });
    const unit = read(dest, `${UNITS}/lantern.service`);
    const inUnit = SOCKET_URI.replaceAll('%', '%%');
    assert.deepEqual(settings(unit, 'ExecStart'), [`${ROOT}/bin/lantern --db ${inUnit} serve --socket 10.0.0.11:9000 --base-url https://${NAME}`]);
    assert.deepEqual(settings(unit, 'Environment'), ['FCGI_WEB_SERVER_ADDRS=10.0.0.10,10.0.0.9', 'PGPASSFILE=/etc/lantern/pgpass']);
    assert.deepEqual(settings(unit, 'RuntimeDirectory'), [], 'no socket directory');
    assert.deepEqual(filesUnder(dest), [`${UNITS}/lantern.service`], 'the unit alone: no site, no backup timer, no pgpass');
    assertVerified(dest);
  });

  test('the nginx machine: its upstream the hosts, retried as nginx/run --hosts does, and no unit', () => {
    const dest = kit.install('nginx', ['--upstream', '10.0.0.11:9000', '--upstream', 'app2.example.org:9001']);
    const site = read(dest, SITE);
    const upstream = site.match(/upstream lantern_app \{([^}]*)\}/);
    assert.ok(upstream, 'the site has its upstream');
    assert.deepEqual(upstream[1].split(';').map((s) => s.trim()).filter((s) => s.startsWith('server')), [
      'server 10.0.0.11:9000 max_fails=1 fail_timeout=10s', 'server app2.example.org:9001 max_fails=1 fail_timeout=10s',
      'server 10.0.0.11:9000 backup max_fails=0', 'server app2.example.org:9001 backup max_fails=0']);
    assert.doesNotMatch(site, /unix:/, 'no local socket');
    const retries = site.match(/^\s*fastcgi_next_upstream (.*);$/m);
    assert.ok(retries, 'fastcgi_next_upstream is set');
    assert.match(retries[1], /\berror\b/);
    assert.doesNotMatch(retries[1], /non_idempotent/, 'a POST is never sent twice');
    assert.ok(!exists(dest, UNITS), 'no systemd unit on the nginx machine');
  });

  for (const [args, error, site = true] of [
    [['--upstream', '10.0.0.11:9000', '--app-listen', '10.0.0.11:9000', '--web-server', '10.0.0.10'], /--upstream .* and --app-listen .* exclude each other/],
    [['--upstream', '10.0.0.11:9000', '--db', URI], /--db is the application's: with --upstream/],
    [['--upstream', '10.0.0.11:9000', '--socket', '/run/x.sock'], /--socket is a local application's/],
    [['--upstream', '10.0.0.11'], /--upstream: an application host as HOST:PORT/],
    [['--upstream', '10.0.0.11:9000', '--upstream', '10.0.0.11:9000'], /--upstream: 10.0.0.11:9000 is given twice/],
    [['--app-listen', '10.0.0.11:9000', '--db', URI], /--app-listen needs --web-server/, false],
    [['--app-listen', '10.0.0.11:9000', '--web-server', '10.0.0.10'], /--app-listen needs --db postgresql/, false],
    [['--app-listen', '10.0.0.11:9000', '--web-server', '10.0.0.10', '--db', URI], /--tls-cert is the nginx site's/],
    [['--app-listen', 'app1:9000', '--web-server', '10.0.0.10', '--db', URI], /--app-listen: an IPv4 address/, false],
    [['--app-listen', '10.0.0.11:9000', '--web-server', '::1', '--db', URI], /--web-server: the IPv4 address/, false],
    [['--web-server', '10.0.0.10'], /--web-server goes with --app-listen/],
    [['--db', '/var/lib/lantern/other.db'], /--db takes a postgresql:\/\/ URI/],
    [['--db', 'postgresql://lantern@db1/lantern?password=x'], /--db: give the password as postgresql:\/\/USER:PASSWORD@HOST/],
  ]) {
    test(`refused, naming the option: ${args.join(' ')}`, () => {
      const r = kit.run(`bad-${args.join('-').replace(/[^\w.-]/g, '_')}`, args, { site });
      assert.equal(r.status, 2, r.stderr);
      assert.match(r.stderr, error);
      assert.ok(!fs.existsSync(r.dest), 'nothing was written');
    });
  }
});

/**
 * Runs the init and then the serve command of the lantern.service in `dest` as systemd would (its
 * Environment and EnvironmentFile, its /etc/lantern/pgpass the one in `dest`), with the test build in place of
 * bin/lantern; resolves once it listens.
 */
async function runUnit(dest) {
  const unit = read(dest, `${UNITS}/lantern.service`);
  const env = { ...process.env };
  for (const file of settings(unit, 'EnvironmentFile')) {
    for (const line of fs.readFileSync(file, 'utf8').split('\n').filter(Boolean)) env[line.split('=')[0]] = line.slice(line.indexOf('=') + 1);
  }
  const unescape = (s) => s.replaceAll('/etc/lantern/pgpass', path.join(dest, 'etc/lantern/pgpass')).replaceAll('%%', '%');
  for (const setting of settings(unit, 'Environment')) env[setting.split('=')[0]] = unescape(setting.slice(setting.indexOf('=') + 1));
  const argv = (line) => {
    const [bin, ...args] = unescape(line).split(' ');
    assert.equal(bin, BIN);
    return args;
  };
  const [init] = settings(unit, 'ExecStartPre');
  const done = await runLantern(null, argv(init), { env });
  assert.equal(done.code, 0, `the unit's init: ${done.stderr}`);
  const child = spawn(LANTERN, argv(settings(unit, 'ExecStart')[0]), { cwd: ROOT, env, stdio: ['ignore', 'ignore', 'pipe'] });
  children.push(child);
  let log = '';
  child.stderr.setEncoding('utf8').on('data', (d) => { log += d; });
  await waitUntil(() => /serving on/.test(log) || child.exitCode !== null, 'lantern serve to listen');
  assert.equal(child.exitCode, null, `the unit's lantern serve stopped:\n${log}`);
  return child;
}

test('two application hosts on TCP, as installed, behind the nginx machine\'s site: a page answers through either', { skip: !onPostgres && 'runs in the PostgreSQL pass' }, async () => {
  database = createDatabase();
  const withPassword = database.replace(/^(postgresql:\/\/[^@/:]+)@/, '$1:secret@'); // the test cluster trusts any password
  assert.notEqual(withPassword, database);
  const https = await freePort();
  const ports = [await freePort(), await freePort()];
  const hosts = [];
  for (const [i, port] of ports.entries()) {
    const dest = kit.install(`host-${i}`, ['--db', withPassword, '--app-listen', `127.0.0.1:${port}`,
      '--web-server', '127.0.0.1', '--https-port', String(https)], { site: false });
    assert.doesNotMatch(read(dest, `${UNITS}/lantern.service`), /secret/);
    hosts.push(await runUnit(dest));
  }
  const site = kit.install('front', ['--https-port', String(https), '--http-port', String(await freePort()),
    '--listen', '127.0.0.1', ...ports.flatMap((p) => ['--upstream', `127.0.0.1:${p}`])]);
  await kit.serve(site, https);

  for (const page of ['/healthz', '/login']) {
    const r = kit.curl(https, page);
    assert.equal(r.status, 200, `${page} through nginx: ${r.status} ${r.stderr}`);
  }
  assert.match(kit.curl(https, '/login').body, /<form[^>]*action="\/login"/);

  // One host stops: nginx finds its port closed and passes each request to the other.
  hosts[0].kill('SIGTERM');
  await new Promise((resolve) => (hosts[0].exitCode !== null ? resolve() : hosts[0].once('exit', resolve)));
  for (let i = 0; i < 6; i++) {
    const r = kit.curl(https, '/login');
    assert.equal(r.status, 200, `with one host stopped, request ${i}: ${r.status}`);
  }
});
