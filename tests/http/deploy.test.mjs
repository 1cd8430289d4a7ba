// The production deployment (issue 12), as nginx/install writes it (--dest: into a scratch
// directory): the systemd units pass `systemd-analyze verify` without a warning, and the nginx site,
// inside Debian's own nginx.conf, passes `nginx -t` and then serves a running lantern over HTTPS:
// HSTS, the house error pages, HTTP sent to HTTPS, and the rate limits counting each client by the
// address a trusted proxy gives, and only a trusted proxy's.
import test, { after, before, describe } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { freePort, rateLimitAllows, ROOT, startStack, waitUntil } from './lib.mjs';

const INSTALL = path.join(ROOT, 'nginx', 'install');
const NGINX = process.env.NGINX || '/usr/sbin/nginx';
const NAME = 'lantern.test';
const isRoot = process.getuid() === 0;

let dir;
let cert;
let key;
let stack;
const nginxes = [];
before(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lantern-deploy-'));
  fs.chmodSync(dir, 0o755); // nginx's workers (nobody) read the scratch copies of the error log paths
  cert = path.join(dir, 'cert.pem');
  key = path.join(dir, 'key.pem');
  execFileSync('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes',
    '-keyout', key, '-out', cert, '-days', '2', '-subj', `/CN=${NAME}`, '-addext', `subjectAltName=DNS:${NAME}`],
  { stdio: 'ignore' });
  stack = await startStack({ threads: 2 });
});
after(async () => {
  for (const n of nginxes) n.kill('SIGQUIT');
  await Promise.all(nginxes.map((n) => new Promise((resolve) => (n.exitCode !== null ? resolve() : n.on('exit', resolve)))));
  if (stack) await stack.stop();
  fs.rmSync(dir, { recursive: true, force: true });
});

/** nginx/install --dest into a fresh directory; returns it. */
function install(label, args) {
  const dest = path.join(dir, label);
  const r = spawnSync(INSTALL, ['--dest', dest, '--server-name', NAME, '--tls-cert', cert, '--tls-key', key,
    '--log-dir', path.join(dest, 'log'), ...args], { encoding: 'utf8' });
  assert.equal(r.status, 0, `nginx/install: ${r.stderr}`);
  fs.mkdirSync(path.join(dest, 'log'), { recursive: true });
  return dest;
}

/**
 * Debian's own /etc/nginx/nginx.conf, moved into `dest` (its pid, logs and temporary files there,
 * its workers as nobody when run as root) and including the site nginx/install wrote there.
 */
function debianNginxConf(dest) {
  const conf = fs.readFileSync('/etc/nginx/nginx.conf', 'utf8');
  const moved = conf
    .replace(/^user\s+[^;]+;/m, isRoot ? 'user nobody nogroup;' : '')
    .replace(/^pid\s+[^;]+;/m, `pid ${dest}/nginx.pid;`)
    .replace(/^(\s*)error_log\s+[^;]+;/m, `$1error_log ${dest}/log/error.log;`)
    .replace(/^(\s*)access_log\s+[^;]+;/m, `$1access_log ${dest}/log/access.log;`)
    .replace(/include\s+\/etc\/nginx\/sites-enabled\/\*;/, `include ${dest}/etc/nginx/sites-enabled/*;\n` +
      ['client_body', 'fastcgi', 'proxy', 'uwsgi', 'scgi'].map((t) => `${t}_temp_path ${dest}/tmp/${t};`).join('\n'));
  assert.ok(moved.includes(`${dest}/etc/nginx/sites-enabled/*`), 'Debian\'s nginx.conf includes sites-enabled');
  for (const t of ['client_body', 'fastcgi', 'proxy', 'uwsgi', 'scgi']) fs.mkdirSync(path.join(dest, 'tmp', t), { recursive: true });
  if (isRoot) execFileSync('chown', ['-R', 'nobody:nogroup', path.join(dest, 'tmp')]);
  const file = path.join(dest, 'nginx.conf');
  fs.writeFileSync(file, moved);
  return file;
}

