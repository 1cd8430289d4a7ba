// nginx's rate limits on survey answers (POST /s/{code}) and QR scans (GET /c/{code}) as shipped
// (nginx/run's defaults): real use is never limited — a class answering at once from its school's
// one address, a crowd scanning a poster — and a flood from one address is answered 429, never 5xx,
// while the rest of the service carries on. (The POST /login limit is tested in nginx.test.mjs.)
import test, { after, before } from 'node:test';
import assert from 'node:assert/strict';
import { answerSurvey, api, assertSecurityHeaders, rateLimitAllows, sqlite, startStack, tokenFor, waitUntil } from './lib.mjs';

let stack, trainer, lead;
before(async () => {
  stack = await startStack({ demo: true, productionLimits: true });
  trainer = api(stack.base, await tokenFor(stack, 'trainer@lantern.example'));
  lead = api(stack.base, await tokenFor(stack, 'campaign@lantern.example'));
});
after(async () => {
  await stack?.stop();
});

const answers = { q1: 4, q2: 5, q3: 4, q4: 5, s1: 'unhealthy', s2: 'healthy', s3: 'unhealthy', s4: 'healthy' };
const scan = async (code) => {
  const res = await fetch(`${stack.base}/c/${code}`, { redirect: 'manual', signal: AbortSignal.timeout(10_000) });
  await res.arrayBuffer();
  return res;
};
const statuses = (list) => list.reduce((m, r) => ({ ...m, [r.status]: (m[r.status] ?? 0) + 1 }), {});

// Sends rounds of `size` requests at once until one is refused (or `rounds` have gone); every answer.
async function flood(send, size, rounds) {
  const all = [];
  for (let round = 0; round < rounds && !all.some((r) => r.status === 429); round++) {
    all.push(...await Promise.all(Array.from({ length: size }, send)));
  }
  return all;
}

// A flood's answers: refused with 429 (never 5xx), with the security headers, and no more let through,
// with the `before` sent since `started`, than the limit allows in the time taken. The statuses seen.
function assertLimited(answers, { ok, before, rate, burst, started, what }) {
  const seen = statuses(answers);
  assert.ok(seen[429] > 0, `no 429 in a flood of ${answers.length} ${what}: ${JSON.stringify(seen)}`);
  assert.ok(answers.every((r) => r.status === ok || r.status === 429), `only ${ok} and 429: ${JSON.stringify(seen)}`);
  const most = rateLimitAllows({ rate, burst, ms: Date.now() - started });
  assert.ok(before + seen[ok] <= most, `${before + seen[ok]} ${what} got through, the limit (${rate}, burst ${burst}) allows ${most}`);
  assertSecurityHeaders(answers.find((r) => r.status === 429), `a 429 from the ${what} limit`);
  return seen;
}

test('three classes of 30 answering at once from one address are all recorded; a flood gets 429, not 5xx', async () => {
  const runs = [];
  for (const year of [7, 8, 9]) {
    const r = await trainer.post('/api/v1/survey-runs', { urn: '900001', year_group: year, phase: 'post', capacity: 30 });
    assert.equal(r.status, 201, r.text);
    runs.push(r.json.code);
  }
  const open = await trainer.post('/api/v1/survey-runs', { urn: '900001', year_group: 10, phase: 'pre', capacity: 500 });
  assert.equal(open.status, 201, open.text);
  const started = Date.now();
  const pupils = runs.flatMap((code) => Array.from({ length: 30 }, () => answerSurvey(stack.base, code, answers)));
  const classes = await Promise.all(pupils);
  assert.deepEqual(statuses(classes), { 201: 90 }, 'every pupil of the three classes is recorded');

  const answered = await flood(() => answerSurvey(stack.base, open.json.code, answers), 50, 40);
  const seen = assertLimited(answered, { ok: 201, before: 90, rate: '5r/s', burst: 100, started, what: 'answers' });
  const recorded = Number(sqlite(stack.dbPath, `SELECT count(*) FROM survey_responses r JOIN survey_runs u
    ON u.id = r.run_id WHERE u.code = '${open.json.code}'`));
  assert.equal(recorded, seen[201], 'a limited answer is not recorded');
  // Pages are not limited, and the service carries on.
  assert.equal((await fetch(`${stack.base}/s/${open.json.code}`)).status, 200);
  assert.equal((await fetch(`${stack.base}/healthz`)).status, 200);
});

test('a crowd of 150 scanning one poster at once is not limited; a flood of scans gets 429, not 5xx', async () => {
  const placed = await lead.post('/api/v1/campaigns/sixteen-days-2026/placements', {
    material: 'poster', place: 'Town square', area: 'southend', quantity: 1, placed_on: new Date().toISOString().slice(0, 10),
  });
  assert.equal(placed.status, 201, placed.text);
  const code = placed.json.code;
  const started = Date.now();
  const crowd = await Promise.all(Array.from({ length: 150 }, () => scan(code)));
  assert.deepEqual(statuses(crowd), { 303: 150 }, 'every scan of the crowd is redirected');

  const scanned = await flood(() => scan(code), 60, 40);
  const seen = assertLimited(scanned, { ok: 303, before: 150, rate: '10r/s', burst: 200, started, what: 'scans' });
  // Queued scans are written in batches; limited ones never reach the app.
  const expected = 150 + seen[303];
  const count = () => Number(sqlite(stack.dbPath, `SELECT count(*) FROM scans s JOIN placements p ON p.id = s.placement_id
      WHERE p.code = '${code}'`));
  await waitUntil(() => count() >= expected, `${expected} scans written`);
  assert.equal(count(), expected, 'scans recorded are exactly those redirected');
  assert.equal((await fetch(`${stack.base}/help`)).status, 200);
});
