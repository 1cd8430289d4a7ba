// Ways to make nginx refuse or fail a request for real, for the tests of its error pages and of
// what its logs keep. Each `with...` helper undoes what it did, even when fn throws.
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { pidsMentioning } from './lib.mjs';

/** Parses one HTTP/1.1 answer; undefined until all of it (by Content-Length) has come, unless `ended`. */
function parseAnswer(all, ended) {
  const split = all.indexOf('\r\n\r\n');
  if (split < 0) return undefined;
  const [statusLine, ...lines] = all.subarray(0, split).toString('latin1').split('\r\n');
  const headers = {};
  for (const line of lines) {
    const i = line.indexOf(':');
    headers[line.slice(0, i).trim().toLowerCase()] = line.slice(i + 1).trim();
  }
  const body = all.subarray(split + 4);
  const length = Number(headers['content-length']);
  if (!ended && !(body.length >= length)) return undefined;
  return {
    status: Number(statusLine.split(' ')[1]),
    headers: { get: (n) => headers[n.toLowerCase()] ?? null },
    text: body.subarray(0, Number.isFinite(length) ? length : body.length).toString('utf8'),
  };
}

/**
 * One request written as raw text on a fresh connection, for what fetch cannot send (a declared
 * body that never comes). The connection stays open for writing, as a browser's would (nginx may
 * treat a half-closed one as a client gone); it is closed once the answer has come.
 * Resolves { status, headers.get(name), text }.
 */
export function rawRequest(port, head) {
  return new Promise((resolve, reject) => {
    const socket = net.connect({ host: '127.0.0.1', port });
    let all = Buffer.alloc(0);
    let done = false;
    const finish = (ended) => {
      const answer = done ? undefined : parseAnswer(all, ended);
      if (answer) {
        done = true;
        socket.destroy();
        resolve(answer);
      } else if (ended && !done) {
        done = true;
        reject(new Error(`no whole HTTP answer: ${JSON.stringify(all.toString('latin1').slice(0, 200))}`));
      }
    };
    socket.setTimeout(30_000, () => socket.destroy(new Error('raw request timed out')));
    socket.on('data', (d) => { all = Buffer.concat([all, d]); finish(false); });
    socket.on('error', () => finish(true)); // a reset after the answer: the answer counts
    socket.on('close', () => finish(true));
    socket.write(head.replace(/\n/g, '\r\n'));
  });
}

/** 413: a request that declares a body over the 8 MB limit; nginx refuses it on the headers alone. */
export function oversized(port, urlPath, headers = '') {
  return rawRequest(port, `POST ${urlPath} HTTP/1.1\nHost: 127.0.0.1:${port}\nContent-Type: application/x-www-form-urlencoded\n` +
    `${headers}Content-Length: ${9 * 1024 * 1024}\nConnection: close\n\n`);
}

/** 500: nginx cannot write a request body to its temporary directory while fn runs. */
export async function withBodyTempClosed(stack, fn) {
  const bodies = path.join(stack.dataDir, 'nginx', 'tmp', 'client_body');
  const saved = fs.statSync(bodies).mode & 0o777;
  fs.chmodSync(bodies, 0);
  try {
    return await fn();
  } finally {
    fs.chmodSync(bodies, saved);
  }
}
/** A form body over client_body_buffer_size (64k), which nginx must keep in a file first. */
export const BIG_FORM_FIELD = 'x'.repeat(200_000);

/** 502: the app's sockets are moved away while fn runs. */
export async function withSocketsAway(stack, fn) {
  const run = path.join(stack.dataDir, 'run');
  const sockets = fs.readdirSync(run).filter((f) => f.endsWith('.sock'));
  if (!sockets.length) throw new Error('no FastCGI socket');
  for (const s of sockets) fs.renameSync(path.join(run, s), path.join(run, `${s}.away`));
  try {
    return await fn();
  } finally {
    for (const s of sockets) fs.renameSync(path.join(run, `${s}.away`), path.join(run, s));
  }
}

/** 504 (with a short --upstream-timeout): every application process is stopped while fn runs. */
export async function withAppStopped(stack, fn) {
  const serving = () => pidsMentioning(stack.dataDir).filter((pid) => {
    try {
      return fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').includes('serve');
    } catch {
      return false;
    }
  });
  const pids = new Set();
  // Until a listing finds none running: a serving process forked while the others were being stopped
  // (the supervisor replacing one) would otherwise answer (seen: a 200 where the 504 was wanted).
  for (let round = 0; round < 50; round++) {
    const fresh = serving().filter((pid) => !pids.has(pid));
    if (round > 0 && !fresh.length) break;
    for (const pid of fresh) {
      process.kill(pid, 'SIGSTOP');
      pids.add(pid);
    }
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  if (!pids.size) throw new Error('no lantern serve process');
  try {
    return await fn();
  } finally {
    for (const pid of pids) {
      try {
        process.kill(pid, 'SIGCONT');
      } catch { /* gone meanwhile */ }
    }
  }
}
