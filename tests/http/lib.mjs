// Black-box HTTP test harness for lantern: starts nginx/run (nginx + bin/lantern)
// on a free port with a fresh data directory, and talks to it over HTTP.
// For node's built-in test runner (`node --test tests/http/`); no npm packages.
//
//   import { startStack, Client, api, addUser, tokenFor } from './lib.mjs';
//   const stack = await startStack();              // after(() => stack.stop())
//   const c = new Client(stack.base); await c.login('admin@lantern.example', 'lantern-demo');
//
// Environment: LANTERN_TEST_VERBOSE=1 echoes the stack's output;
// LANTERN_KEEP_DATA=1 keeps the temporary data directories;
// LANTERN_TEST_DB=postgresql puts each stack's data in a fresh PostgreSQL database (postgres.mjs), and
// stack.dbPath is then its URI: sqlite() reads either engine, so a test runs on both.

import assert from 'node:assert/strict';
import { execFile, execFileSync, spawn } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

import { createDatabase, dropDatabase, onPostgres, psql, psqlArgs } from './postgres.mjs';

export { onPostgres };

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
export const LANTERN = process.env.LANTERN_BIN || path.join(ROOT, 'bin', 'lantern');
export const RUNNER = path.join(ROOT, 'nginx', 'run');
export const ASSETS = path.join(ROOT, 'build', 'assets');

/** The name of the browser session cookie (include/auth.h). */
export const SESSION_COOKIE = '__Host-lantern_session';

const VERBOSE = !!process.env.LANTERN_TEST_VERBOSE;
const KEEP_DATA = !!process.env.LANTERN_KEEP_DATA;
const START_TIMEOUT_MS = 20_000;
const STOP_TIMEOUT_MS = 45_000;

/** The asset version pages use in /assets/<VERSION>/<file>. */
export function assetVersion() {
  return fs.readFileSync(path.join(ASSETS, 'VERSION'), 'utf8').trim();
}

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** A TCP port on 127.0.0.1 that was free a moment ago. */
export function freePort() {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
  });
}

// ---------------------------------------------------------------------------
// Process cleanup: no nginx or lantern may outlive the test process, even when
// a test throws before calling stop().

const live = new Set(); // runner ChildProcess objects still running
const dataDirs = new Set(); // temporary data directories not yet removed
let cleanupInstalled = false;

function killGroup(child, signal) {
  try {
    process.kill(-child.pid, signal); // the runner leads its own process group
  } catch {
    try { child.kill(signal); } catch { /* already gone */ }
  }
}

function installCleanup() {
  if (cleanupInstalled) return;
  cleanupInstalled = true;
  process.on('exit', () => {
    for (const child of live) killGroup(child, 'SIGTERM');
    if (!KEEP_DATA) {
      for (const dir of dataDirs) fs.rmSync(dir, { recursive: true, force: true, maxRetries: 2 });
    }
  });
  for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP']) {
    process.once(sig, () => process.exit(128 + (os.constants.signals[sig] ?? 15)));
  }
}

/** A mail command for LANTERN_SENDMAIL that keeps each message it is handed, in a temporary directory:
 * { sendmail, recipients(), messages() }: the To: address of every message handed so far, and each whole.
 * Called as the server calls sendmail (-t -i: recipients from the headers, a lone dot is not the end),
 * or it refuses the message (exit 64). */
export function mailCatcher() {
  const dir = tempDataDir();
  const mailbox = path.join(dir, 'mailbox');
  const sendmail = path.join(dir, 'sendmail');
  fs.mkdirSync(mailbox);
  // Each message is written aside and then moved in, so a test never reads one half written.
  fs.writeFileSync(sendmail, '#!/bin/sh\n[ "$1" = "-t" ] && [ "$2" = "-i" ] || exit 64\n' +
    `t=$(mktemp "${mailbox}/.part.XXXXXXXX") && cat > "$t" && ` +
    `mv "$t" "${mailbox}/$(date +%s%N).$$"\n`, { mode: 0o755 });
  const read = (f) => fs.readFileSync(path.join(mailbox, f), 'utf8');
  const whole = () => fs.readdirSync(mailbox).filter((f) => !f.startsWith('.'));
  return {
    sendmail,
    recipients: () => whole().map((f) => read(f).match(/^To: (.*)$/m)?.[1]),
    /** Every message handed over so far, whole, in no particular order. */
    messages: () => whole().map(read),
  };
}

/** Every e-mail to `email` (all when null), oldest first, as the mail command gets it or got it: the
 * queued message's calendar file written from its session as it is now (`lantern outbox`). */
