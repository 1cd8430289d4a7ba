// How many serving threads `nginx/run` starts when not told: lantern serve's default, eight on SQLite
// (a thread waiting for its group's sync leaves the CPU to the others), and on PostgreSQL twice the
// cores, 2 to 8, since each thread's connection is a server process working on the same cores
// (README, Speed: the session list was 13-25% faster with 4 than with 8 on 2 cores).
import test, { after } from 'node:test';
import assert from 'node:assert/strict';
import os from 'node:os';
import { onPostgres, startStack, waitUntil } from './lib.mjs';

let stack;
after(async () => {
  await stack?.stop();
});

test(`without --threads the serving process has ${onPostgres ? 'twice the cores, 2 to 8' : 'eight'} threads`, async () => {
  stack = await startStack({ threads: null });
  const line = await waitUntil(() => stack.output().match(/child 0 serving with (\d+) threads/), 'the serving process started');
  const cores = os.cpus().length;
  const expected = onPostgres ? Math.min(8, Math.max(2, 2 * cores)) : 8;
  assert.equal(Number(line[1]), expected, `${cores} cores`);
  assert.equal((await fetch(`${stack.base}/healthz`)).status, 200);
});
