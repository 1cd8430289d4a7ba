// nginx/run --tls-cert --tls-key (issue 12): HTTPS with a throw-away self-signed certificate, TLS 1.2
// and 1.3 only, HSTS on every answer; signing in works end to end over it (the session cookie is
// Secure, so curl sends it back only over HTTPS).
import test, { after, before, describe } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { assetVersion, csrfFrom, SESSION_COOKIE, startStack } from './lib.mjs';

let dir;
let cert;
let stack;
before(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lantern-tls-'));
  cert = path.join(dir, 'cert.pem');
  const key = path.join(dir, 'key.pem');
  execFileSync('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes',
    '-keyout', key, '-out', cert, '-days', '2', '-subj', '/CN=127.0.0.1',
    '-addext', 'subjectAltName=IP:127.0.0.1,DNS:localhost'], { stdio: 'ignore' });
  stack = await startStack({ tls: { cert, key }, demo: true });
});
after(async () => {
  if (stack) await stack.stop();
  fs.rmSync(dir, { recursive: true, force: true });
});

/** curl trusting only the throw-away certificate, with a cookie jar; { status, headers, body, code }. */
function curl(urlPath, extra = []) {
  const jar = path.join(dir, 'jar');
  const r = spawnSync('curl', ['-sS', '--cacert', cert, '-b', jar, '-c', jar, '-D', '-', ...extra, stack.base + urlPath],
    { encoding: 'utf8', timeout: 30_000 });
  const split = r.stdout.indexOf('\r\n\r\n');
  const head = split < 0 ? '' : r.stdout.slice(0, split);
  return {
    code: r.status,
    stderr: r.stderr,
    status: Number(head.split(' ')[1]),
    headers: head.toLowerCase(),
    body: split < 0 ? '' : r.stdout.slice(split + 4),
  };
}

describe('HTTPS from nginx/run', () => {
  test('the stack says it serves HTTPS', () => {
    assert.match(stack.base, /^https:\/\/127\.0\.0\.1:\d+$/);
    assert.match(stack.output(), /^lantern: serving https:\/\/127\.0\.0\.1:\d+ /m);
  });

  test('signing in over HTTPS: the Secure session cookie is set, and a signed-in page answers', async () => {
    const signedOut = curl('/account');
    assert.equal(signedOut.code, 0, signedOut.stderr);
    assert.equal(signedOut.status, 303, 'signed out, /account sends to the login page');

    const form = curl('/login');
    assert.equal(form.status, 200);
    const csrf = csrfFrom(form.body);
    assert.ok(csrf, 'a csrf field on the login form');
    const posted = curl('/login', ['-H', `Origin: ${stack.base}`, '--data-urlencode', 'email=admin@lantern.example',
      '--data-urlencode', 'password=lantern-demo', '--data-urlencode', `csrf=${csrf}`]);
    assert.equal(posted.status, 303, posted.body.slice(0, 300));
    assert.match(posted.headers, new RegExp(`^set-cookie: ${SESSION_COOKIE.toLowerCase()}=[^;\\r\\n]+;[^\\r\\n]*\\bsecure\\b`, 'm'));

    const account = curl('/account');
    assert.equal(account.status, 200);
    assert.match(account.body, /Sign out/);
  });

  test('HSTS on pages, assets and nginx\'s own answers', () => {
    for (const p of ['/healthz', `/assets/${assetVersion()}/lantern.css`, '/no-such-page', '/_errors/502.html']) {
      const r = curl(p);
      assert.equal(r.code, 0, r.stderr);
      assert.match(r.headers, /^strict-transport-security: max-age=\d+/m, p);
    }
  });

  test('TLS 1.2 and 1.3 only; plain HTTP is not served on the port', () => {
    for (const version of ['1.2', '1.3']) {
      const r = curl('/healthz', [`--tlsv${version}`, '--tls-max', version]);
      assert.equal(r.status, 200, `TLS ${version}: ${r.stderr}`);
    }
    // The client lowers its own floor (OpenSSL's default refuses 1.1 anyway), so only the server can say no.
    const old = curl('/healthz', ['--tlsv1', '--tls-max', '1.1', '--ciphers', 'DEFAULT:@SECLEVEL=0']);
    assert.notEqual(old.code, 0, 'TLS 1.1 was accepted');
    const plain = spawnSync('curl', ['-s', '-o', '/dev/null', '-w', '%{http_code}', stack.base.replace('https:', 'http:') + '/healthz'],
      { encoding: 'utf8' });
    assert.notEqual(plain.stdout, '200');
  });
});

test('without --tls-cert the stack is plain HTTP and sends no HSTS', async () => {
  const plain = await startStack({ threads: 2 });
  try {
    const res = await fetch(`${plain.base}/healthz`);
    await res.arrayBuffer();
    assert.equal(res.status, 200);
    assert.equal(res.headers.get('strict-transport-security'), null);
  } finally {
    await plain.stop();
  }
});