export async function mailTo(stack, email) {
  const r = await stack.cli(['outbox', '--base-url', stack.base, ...(email ? ['--to', email] : [])]);
  if (r.code !== 0) throw new Error(`lantern outbox: ${r.stderr}`);
  return JSON.parse(r.stdout);
}

/** A temporary data directory for startStack({ dataDir }), removed when the test process exits. */
export function tempDataDir() {
  installCleanup();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lantern-http-'));
  dataDirs.add(dir);
  return dir;
}

/** Pids of processes whose command line contains `needle` (Linux /proc). */
export function pidsMentioning(needle) {
  const pids = [];
  for (const name of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(name) || Number(name) === process.pid) continue;
    let cmd;
    try {
      cmd = fs.readFileSync(`/proc/${name}/cmdline`, 'utf8');
    } catch {
      continue;
    }
    if (cmd.includes(needle)) pids.push(Number(name));
  }
  return pids;
}

/** Pids of the direct children of `pid` (Linux /proc). */
export function childPids(pid) {
  const out = [];
  for (const name of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const stat = fs.readFileSync(`/proc/${name}/stat`, 'utf8');
      // pid (comm) state ppid ...; comm may contain spaces and parentheses.
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      if (ppid === pid) out.push(Number(name));
    } catch {
      /* process vanished */
    }
  }
  return out;
}

/** True if `pid` exists and is not a zombie. */
export function isAlive(pid) {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2)[0] !== 'Z';
  } catch {
    return false;
  }
}

/** Run `bin/lantern --db dbPath ...args`; resolves {code, stdout, stderr}. */
export function runLantern(dbPath, args, { input, env } = {}) {
  return new Promise((resolve, reject) => {
    const argv = dbPath ? ['--db', dbPath, ...args] : args;
    const child = spawn(LANTERN, argv, {
      cwd: ROOT,
      env: { ...process.env, ...env },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d) => { stdout += d; });
    child.stderr.setEncoding('utf8').on('data', (d) => { stderr += d; });
    child.on('error', reject);
    child.on('close', (code, signal) => resolve({ code: code ?? 128 + (os.constants.signals[signal] ?? 0), stdout, stderr }));
    child.stdin.on('error', () => { /* program exited without reading */ });
    child.stdin.end(input ?? '');
  });
}

/**
 * Start nginx + lantern via nginx/run on a free port with a fresh data dir.
 * Options:
 *   threads      --threads for the app (default 4; null: none, the app's own default)
 *   loginRate    nginx rate for POST /login (default '100r/s': the production
 *   loginBurst   30r/m burst 20 would make tests that log in often flaky;
 *                pass loginRate: '30r/m', loginBurst: 20 to test the limit)
 *   surveyRate   the same for POST /s/{code} and GET /c/{code} (default
 *   surveyBurst  '1000r/s' and 10000, relaxed like the login limit; pass
 *   scanRate     the production '5r/s' 100 and '10r/s' 200 to test them)
 *   scanBurst
 *   productionLimits  true: pass none of the above, so nginx/run's own defaults (production's) apply
 *   demo         true: run `lantern demo` after start
 *   env          extra environment for the runner and the app (e.g. LANTERN_CLOCK_FILE)
 *   dataDir      an existing data directory (from tempDataDir()) to start on, so a test can restart
 *                the stack on the same database; stop() then leaves it in place
 *   args         more nginx/run arguments (e.g. ['--upstream-timeout', '2'])
 *   tls          { cert, key } files: serve HTTPS (base is then https://); fetch() does not trust the
 *                certificate, so talk to it with curl --cacert (its cert is its own CA)
 *   baseUrl      nginx/run --base-url: the public address in links (default: nginx/run's, the stack's own)
 *   database     a PostgreSQL database's URI: another stack's dbPath, so this one serves the same data
 *                as a second application host does (stop it before the stack that made the database),
 *                or one a test made (createDatabase), on either engine's pass
 * Resolves { base, port, dataDir, dbPath, pid, stop(), cli(args, {input}), output(), appPid() }.
 */
export async function startStack({
  threads = 4, loginRate = '100r/s', loginBurst = 1000, surveyRate = '1000r/s', surveyBurst = 10000,
  scanRate = '1000r/s', scanBurst = 10000, productionLimits = false, demo = false, env = {}, dataDir, args = [], tls,
  baseUrl, database,
} = {}) {
  const limits = productionLimits ? null : { loginRate, loginBurst, surveyRate, surveyBurst, scanRate, scanBurst };
  assert.ok(fs.existsSync(LANTERN), `${LANTERN} is missing: run make`);
  if ((env.LANTERN_CLOCK_FILE || env.LANTERN_NOW) && !env.LANTERN_BIN) assertTestClock();
  installCleanup();
  let lastError;
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      const extra = tls ? [...args, '--tls-cert', tls.cert, '--tls-key', tls.key] : args;
      const stack = await startOnce({ threads, limits, env, dataDir, extra, ca: tls?.cert, baseUrl, database });
      if (demo) {
        const r = await stack.cli(['demo']);
        assert.equal(r.code, 0, `lantern demo failed:\n${r.stderr}`);
      }
      return stack;
    } catch (err) {
      lastError = err;
      if (!err.portInUse) throw err; // only a lost race for the port is retried
    }
  }
  throw lastError;
}

