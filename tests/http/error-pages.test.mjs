// nginx's own refusals and failures (413, 429, 500, 502, 504) answer with the house pages from
// build/errors (issue 12): the GOV.UK layout with this build's stylesheet, the help link, nothing
// that names the software; JSON for /api/ clients. Each is provoked for real.
import test, { after, before, describe } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { assertSecurityHeaders, assetVersion, Client, pidsMentioning, startStack } from './lib.mjs';

const TITLES = {
  413: 'What you sent is too large',
  429: 'Too many requests',
  500: 'Sorry, there is a problem with the service',
  502: 'Sorry, the service is unavailable',
  504: 'Sorry, the service is taking too long to answer',
};

/**
 * One request written as raw text on a fresh connection, for what fetch cannot send (a declared
 * body that never comes). Resolves { status, headers (lower-case names), text }.
 */
export function rawRequest(port, head) {
  return new Promise((resolve, reject) => {
    const socket = net.connect({ host: '127.0.0.1', port });
    const chunks = [];
    socket.setTimeout(30_000, () => socket.destroy(new Error('raw request timed out')));
    socket.on('data', (d) => chunks.push(d));
    // nginx may reset the connection after its answer (it refused to read the body): the answer counts.
    socket.on('error', (err) => { if (!chunks.length) reject(err); });
    socket.on('close', () => {
      const all = Buffer.concat(chunks).toString('utf8');
      const split = all.indexOf('\r\n\r\n');
      if (split < 0) return reject(new Error(`no HTTP answer: ${JSON.stringify(all.slice(0, 200))}`));
      const [statusLine, ...lines] = all.slice(0, split).split('\r\n');
      const headers = {};
      for (const line of lines) {
        const i = line.indexOf(':');
        headers[line.slice(0, i).trim().toLowerCase()] = line.slice(i + 1).trim();
      }
      let text = all.slice(split + 4);
      if (/chunked/i.test(headers['transfer-encoding'] ?? '')) {
        let body = '';
        for (let rest = text; ;) {
          const eol = rest.indexOf('\r\n');
          const size = parseInt(rest.slice(0, eol), 16);
          if (!size) break;
          body += rest.slice(eol + 2, eol + 2 + size);
          rest = rest.slice(eol + 4 + size);
        }
        text = body;
      }
      resolve({ status: Number(statusLine.split(' ')[1]), headers: { get: (n) => headers[n.toLowerCase()] ?? null }, text });
    });
    socket.end(head.replace(/\n/g, '\r\n')); // no body follows: nginx need not linger for one
  });
}

/** A request that declares a body over the 8 MB limit: nginx refuses it on the headers alone. */
export function oversized(port, urlPath) {
  return rawRequest(port, `POST ${urlPath} HTTP/1.1\nHost: 127.0.0.1:${port}\nContent-Type: application/x-www-form-urlencoded\n` +
    `Content-Length: ${9 * 1024 * 1024}\nConnection: close\n\n`);
}

/** The house page for `status`, and its stylesheet is this build's. */
async function assertHousePage(stack, res, status) {
  assert.equal(res.status, status, res.text.slice(0, 300));
  assert.match(res.headers.get('content-type') ?? '', /^text\/html\b/);
  assert.ok(res.text.includes(`<title>${TITLES[status]} – lantern</title>`), `title of the ${status} page:\n${res.text.slice(0, 400)}`);
  assert.ok(res.text.includes(`<h1 class="govuk-heading-l">${TITLES[status]}</h1>`), `heading of the ${status} page`);
  assert.match(res.text, /<a class="govuk-link" href="\/help">/, 'the help link');
  assert.match(res.text, /class="govuk-template__body"/, 'the GOV.UK layout');
  assert.doesNotMatch(res.text, /nginx|fastcgi|upstream|\.sock|\/tmp\//i, 'internal detail on the page');
  assert.equal(res.headers.get('cache-control'), 'no-store');
  assertSecurityHeaders(res, `the ${status} page`);
  const css = `/assets/${assetVersion()}/lantern.css`;
  assert.ok(res.text.includes(`<link rel="stylesheet" href="${css}">`), 'the stylesheet of this build');
  const sheet = await fetch(stack.base + css);
  await sheet.arrayBuffer();
  assert.equal(sheet.status, 200);
}

/** The processes of the FastCGI server (however many it runs). */
function appProcesses(stack) {
  return pidsMentioning(stack.dataDir).filter((pid) => {
    try {
      return fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').includes('serve');
    } catch {
      return false;
    }
  });
}

describe('house error pages', () => {
  let stack;
  before(async () => {
    // One scan a minute and a burst of one: the third scan is over the limit. Two seconds for the app's answer.
    stack = await startStack({ threads: 2, scanRate: '1r/m', scanBurst: 1, args: ['--upstream-timeout', '2'] });
  });
  after(async () => {
    if (stack) await stack.stop();
  });

  test('413: a body over the limit', async () => {
    await assertHousePage(stack, await oversized(stack.port, '/account'), 413);
    const apiRes = await oversized(stack.port, '/api/v1/me');
    assert.equal(apiRes.status, 413);
    assert.match(apiRes.headers.get('content-type') ?? '', /^application\/json\b/);
    assert.match(JSON.parse(apiRes.text).error, /too large/);
  });

  test('429: over a rate limit', async () => {
    const c = new Client(stack.base);
    for (let i = 0; i < 2; i++) assert.notEqual((await c.get('/c/NOSUCHCODE')).status, 429, `scan ${i + 1}`);
    await assertHousePage(stack, await c.get('/c/NOSUCHCODE'), 429);
  });

  test('500: nginx cannot keep a request body (its temporary directory is closed)', async () => {
    const bodies = path.join(stack.dataDir, 'nginx', 'tmp', 'client_body');
    const saved = fs.statSync(bodies).mode & 0o777;
    fs.chmodSync(bodies, 0);
    try {
      // Over client_body_buffer_size (64k), so nginx must write it to a file first.
      const res = await new Client(stack.base).postForm('/account', { note: 'x'.repeat(200_000) });
      await assertHousePage(stack, res, 500);
    } finally {
      fs.chmodSync(bodies, saved);
    }
  });

  test('502: the app cannot be reached', async () => {
    const run = path.join(stack.dataDir, 'run');
    const sockets = fs.readdirSync(run).filter((f) => f.endsWith('.sock'));
    assert.ok(sockets.length > 0, 'no FastCGI socket');
    for (const s of sockets) fs.renameSync(path.join(run, s), path.join(run, `${s}.away`));
    try {
      await assertHousePage(stack, await new Client(stack.base).get('/help'), 502);
    } finally {
      for (const s of sockets) fs.renameSync(path.join(run, `${s}.away`), path.join(run, s));
    }
    assert.equal((await new Client(stack.base).get('/healthz')).status, 200, 'back once the socket is');
  });

  test('504: the app does not answer in time', async () => {
    const pids = appProcesses(stack);
    assert.ok(pids.length > 0, 'no lantern serve process');
    for (const pid of pids) process.kill(pid, 'SIGSTOP');
    try {
      await assertHousePage(stack, await new Client(stack.base).get('/help'), 504);
    } finally {
      for (const pid of pids) process.kill(pid, 'SIGCONT');
    }
    assert.equal((await new Client(stack.base).get('/healthz')).status, 200);
  });

  test('the pages are not reachable by address', async () => {
    for (const p of ['/_errors/502.html', '/_errors/429.json']) {
      const res = await new Client(stack.base).get(p);
      assert.equal(res.status, 404, p);
    }
  });
});
