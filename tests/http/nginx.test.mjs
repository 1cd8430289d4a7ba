// The nginx layer: headers, assets, limits, and nginx/run's process handling.
// Depends on the app only for /healthz, GET/POST /login and an unknown path.

import test, { after, before, describe } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import {
  ASSETS, assertSecurityHeaders, assetVersion, childPids, Client, formBody, isAlive,
  pidsMentioning, rateLimitAllows, startStack,
} from './lib.mjs';

const LONG_CACHE = 'public, max-age=31536000, immutable';

function portClosed(port) {
  return new Promise((resolve) => {
    const s = net.connect({ host: '127.0.0.1', port });
    s.on('connect', () => { s.destroy(); resolve(false); });
    s.on('error', () => resolve(true));
  });
}

/** Sends the request head `lines` as they are (no body) and resolves with the answer's status and
 *  headers once they have arrived; rejects if none arrive within `ms`. */
function rawRequest(base, lines, ms) {
  const { hostname, port } = new URL(base);
  return new Promise((resolve, reject) => {
    const s = net.connect({ host: hostname, port: Number(port) });
    let got = '';
    const timer = setTimeout(() => { s.destroy(); reject(new Error(`no answer within ${ms} ms`)); }, ms);
    const done = (err) => {
      const end = got.indexOf('\r\n\r\n');
      if (end < 0) { if (err) { clearTimeout(timer); reject(err); } return; }
      clearTimeout(timer);
      s.destroy();
      const [statusLine, ...fields] = got.slice(0, end).split('\r\n');
      const headers = new Headers();
      for (const f of fields) headers.append(f.slice(0, f.indexOf(':')), f.slice(f.indexOf(':') + 1).trim());
      resolve({ status: Number(statusLine.split(' ')[1]), headers });
    };
    s.on('connect', () => s.write(`${lines.join('\r\n')}\r\n\r\n`));
    s.on('data', (d) => { got += d.toString('latin1'); done(); });
    s.on('error', done);
    s.on('end', () => done(new Error(`connection closed before a full answer: ${JSON.stringify(got)}`)));
  });
}