/** The PostgreSQL database of a stack: a new one, or, in a data directory a test gave (to start again
 * on the same data), the one it had, named in DIR/postgres-uri. Dropped with the stack's data. */
function stackDatabase(dataDir, given) {
  const file = path.join(dataDir, 'postgres-uri');
  if (given && fs.existsSync(file)) return fs.readFileSync(file, 'utf8').trim();
  const uri = createDatabase();
  if (given) fs.writeFileSync(file, `${uri}\n`);
  return uri;
}

/** Only a test build (bin/lantern-san) has a clock tests can set; bin/lantern ignores LANTERN_NOW and
 * LANTERN_CLOCK_FILE, so a test that moves the clock must not run on it. */
export function assertTestClock() {
  const help = execFileSync(LANTERN, ['--help'], { encoding: 'utf8' });
  assert.match(help, /^test build: the clock follows/m,
    `${LANTERN} is a production build, which ignores the test clock: run with LANTERN_BIN=bin/lantern-san`);
}

async function startOnce({ threads, limits, env, dataDir: given, extra, ca, baseUrl, database }) {
  assert.ok(!database || isPostgres(database), 'a stack is given only a PostgreSQL database');
  const port = await freePort();
  const dataDir = given ?? fs.mkdtempSync(path.join(os.tmpdir(), 'lantern-http-'));
  dataDirs.add(dataDir);
  const dbPath = database ?? (onPostgres ? stackDatabase(dataDir, given) : path.join(dataDir, 'lantern.db'));
  const base = `${ca ? 'https' : 'http'}://127.0.0.1:${port}`;
  const args = ['--port', String(port), '--data', dataDir];
  if (threads !== null) args.push('--threads', String(threads));
  if (baseUrl) args.push('--base-url', baseUrl);
  if (limits) {
    args.push('--login-rate', limits.loginRate, '--login-burst', String(limits.loginBurst),
      '--survey-rate', limits.surveyRate, '--survey-burst', String(limits.surveyBurst),
      '--scan-rate', limits.scanRate, '--scan-burst', String(limits.scanBurst));
  }
  if (isPostgres(dbPath)) args.push('--db', dbPath);
  args.push(...extra);
  const child = spawn(RUNNER, args, {
    cwd: ROOT,
    env: { ...process.env, ...env },
    detached: true, // own process group, so cleanup can signal the whole stack
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  live.add(child);
  let output = '';
  const keep = (d) => {
    output += d;
    if (output.length > 200_000) output = output.slice(-100_000);
    if (VERBOSE) process.stderr.write(d);
  };
  child.stdout.setEncoding('utf8').on('data', keep);
  child.stderr.setEncoding('utf8').on('data', keep);
  let exitCode = null;
  const exited = new Promise((resolve) => {
    child.on('exit', (code, signal) => {
      exitCode = code ?? 128 + (os.constants.signals[signal] ?? 0);
      live.delete(child);
      resolve(exitCode);
    });
    child.on('error', (err) => {
      keep(`spawn failed: ${err.message}\n`);
      exitCode = 127;
      live.delete(child);
      resolve(exitCode);
    });
  });
  // Don't let a forgotten stop() keep the test process alive: the 'exit'
  // handler above then takes the stack down.
  child.unref();
  child.stdout.unref?.();
  child.stderr.unref?.();

  const removeData = () => {
    if (KEEP_DATA || given) return; // a given directory is its test's to remove (tempDataDir does at exit)
    fs.rmSync(dataDir, { recursive: true, force: true });
    dataDirs.delete(dataDir);
    if (onPostgres && !database) dropDatabase(dbPath);
  };

  let stopping = null;
  const stack = {
    base,
    port,
    dataDir,
    dbPath,
    pid: child.pid,
    /** Everything the runner, nginx and the app printed so far. */
    output: () => output,
    /** Resolves to the runner's exit code once it has exited. */
    exited,
    /** SIGTERM the runner, wait for it, return its exit code; throws if a sanitizer reported a problem. */
    stop(signal = 'SIGTERM') {
      if (stopping) return stopping;
      stopping = (async () => {
        if (exitCode === null) {
          try { child.kill(signal); } catch { /* gone */ }
          let timer;
          const timedOut = new Promise((resolve) => { timer = setTimeout(() => resolve('timeout'), STOP_TIMEOUT_MS); });
          const r = await Promise.race([exited, timedOut]);
          clearTimeout(timer);
          if (r === 'timeout') {
            killGroup(child, 'SIGKILL');
            await exited;
          }
        }
        removeData();
        // The app's master replaces a serving process that dies, so a sanitizer's abort no longer
        // ends the stack: its report in the output fails the test instead.
        const report = output.match(/^.*(?:ERROR: \w+Sanitizer|runtime error:)[\s\S]{0,3000}/m);
        if (report) throw new Error(`a sanitizer reported a problem in the stack:\n${report[0]}`);
        return exitCode;
      })();
      return stopping;
    },
    /** Run bin/lantern --db <this stack's db> ...args. */
    cli: (cliArgs, opts) => runLantern(dbPath, cliArgs, opts),
    /** The pid of the FastCGI server (`lantern serve`), the runner's child; undefined once it is gone. */
    appPid: () => childPids(child.pid).find((pid) => {
      try {
        return fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').includes('serve');
      } catch {
        return false;
      }
    }),
  };

  // Wait (bounded) for the runner's ready line, then for /healthz to answer 200.
  const deadline = Date.now() + START_TIMEOUT_MS;
  let lastProblem = 'no answer';
  for (;;) {
    if (exitCode !== null) {
      removeData();
      const err = new Error(`nginx/run exited with ${exitCode} before /healthz answered:\n${output}`);
      err.portInUse = /already in use|Address already in use/.test(output);
      throw err;
    }
    if (Date.now() > deadline) {
      await stack.stop();
      throw new Error(`/healthz did not answer 200 within ${START_TIMEOUT_MS} ms (${lastProblem}):\n${output}`);
    }
    if (!/^lantern: serving https?:/m.test(output)) {
      lastProblem = 'nginx/run has not printed its ready line';
      await sleep(50);
      continue;
    }
    try {
      const status = await healthStatus(base, ca);
      if (status === 200) break;
      lastProblem = `status ${status}`;
    } catch (err) {
      lastProblem = err.cause?.code ?? err.message;
    }
    await sleep(100);
  }
  return stack;
}

/** The status of GET base/healthz; over HTTPS, trusting the certificate in file `ca`. */
async function healthStatus(base, ca) {
  if (!ca) {
    const res = await fetch(`${base}/healthz`, { redirect: 'manual', signal: AbortSignal.timeout(2000) });
    await res.arrayBuffer();
    return res.status;
  }
  return new Promise((resolve, reject) => {
    const req = https.get(`${base}/healthz`, { ca: fs.readFileSync(ca), timeout: 2000 }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode));
    });
    req.on('timeout', () => req.destroy(new Error('timed out')));
    req.on('error', reject);
  });
}