/** nginx -t on the site, then nginx serving it in the foreground until the tests end. */
async function serve(dest, httpsPort) {
  const conf = debianNginxConf(dest);
  const check = spawnSync(NGINX, ['-t', '-c', conf], { encoding: 'utf8' });
  assert.equal(check.status, 0, `nginx -t rejected the site:\n${check.stderr}`);
  assert.match(check.stderr, /test is successful/);
  const n = spawn(NGINX, ['-c', conf, '-g', 'daemon off;'], { stdio: 'ignore' });
  nginxes.push(n);
  await waitUntil(() => fs.existsSync(path.join(dest, 'nginx.pid')), 'nginx to start');
  await waitUntil(() => curl(httpsPort, '/favicon.ico').code === 0, 'nginx to answer');
}

/** curl to https://NAME:port (or http:// with plain) on 127.0.0.1, trusting the throw-away certificate. */
function curl(port, urlPath, extra = [], { plain = false } = {}) {
  const url = `${plain ? 'http' : 'https'}://${NAME}:${port}${urlPath}`;
  const r = spawnSync('curl', ['-sS', '--cacert', cert, '--resolve', `${NAME}:${port}:127.0.0.1`, '-D', '-', ...extra, url],
    { encoding: 'utf8', timeout: 30_000 });
  const split = r.stdout.indexOf('\r\n\r\n');
  const head = split < 0 ? '' : r.stdout.slice(0, split);
  return { code: r.status, stderr: r.stderr, status: Number(head.split(' ')[1]), headers: head.toLowerCase(), body: r.stdout.slice(split + 4) };
}

/** POST /login from `forwardedFor` until nginx answers 429; how many got through first. */
function loginsBefore429(port, forwardedFor) {
  for (let i = 0; i < 40; i++) {
    const r = curl(port, '/login', ['-H', `X-Forwarded-For: ${forwardedFor}`, '--data', 'email=x%40example.org&password=wrong&csrf=x']);
    assert.equal(r.code, 0, r.stderr);
    if (r.status === 429) return i;
  }
  return Infinity;
}

/** The production sign-in limit (30r/m, burst 20) holds one client: its burst gets through, and after
 * it no more than the rate added while it sent. */
function assertOneClientLimited(port, forwardedFor) {
  const started = Date.now();
  const first = loginsBefore429(port, forwardedFor);
  const most = rateLimitAllows({ rate: '30r/m', burst: 20, ms: Date.now() - started });
  assert.ok(first >= 20 && first <= most, `first 429 after ${first} sign-ins (burst 20, at most ${most} in the time taken)`);
}

describe('systemd units', () => {
  const analyze = spawnSync('systemd-analyze', ['--version']);
  test('systemd-analyze verify finds nothing to say about them', { skip: analyze.error ? 'systemd-analyze is not installed' : false }, () => {
    const units = path.join(install('units', []), 'etc', 'systemd', 'system');
    const names = ['lantern.service', 'lantern-backup.service', 'lantern-backup.timer'];
    const r = spawnSync('systemd-analyze', ['verify', '--man=no', ...names], { cwd: units, encoding: 'utf8' });
    assert.equal(r.status, 0, r.stderr);
    assert.equal(r.stderr.trim(), '', 'systemd-analyze verify warned');
    const service = fs.readFileSync(path.join(units, 'lantern.service'), 'utf8');
    for (const line of ['User=lantern', 'StateDirectoryMode=0700', 'ProtectSystem=strict', 'NoNewPrivileges=yes',
      'PrivateTmp=yes', 'Restart=on-failure', 'RuntimeDirectory=lantern', 'UMask=0077']) {
      assert.match(service, new RegExp(`^${line}$`, 'm'), line);
    }
    assert.match(service, /^MemoryMax=\S+$/m);
    assert.match(service, /^ExecStartPre=\S+\/nginx\/lantern-backup .*\n(.*\n)*ExecStartPre=\S+\/bin\/lantern .* init$/m,
      'a backup before the migrations');
    assert.match(service, new RegExp(`serve --socket /run/lantern/lantern.sock --base-url https://${NAME}$`, 'm'));
  });
});