async function waitFor(cond, ms, what) {
  const deadline = Date.now() + ms;
  while (!(await cond())) {
    if (Date.now() > deadline) assert.fail(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** Every process belonging to a running stack: runner, app (master and children), nginx master and workers. */
function stackProcesses(stack) {
  const master = Number(fs.readFileSync(path.join(stack.dataDir, 'nginx', 'nginx.pid'), 'utf8').trim());
  const mentioning = pidsMentioning(stack.dataDir); // runner, `lantern serve` and its children, nginx master
  const app = mentioning.filter((pid) => {
    const cmd = fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0');
    return cmd.includes('serve');
  });
  return {
    master, workers: childPids(master), app, appMaster: stack.appPid(),
    all: [...new Set([...mentioning, master, ...childPids(master)])],
  };
}

describe('nginx in front of lantern', () => {
  let stack;
  let version;
  before(async () => {
    // The production POST /login limit (30r/m, burst 20), not the harness's relaxed one.
    stack = await startStack({ threads: 2, loginRate: '30r/m', loginBurst: 20 });
    version = assetVersion();
  });
  after(async () => {
    if (stack) await stack.stop();
  });

  test('security headers on an asset, on /healthz and on 404s', async () => {
    const c = new Client(stack.base);
    const asset = await c.get(`/assets/${version}/lantern.css`);
    assert.equal(asset.status, 200);
    assertSecurityHeaders(asset, 'an asset');

    const health = await c.get('/healthz');
    assert.equal(health.status, 200);
    assertSecurityHeaders(health, '/healthz');

    const missingAsset = await c.get(`/assets/${version}/no-such-file.css`);
    assert.equal(missingAsset.status, 404);
    assertSecurityHeaders(missingAsset, 'a 404 from nginx');

    const missingPage = await c.get('/no-such-page-at-all');
    assert.equal(missingPage.status, 404);
    assertSecurityHeaders(missingPage, 'a 404 from the app');
  });

  test('no version in the Server header', async () => {
    const res = await new Client(stack.base).get('/healthz');
    const server = res.headers.get('server');
    assert.ok(server === null || !/\d/.test(server), `Server: ${server}`);
  });

  test('assets are served from build/assets with a year-long immutable cache', async () => {
    const c = new Client(stack.base);
    const types = {
      'lantern.css': /^text\/css\b/,
      'lantern.js': /^(application|text)\/javascript\b/,
      'govuk-frontend.min.js': /^(application|text)\/javascript\b/,
      'favicon.svg': /^image\/svg\+xml\b/,
    };
    for (const [file, type] of Object.entries(types)) {
      const res = await fetch(`${stack.base}/assets/${version}/${file}`, { headers: { 'Accept-Encoding': 'identity' } });
      const body = Buffer.from(await res.arrayBuffer());
      assert.equal(res.status, 200, file);
      assert.equal(res.headers.get('cache-control'), LONG_CACHE, file);
      assert.match(res.headers.get('content-type') ?? '', type, file);
      assert.ok(body.equals(fs.readFileSync(path.join(ASSETS, file))), `${file}: body differs from build/assets/${file}`);
    }
    // Any version segment maps to the current files (old pages keep working).
    const other = await c.get('/assets/0123abc/lantern.css');
    assert.equal(other.status, 200);
  });

  test('unknown or malformed asset paths are 404 and never reach other files', async () => {
    const c = new Client(stack.base);
    for (const p of [
      `/assets/${version}/no-such-file.js`,
      '/assets/lantern.css', // no version segment
      `/assets/${version}/`,
      `/assets/${version}/sub/lantern.css`,
      `/assets/${version}/..%2f..%2fMakefile`,
      `/assets/${version}/.hidden`,
    ]) {
      const res = await c.get(p);
      assert.equal(res.status, 404, p);
      assert.notEqual(res.headers.get('cache-control'), LONG_CACHE, `a 404 must not be cached for a year: ${p}`);
      assertSecurityHeaders(res, p);
    }
  });

  test('/favicon.ico is the SVG icon (or 204)', async () => {
    const res = await new Client(stack.base).get('/favicon.ico');
    assert.ok([200, 204].includes(res.status), `status ${res.status}`);
    if (res.status === 200) assert.match(res.headers.get('content-type') ?? '', /^image\/svg\+xml\b/);
    assertSecurityHeaders(res, '/favicon.ico');
  });

  test('bodies over 8 MB are refused by nginx with 413, with the security headers', async () => {
    // The length is declared and no body follows, so nginx must refuse on the header alone, at once.
    // (Sending the 9 MB with fetch can end in a reset when nginx answers first, which proves nothing.)
    // Without the limit nginx would wait for the body and this would time out or answer 408.
    const res = await rawRequest(stack.base, [
      'POST /api/v1/me HTTP/1.1', 'Host: 127.0.0.1', 'Content-Type: application/octet-stream',
      `Content-Length: ${9 * 1024 * 1024}`, 'Connection: close',
    ], 20_000);
    assert.equal(res.status, 413);
    assertSecurityHeaders(res, 'a 413');
  });

  test('oversized request headers are refused, not passed on', async () => {
    const res = await fetch(`${stack.base}/healthz`, { headers: { 'X-Padding': 'a'.repeat(9000) } });
    await res.arrayBuffer();
    assert.ok(res.status === 400 || res.status === 431 || res.status === 494, `status ${res.status}`);
  });

  // Last in this stack: it uses up the POST /login allowance.
  test('a POST /login flood gets 429 after the burst, never 5xx; GET /login is not limited', async () => {
    const c = new Client(stack.base);
    const statuses = [];
    const started = Date.now();
    for (let i = 0; i < 60; i++) {
      const res = await fetch(`${stack.base}/login`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/x-www-form-urlencoded', Origin: stack.base },
        body: formBody({ email: `nobody${i}@example.invalid`, password: 'wrong-password', csrf: 'not-a-token' }),
        redirect: 'manual',
      });
      await res.arrayBuffer();
      statuses.push(res.status);
      assert.ok(res.status < 500, `request ${i} answered ${res.status}: ${statuses.join(',')}`);
      if (res.status === 429) {
        assertSecurityHeaders(res, 'a 429');
        break;
      }
    }
    const first429 = statuses.indexOf(429);
    assert.ok(first429 >= 0, `no 429 after ${statuses.length} POSTs: ${statuses.join(',')}`);
    // The burst of 20 gets through; after it no more than the rate (30r/m) added while the flood ran.
    const most = rateLimitAllows({ rate: '30r/m', burst: 20, ms: Date.now() - started });
    assert.ok(first429 >= 20 && first429 <= most, `first 429 at request ${first429}, allowed 20 to ${most}: ${statuses.join(',')}`);

    const form = await c.get('/login');
    assert.equal(form.status, 200, 'GET /login must not be rate limited');
    const health = await c.get('/healthz');
    assert.equal(health.status, 200);
  });
});

describe('nginx/run process handling', () => {
  for (const signal of ['SIGTERM', 'SIGINT']) {
    test(`stops cleanly on ${signal}: exit 0, no nginx or lantern left, port closed`, async () => {
      const s = await startStack({ threads: 2 });
      const procs = stackProcesses(s);
      assert.equal(procs.app.length, 2, `expected a lantern serve master and its one process, found ${procs.app}`);
      assert.ok(procs.workers.length >= 1, 'nginx has no worker');
      const socket = path.join(s.dataDir, 'run', 'lantern.sock');
      assert.ok(fs.existsSync(socket), 'no FastCGI socket');
      // A kept-alive browser connection must not hold up a graceful stop.
      const keepAlive = await fetch(`${s.base}/healthz`);
      await keepAlive.arrayBuffer();

      const dataDir = s.dataDir;
      const code = await s.stop(signal);
      assert.equal(code, 0, `nginx/run exited with ${code}:\n${s.output()}`);
      assert.match(s.output(), /lantern: serving http:\/\/127\.0\.0\.1:\d+ \(data /);
      await waitFor(() => procs.all.every((pid) => !isAlive(pid)), 30_000, 'the stack processes to go');
      assert.deepEqual(pidsMentioning(dataDir), []);
      assert.ok(await portClosed(s.port), 'port still open');
    });
  }

  test('if the app master dies, the runner starts it again and nginx stays up', async () => {
    const s = await startStack({ threads: 2 });
    try {
      const procs = stackProcesses(s);
      assert.equal(procs.app.length, 2);
      process.kill(procs.appMaster, 'SIGKILL');
      // Its children, told by the kernel, finish and go; a new master and children take over.
      await waitFor(() => procs.app.every((pid) => !isAlive(pid)), 30_000, 'the old app processes to go');
      await waitFor(async () => {
        const res = await fetch(`${s.base}/healthz`).catch(() => null);
        await res?.arrayBuffer();
        return res?.status === 200;
      }, 30_000, '/healthz to answer again');
      const now = stackProcesses(s);
      assert.ok(now.appMaster && now.appMaster !== procs.appMaster, 'no new app master');
      assert.equal(childPids(now.appMaster).length, 1, 'the new master has not forked its process');
      assert.equal(now.master, procs.master, 'nginx was restarted');
      assert.match(s.output(), /lantern exited unexpectedly \(status 137\)/);
    } finally {
      assert.equal(await s.stop(), 0, `nginx/run did not stop cleanly:\n${s.output()}`);
    }
  });

  test('if nginx dies, the runner stops the app and exits non-zero', async () => {
    const s = await startStack({ threads: 2 });
    const procs = stackProcesses(s);
    process.kill(procs.master, 'SIGKILL');
    let timer;
    const code = await Promise.race([
      s.exited,
      new Promise((resolve) => { timer = setTimeout(() => resolve('timeout'), 30_000); }),
    ]);
    clearTimeout(timer);
    await s.stop();
    assert.notEqual(code, 'timeout', 'runner did not exit after nginx died');
    assert.notEqual(code, 0);
    await waitFor(() => procs.all.every((pid) => !isAlive(pid)), 30_000, 'the app and nginx workers to go');
    assert.ok(await portClosed(s.port), 'port still open');
  });
});