// ---------------------------------------------------------------------------
// HTTP helpers

// Adds the read body to a fetch Response (whose body is then used up):
//   .text  the body as a string
//   .json  the body parsed as JSON, or undefined if it is empty or not JSON
//          (a value, not a method: `res.json.id`)
//   .data  the same as .json
function decorate(res, text) {
  let data;
  try {
    data = text === '' ? undefined : JSON.parse(text);
  } catch {
    data = undefined;
  }
  Object.defineProperty(res, 'text', { value: text, enumerable: true });
  Object.defineProperty(res, 'json', { value: data, enumerable: true });
  Object.defineProperty(res, 'data', { value: data, enumerable: true });
  return res;
}

async function send(base, method, urlPath, { headers = {}, body, localAddress } = {}) {
  if (localAddress) return sendFrom(localAddress, base, method, urlPath, { headers, body });
  const res = await fetch(new URL(urlPath, base), {
    method,
    headers,
    body,
    redirect: 'manual',
    signal: AbortSignal.timeout(30_000),
  });
  return decorate(res, await res.text());
}

// The same as send() from another loopback source address (127.0.0.2 ...; plain-http stacks), so the server sees
// another client address (REMOTE_ADDR). fetch cannot choose its source address; node:http can. The
// answer has what tests read of a fetch Response: status, headers (get, getSetCookie), text, json.
function sendFrom(localAddress, base, method, urlPath, { headers, body }) {
  return new Promise((resolve, reject) => {
    const url = new URL(urlPath, base);
    const req = http.request(url, { method, headers, localAddress, timeout: 30_000 }, (res) => {
      const chunks = [];
      res.on('data', (c) => chunks.push(c));
      res.on('error', reject);
      res.on('end', () => {
        const h = new Headers();
        for (let i = 0; i < res.rawHeaders.length; i += 2) h.append(res.rawHeaders[i], res.rawHeaders[i + 1]);
        resolve(decorate({ status: res.statusCode, ok: res.statusCode < 300, headers: h, url: url.href },
          Buffer.concat(chunks).toString('utf8')));
      });
    });
    req.on('timeout', () => req.destroy(new Error(`${method} ${urlPath} from ${localAddress}: no answer in 30 s`)));
    req.on('error', reject);
    req.end(body);
  });
}