describe('the nginx site, behind a trusted proxy', () => {
  let https;
  let http;
  before(async () => {
    [https, http] = [await freePort(), await freePort()];
    const dest = install('trusted', ['--https-port', String(https), '--http-port', String(http), '--listen', '127.0.0.1',
      '--socket', path.join(stack.dataDir, 'run', 'lantern.sock'), '--trusted-proxy', '127.0.0.1']);
    await serve(dest, https);
  });

  test('HTTPS with two years of HSTS; TLS 1.1 refused although Debian\'s nginx.conf allows it', () => {
    const r = curl(https, '/healthz');
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.status, 200);
    assert.match(r.headers, /^strict-transport-security: max-age=63072000\r?$/m);
    const old = curl(https, '/healthz', ['--tlsv1', '--tls-max', '1.1', '--ciphers', 'DEFAULT:@SECLEVEL=0']);
    assert.notEqual(old.code, 0, 'TLS 1.1 was accepted');
  });

  test('plain HTTP is sent to the HTTPS address', () => {
    const r = curl(http, '/sessions?x=1', [], { plain: true });
    assert.equal(r.status, 301);
    assert.match(r.headers, new RegExp(`^location: https://${NAME}:${https}/sessions\\?x=1\\r?$`, 'm'));
  });

  test('the house page for a body over the limit', () => {
    const r = curl(https, '/account', ['-H', 'Content-Type: application/x-www-form-urlencoded', '--data-binary', `@${bigBody()}`]);
    assert.equal(r.status, 413);
    assert.match(r.body, /<title>What you sent is too large – lantern<\/title>/);
  });

  test('each client address the proxy forwards has its own sign-in limit', () => {
    assertOneClientLimited(https, '203.0.113.7');
    assert.ok(loginsBefore429(https, '203.0.113.8') >= 20, 'another client was refused with the first');
  });
});

describe('the nginx site with no trusted proxy, and no app behind it', () => {
  let https;
  before(async () => {
    https = await freePort();
    const dest = install('untrusted', ['--https-port', String(https), '--http-port', String(await freePort()),
      '--listen', '127.0.0.1', '--socket', path.join(dir, 'no-such.sock')]);
    assert.match(fs.readFileSync(path.join(dest, 'etc', 'nginx', 'sites-available', 'lantern'), 'utf8'), /^\s*#\s*set_real_ip_from/m,
      'the trusted proxy setting is there, commented');
    await serve(dest, https);
  });

  test('the house page when the app is down', () => {
    const r = curl(https, '/help');
    assert.equal(r.status, 502);
    assert.match(r.body, /<title>Sorry, the service is unavailable – lantern<\/title>/);
    assert.match(r.body, /href="\/help"/);
    assert.doesNotMatch(r.body, /nginx/i);
  });

  test('X-Forwarded-For from an untrusted address changes nothing: one limit for all', () => {
    assertOneClientLimited(https, '203.0.113.7');
    // The same client again under another forged address: only what the rate has added since (one
    // per 2 seconds, and one for rounding), never a fresh burst.
    const started = Date.now();
    const more = loginsBefore429(https, '203.0.113.8');
    const added = Math.floor((Date.now() - started) / 2000) + 1;
    assert.ok(more <= added, `a forged X-Forwarded-For bought a fresh allowance: ${more} sign-ins, the rate added ${added}`);
  });
});

function bigBody() {
  const file = path.join(dir, 'big.txt');
  if (!fs.existsSync(file)) fs.writeFileSync(file, 'a'.repeat(9 * 1024 * 1024));
  return file;
}
