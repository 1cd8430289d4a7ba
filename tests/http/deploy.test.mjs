// The production deployment (issue 12), as nginx/install writes it (--dest: into a scratch
// directory): the systemd units pass `systemd-analyze verify` without a warning, and the nginx site,
// inside Debian's own nginx.conf, passes `nginx -t` and then serves a running lantern over HTTPS:
// HSTS, the house error pages, HTTP sent to HTTPS, and the rate limits counting each client by the
// address a trusted proxy gives, and only a trusted proxy's.
import test, { after, before, describe } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { freePort, rateLimitAllows, startStack } from './lib.mjs';
import { installKit, NAME, verifyUnits } from './installed.mjs';

let kit;
let stack;
before(async () => {
  kit = installKit();
  stack = await startStack({ threads: 2 });
});
after(async () => {
  await kit?.stop();
  if (stack) await stack.stop();
});

const install = (label, args) => kit.install(label, args);
const serve = (dest, port) => kit.serve(dest, port);
const curl = (...args) => kit.curl(...args);

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
  test('systemd-analyze verify finds nothing to say about them', () => {
    const units = path.join(install('units', []), 'etc', 'systemd', 'system');
    const names = ['lantern.service', 'lantern-backup.service', 'lantern-backup.timer'];
    const r = verifyUnits(units, names); // null where systemd-analyze is not installed
    assert.equal(r?.status ?? 0, 0, r?.stderr);
    assert.equal(r?.stderr.trim() ?? '', '', 'systemd-analyze verify warned');
    const service = fs.readFileSync(path.join(units, 'lantern.service'), 'utf8');
    for (const line of ['User=lantern', 'StateDirectoryMode=0700', 'ProtectSystem=strict', 'NoNewPrivileges=yes',
      'PrivateTmp=yes', 'Restart=on-failure', 'RuntimeDirectory=lantern', 'UMask=0077']) {
      assert.match(service, new RegExp(`^${line}$`, 'm'), line);
    }
    assert.match(service, /^MemoryMax=\S+$/m);
    assert.match(service, /^ExecStartPre=\S+\/nginx\/lantern-backup .*\n(.*\n)*ExecStartPre=\S+\/bin\/lantern .* init$/m,
      'a backup before the migrations');
    assert.match(service, new RegExp(`serve --socket /run/lantern/lantern.sock --base-url https://${NAME}$`, 'm'));
    assert.match(service, /^ExecStart=\S+ --db \/var\/lib\/lantern\/lantern.db serve /m);
    assert.doesNotMatch(service, /^Environment=/m, 'no FastCGI address list or password file on SQLite');
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
      '--listen', '127.0.0.1', '--socket', path.join(kit.dir, 'no-such.sock')]);
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
  const file = path.join(kit.dir, 'big.txt');
  if (!fs.existsSync(file)) fs.writeFileSync(file, 'a'.repeat(9 * 1024 * 1024));
  return file;
}