/** Encode an object as application/x-www-form-urlencoded (arrays repeat the key). */
export function formBody(fields) {
  const p = new URLSearchParams();
  for (const [k, v] of Object.entries(fields ?? {})) {
    if (v === undefined || v === null) continue;
    if (Array.isArray(v)) for (const item of v) p.append(k, String(item));
    else p.append(k, String(v));
  }
  return p.toString();
}

function decodeEntities(s) {
  return s
    .replace(/&#x([0-9a-f]+);/gi, (_, h) => String.fromCodePoint(parseInt(h, 16)))
    .replace(/&#(\d+);/g, (_, d) => String.fromCodePoint(Number(d)))
    .replace(/&quot;/g, '"').replace(/&#39;|&apos;/g, "'")
    .replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&');
}

/** The value of the first hidden input named "csrf" in `html` (undefined if none). */
export function csrfFrom(html) {
  for (const m of String(html).matchAll(/<input\b[^>]*>/gi)) {
    const tag = m[0];
    if (!/\bname\s*=\s*["']?csrf["'\s/>]/i.test(tag)) continue;
    const v = tag.match(/\bvalue\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'>]+))/i);
    if (v) return decodeEntities(v[1] ?? v[2] ?? v[3]);
  }
  return undefined;
}

/** Parse one Set-Cookie header into {name, value, attrs} (attrs keys lower-case). */
export function parseSetCookie(header) {
  const [pair, ...rest] = header.split(';');
  const eq = pair.indexOf('=');
  const name = (eq < 0 ? '' : pair.slice(0, eq)).trim();
  const value = (eq < 0 ? pair : pair.slice(eq + 1)).trim();
  const attrs = {};
  for (const part of rest) {
    const i = part.indexOf('=');
    const k = (i < 0 ? part : part.slice(0, i)).trim().toLowerCase();
    if (k) attrs[k] = i < 0 ? true : part.slice(i + 1).trim();
  }
  return { name, value, attrs };
}

/**
 * A browser-like client with a cookie jar; every request uses redirect: 'manual'.
 * `localAddress` (e.g. '127.0.0.2') makes it connect from that loopback address: another client
 * address as far as the server can tell. `origin` is the Origin its unsafe requests carry (default
 * base), e.g. the configured public address when the stack is reached by another.
 */
export class Client {
  constructor(base, { localAddress, origin } = {}) {
    this.base = base;
    this.localAddress = localAddress;
    this.origin = origin ?? base;
    this.jar = new Map(); // name -> value
    this.setCookies = []; // every raw Set-Cookie header received, in order
    this.lastSetCookies = []; // those of the last response
  }

  cookie(name) {
    return this.jar.get(name);
  }

  /** The hidden csrf value in `html` (the same as the exported csrfFrom). */
  csrfFrom(html) {
    return csrfFrom(html);
  }

  cookieHeader() {
    return [...this.jar].map(([k, v]) => `${k}=${v}`).join('; ');
  }

  /** Any request. `headers` are added to the cookie (and, for unsafe methods, Origin) headers; one
   * given as undefined is left out. */
  async request(method, urlPath, { headers = {}, body } = {}) {
    const h = { ...headers };
    if (this.jar.size && !('cookie' in lower(h))) h.Cookie = this.cookieHeader();
    // Browsers send Origin on unsafe requests; apps may check it.
    if (!['GET', 'HEAD', 'OPTIONS'].includes(method) && !('origin' in lower(h))) h.Origin = this.origin;
    // A header given as undefined is not sent: { Origin: undefined } makes a request without one.
    for (const k of Object.keys(h)) if (h[k] === undefined) delete h[k];
    const res = await send(this.base, method, urlPath, { headers: h, body, localAddress: this.localAddress });
    this.lastSetCookies = res.headers.getSetCookie();
    for (const raw of this.lastSetCookies) {
      this.setCookies.push(raw);
      const { name, value, attrs } = parseSetCookie(raw);
      if (!name) continue;
      const expired = (attrs['max-age'] !== undefined && Number(attrs['max-age']) <= 0) ||
        (typeof attrs.expires === 'string' && Date.parse(attrs.expires) <= Date.now());
      if (expired || value === '') this.jar.delete(name);
      else this.jar.set(name, value);
    }
    return res;
  }

  get(urlPath, headers) {
    return this.request('GET', urlPath, { headers });
  }

  postForm(urlPath, fields, headers) {
    return this.request('POST', urlPath, {
      headers: { 'Content-Type': 'application/x-www-form-urlencoded', ...headers },
      body: formBody(fields),
    });
  }

  postJSON(urlPath, body, headers) {
    return this.#json('POST', urlPath, body, headers);
  }

  putJSON(urlPath, body, headers) {
    return this.#json('PUT', urlPath, body, headers);
  }

  delete(urlPath, body, headers) {
    return this.#json('DELETE', urlPath, body, headers);
  }

  #json(method, urlPath, body, headers) {
    const h = { Accept: 'application/json', ...headers };
    if (body !== undefined) h['Content-Type'] = 'application/json';
    return this.request(method, urlPath, { headers: h, body: body === undefined ? undefined : JSON.stringify(body) });
  }

  /** GET `pagePath`, then POST `fields` plus that page's csrf to `action` (default: same path). */
  async submit(pagePath, fields, action = pagePath) {
    const page = await this.get(pagePath);
    const csrf = csrfFrom(page.text);
    assert.ok(csrf, `no hidden csrf input on ${pagePath} (status ${page.status})`);
    return this.postForm(action, { ...fields, csrf });
  }

  /** Log in through the web form; asserts the 303. Returns the POST response. */
  async login(email, password = 'lantern-demo') {
    const form = await this.get('/login');
    assert.equal(form.status, 200, `GET /login answered ${form.status}`);
    const csrf = csrfFrom(form.text);
    assert.ok(csrf, 'GET /login has no hidden csrf input');
    const res = await this.postForm('/login', { email, password, csrf });
    assert.equal(res.status, 303, `login as ${email} answered ${res.status}: ${res.text.slice(0, 300)}`);
    return res;
  }
}

function lower(h) {
  return Object.fromEntries(Object.entries(h).map(([k, v]) => [k.toLowerCase(), v]));
}

/**
 * JSON API helpers with a bearer token:
 *   const a = api(stack.base, token); const r = await a.get('/api/v1/me'); r.status, r.data
 * Each returns the fetch Response with .text and .json (parsed value).
 */
export function api(base, token) {
  const request = (method, urlPath, body, headers = {}) => {
    const h = { Accept: 'application/json', ...headers };
    if (token) h.Authorization = `Bearer ${token}`;
    if (body !== undefined) h['Content-Type'] = 'application/json';
    return send(base, method, urlPath, { headers: h, body: body === undefined ? undefined : JSON.stringify(body) });
  };
  return {
    request,
    get: (p, headers) => request('GET', p, undefined, headers),
    post: (p, body, headers) => request('POST', p, body, headers),
    put: (p, body, headers) => request('PUT', p, body, headers),
    patch: (p, body, headers) => request('PATCH', p, body, headers),
    delete: (p, body, headers) => request('DELETE', p, body, headers),
  };
}

/**
 * Answers the pupil survey at /s/{code} as a JSON client must: fetches a one-use answer token
 * (GET /s/{code} with Accept: application/json), then posts the answers with it. Where the GET is
 * refused (a closed, full or unknown run) the answers go without a token, so the POST's own refusal
 * comes back. Resolves the POST's response.
 */
export async function answerSurvey(base, code, answers, headers = {}) {
  const token = (await api(base).get(`/s/${code}`)).data?.token;
  return api(base).post(`/s/${code}`, token ? { ...answers, token } : answers, headers);
}

// ---------------------------------------------------------------------------
// CLI helpers

/** `lantern user add`; the password goes on stdin followed by a newline. Asserts exit 0. */
export async function addUser(stack, { email, name, role, org, school, password = 'lantern-test-password' }) {
  assert.ok(email && role, 'addUser needs email and role');
  const args = ['user', 'add', '--email', email, '--name', name ?? email.split('@')[0], '--role', role];
  if (org !== undefined && org !== null) args.push('--org', String(org));
  if (school !== undefined && school !== null) args.push('--school', String(school));
  const r = await stack.cli(args, { input: `${password}\n` });
  assert.equal(r.code, 0, `lantern user add ${email} failed (${r.code}):\n${r.stderr}${r.stdout}`);
  return { ...r, email, password };
}

/** `lantern token create --email E`; returns the token (last non-empty stdout line). Asserts exit 0. */
export async function tokenFor(stack, email) {
  const r = await stack.cli(['token', 'create', '--email', email]);
  assert.equal(r.code, 0, `lantern token create ${email} failed (${r.code}):\n${r.stderr}${r.stdout}`);
  const lines = r.stdout.split('\n').map((l) => l.trim()).filter(Boolean);
  assert.ok(lines.length, 'lantern token create printed nothing');
  return lines[lines.length - 1];
}

/** A Client already logged in as `email`. */
export async function loggedIn(stack, email, password = 'lantern-demo') {
  const c = new Client(stack.base);
  await c.login(email, password);
  return c;
}

/** The security headers nginx adds to every response (lower-case names). */
export const SECURITY_HEADERS = {
  'content-security-policy':
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; font-src 'self'; " +
    "connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'; object-src 'none'",
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
  'x-frame-options': 'DENY',
  'permissions-policy': 'camera=(), microphone=(), geolocation=()',
  'cross-origin-opener-policy': 'same-origin',
};

/** Assert `res` carries every security header exactly once with the expected value. */
export function assertSecurityHeaders(res, what = res.url) {
  for (const [name, value] of Object.entries(SECURITY_HEADERS)) {
    assert.equal(res.headers.get(name), value, `${name} on ${what} (status ${res.status})`);
  }
}

// ---------------------------------------------------------------------------
// QR codes

/** Every QR code zbarimg finds in an image file, one string each. */
export function qrCodesIn(file) {
  const out = execFileSync('zbarimg', ['-q', '--raw', file], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
  return out.split('\n').map((l) => l.trim()).filter(Boolean);
}

function withTmp(prefix, fn) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  try {
    return fn(dir);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

/** The QR codes in the first <svg> of `text`, rendered with rsvg-convert at `width` pixels. */
export function decodeQrSvgAll(text, width = 1600) {
  const svg = String(text).match(/<svg[\s\S]*<\/svg>/);
  assert.ok(svg, 'no <svg> in the text');
  return withTmp('lantern-qr-', (dir) => {
    fs.writeFileSync(path.join(dir, 'qr.svg'), svg[0]);
    execFileSync('rsvg-convert', ['-w', String(width), '-b', 'white', path.join(dir, 'qr.svg'), '-o', path.join(dir, 'qr.png')]);
    return qrCodesIn(path.join(dir, 'qr.png'));
  });
}

/** The one QR code in the first <svg> of `text`. */
export function decodeQrSvg(text) {
  const svg = String(text).match(/<svg[\s\S]*?<\/svg>/);
  assert.ok(svg, 'no <svg> in the text');
  const codes = decodeQrSvgAll(svg[0], 400);
  assert.equal(codes.length, 1, `one QR code, found ${codes.length}`);
  return codes[0];
}

/** The QR codes on a one-page PDF, rendered with pdftoppm at 150 dpi. */
export function decodePdfQrAll(pdf) {
  return withTmp('lantern-pdf-', (dir) => {
    fs.writeFileSync(path.join(dir, 'm.pdf'), pdf);
    execFileSync('pdftoppm', ['-png', '-r', '150', path.join(dir, 'm.pdf'), path.join(dir, 'page')]);
    const pages = fs.readdirSync(dir).filter((f) => f.endsWith('.png'));
    assert.equal(pages.length, 1, 'one page');
    return qrCodesIn(path.join(dir, pages[0]));
  });
}

/** The words of a one-page PDF where they are drawn (pdftotext -bbox): { width, height, words: [{ text,
 * xMin, yMin, xMax, yMax }] } in points. */
export function pdfWords(pdf) {
  return withTmp('lantern-pdf-', (dir) => {
    fs.writeFileSync(path.join(dir, 'm.pdf'), pdf);
    execFileSync('pdftotext', ['-bbox', path.join(dir, 'm.pdf'), path.join(dir, 'm.html')]);
    const html = fs.readFileSync(path.join(dir, 'm.html'), 'utf8');
    const pages = [...html.matchAll(/<page width="([\d.]+)" height="([\d.]+)">/g)];
    assert.equal(pages.length, 1, 'one page');
    const unescape = (t) => t.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&quot;/g, '"').replace(/&#39;/g, "'").replace(/&amp;/g, '&');
    const words = [...html.matchAll(/<word xMin="([\d.-]+)" yMin="([\d.-]+)" xMax="([\d.-]+)" yMax="([\d.-]+)">([^<]*)<\/word>/g)]
      .map(([, xMin, yMin, xMax, yMax, text]) => ({ text: unescape(text), xMin: +xMin, yMin: +yMin, xMax: +xMax, yMax: +yMax }));
    return { width: Number(pages[0][1]), height: Number(pages[0][2]), words };
  });
}

/** The one QR code on a one-page PDF. */
export function decodePdfQr(pdf) {
  const codes = decodePdfQrAll(pdf);
  assert.equal(codes.length, 1, `one QR code, found ${codes.length}`);
  return codes[0];
}

/** Polls check() (sync or async) every 200 ms until it is true; fails naming `what` after ms. For what
 * the server does in the background, such as the duty that issues certificates every few seconds. */
export async function waitFor(what, check, ms = 45_000) {
  await waitUntil(check, what, ms);
}

/** The shell waits for a lock as the server does, rather than fail at once: a writer's commit, or the
 * recovery of the WAL after a serving process was killed, holds one for a moment. */
const SQLITE_WAIT = '.timeout 5000';

/** Runs SQL against the stack's database with the sqlite3 shell, or psql when dbPath is a PostgreSQL
 * URI; returns the trimmed output, rows a line each with fields joined by |. SQL both engines take
 * (app/sql/pg/compat.sql gives PostgreSQL SQLite's functions). PostgreSQL's true and false (a field
 * that is t or f) read 1 and 0, as SQLite prints a comparison. */
export function sqlite(dbPath, query) {
  if (isPostgres(dbPath)) return asSqlitePrints(psql(dbPath, query));
  return execFileSync('sqlite3', ['-cmd', SQLITE_WAIT, dbPath, query], { encoding: 'utf8' }).trim();
}

function asSqlitePrints(out) {
  return out.split('\n').map((row) => row.split('|').map((f) => (f === 't' ? '1' : f === 'f' ? '0' : f)).join('|')).join('\n');
}

/** The rows of `query` as objects keyed by column name (the sqlite3 shell's -json, or json_agg). */
export function sqliteJson(dbPath, query) {
  const text = isPostgres(dbPath)
    ? psql(dbPath, `SELECT coalesce(json_agg(q), '[]') FROM (${query}) q`)
    : execFileSync('sqlite3', ['-json', '-cmd', SQLITE_WAIT, dbPath, query], { encoding: 'utf8' });
  return JSON.parse(text || '[]');
}

function isPostgres(dbPath) {
  return /^postgres(ql)?:\/\//.test(dbPath);
}

/** The same as sqlite(), without blocking the event loop (for reads while requests are in flight). */
export function sqliteAsync(dbPath, query) {
  const [cmd, argv] = isPostgres(dbPath)
    ? ['psql', psqlArgs(dbPath, query)]
    : ['sqlite3', ['-readonly', '-cmd', SQLITE_WAIT, dbPath, query]];
  return new Promise((resolve, reject) => {
    execFile(cmd, argv, { encoding: 'utf8' }, (err, stdout, stderr) => {
      if (err) reject(new Error(`${cmd}: ${stderr || err.message}`));
      else resolve(isPostgres(dbPath) ? asSqlitePrints(stdout.trim()) : stdout.trim());
    });
  });
}

// ---------------------------------------------------------------------------
// Waiting and failing

/** Polls cond() until it returns something truthy, and returns that; fails after `ms`. The bound is
 * generous (a loaded 2-core machine under ASan): it only decides how long a failing test takes. */
export async function waitUntil(cond, what, ms = 30_000) {
  const deadline = Date.now() + ms;
  for (;;) {
    const v = await cond();
    if (v) return v;
    if (Date.now() > deadline) assert.fail(`timed out after ${ms} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** The most requests from one address nginx's limit_req (`rate` like '30r/m' or '5r/s', `burst`,
 * nodelay) lets through in `ms`: the burst, the one the rate takes at once, what the rate adds in
 * that time, and one for nginx's rounding to milliseconds. A count a test can hold nginx to however
 * slowly the machine sends: the slower, the more the rate adds. */
export function rateLimitAllows({ rate, burst, ms }) {
  const [, n, unit] = rate.match(/^(\d+)r\/([sm])$/);
  const perMs = Number(n) / (unit === 's' ? 1000 : 60_000);
  return burst + 1 + Math.floor(perMs * ms) + 1;
}

const CONNECTION_ERRORS = new Set(['ECONNREFUSED', 'ECONNRESET', 'EPIPE', 'UND_ERR_SOCKET', 'UND_ERR_CLOSED']);

/** True when fetch failed because the server refused, reset or closed the connection: what a test
 * that kills the server expects afterwards. A timeout or any other error is not one. */
export function isConnectionError(err) {
  return err instanceof TypeError && CONNECTION_ERRORS.has(err.cause?.code);
}
