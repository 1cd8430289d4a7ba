// Crash safety (issue 8): every application process (the master and its serving processes) is killed
// with SIGKILL at once in the middle of a stream of bookings, cancellations, attendance marks and QR
// scans; nginx/run starts the application again on the same data. Every write that got a success
// answer must be in the database, and the booking invariants must hold. Scans are queued in memory
// and written in batches (app/scanq.c): those acknowledged but not yet written when the server dies
// are lost. What is measured is counts, not time (writes.mjs): a reader watches the database while the
// stream runs; every scan it saw written must survive, the writer must have written while serving (not
// only at a clean stop), and nothing is counted twice.
import test, { after } from 'node:test';
import assert from 'node:assert/strict';
import { api, childPids, startStack, tokenFor } from './lib.mjs';
import { checkWrites, prepareWrites, sleep, startWrites } from './writes.mjs';

const STREAM_MS = 1500; // the least the stream runs before the kill
const STREAM_MAX_MS = 60_000; // the most it waits for enough to have happened (a loaded machine)

let stack;
after(async () => {
  await stack?.stop();
});

test('SIGKILL mid-stream loses no acknowledged booking, cancellation or mark, and breaks no invariant', async () => {
  stack = await startStack();
  const demo = await stack.cli(['demo']);
  assert.equal(demo.code, 0, demo.stderr);
  const fx = await prepareWrites(stack);

  let killed = false;
  const giveUpAt = Date.now() + STREAM_MAX_MS + 30_000; // however the test fails, its loops end
  const stream = startWrites(stack, fx, () => !killed && Date.now() < giveUpAt);
  const started = Date.now();
  while ((Date.now() - started < STREAM_MS || !stream.enough()) && Date.now() - started < STREAM_MAX_MS &&
    !stream.errors.length) {
    await sleep(50);
  }
  // Stopped first, so no process can fork, drain its queue or write anything as the others die.
  const master = stack.appPid();
  assert.ok(master, 'no lantern serve process');
  process.kill(master, 'SIGSTOP');
  const children = childPids(master);
  for (const pid of children) process.kill(pid, 'SIGSTOP');
  const killedAt = Date.now();
  killed = true; // the loops stop, whatever happens next
  for (const pid of [...children, master]) process.kill(pid, 'SIGKILL');
  await stream.loops;
  // Before the kill nothing may fail; after it, only what was in flight: nginx answers 502 for it.
  assert.deepEqual(stream.errors.filter((e) => e.at < killedAt || (e.status !== 502 && !e.connection)), [],
    'errors before the kill, or other than a 502 or a dropped connection after it');
  assert.ok(stream.enough(), `the stream did too little to test in ${STREAM_MAX_MS} ms: ${stream.summary()}`);

  // nginx/run starts it again on the same data, and it serves and writes.
  const admin = api(stack.base, await tokenFor(stack, 'admin@lantern.example'));
  let fresh;
  for (const until = Date.now() + 30_000; Date.now() < until; await sleep(200)) {
    fresh = await admin.post(`/api/v1/sessions/${fx.upcoming[0]}/bookings`, { email: 'practitioner@lantern.example' });
    if (fresh.status !== 502) break;
  }
  assert.equal(fresh.status, 201, fresh.text);
  assert.notEqual(stack.appPid(), master, 'the application was not started again');

  const { kept, lost } = checkWrites(stack.dbPath, fx, stream.acked);
  console.log(`crash test: ${stream.summary()}; ${kept} scans kept, ${lost} lost`);
});
