// Statistical disclosure control end to end (issue 13, section 1). The data in
// tests/data/disclosure/ (a small school beside larger ones, a small district beside larger ones, a
// run with a response after midnight at a month's end, runs still open, sessions with few
// evaluations or with their window still open) goes in through the real API and pupil pages while
// the server's clock is moved. Then every survey and evaluation figure lantern publishes
// (disclosure_figures.mjs) is read for every area, setting, run, period and filter each role may
// use, once as a school lead would read an open run before and after one more pupil answers, and
// once at the end. Each figure must be what the release rule gives (released runs and sessions
// only, whole); and the generic checker (disclosure_checker.mjs) must find no combination of the
// figures that recovers any group of answers not published. It prints how much it checked.
import test, { before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startStack, api, answerSurvey, tokenFor, addUser, loggedIn, sqlite, ROOT } from './lib.mjs';
import { checkDisclosure, popcount } from './disclosure_checker.mjs';
import { sources, repeats } from './disclosure_figures.mjs';

const DATA = path.join(ROOT, 'tests', 'data', 'disclosure');
const fixture = JSON.parse(fs.readFileSync(path.join(DATA, 'fixture.json'), 'utf8'));
const MIN = 10;
const WINDOW = 14 * 86400e3;
const HOUR = 3600e3;
const GRACE = 60e3; // release by the clock waits a minute past the moment (disclosure.h)

const clockDir = fs.mkdtempSync(path.join(os.tmpdir(), 'lantern-clock-'));
const clockFile = path.join(clockDir, 'now');
let clock = Date.parse(fixture.today);
const at = (t) => {
  clock = typeof t === 'number' ? t : Date.parse(t);
  fs.writeFileSync(clockFile, String(Math.floor(clock / 1000)));
};
at(fixture.today);

// ---- the truth: every answer, what it says, and when it arrived ----

const units = []; // { kind, atom, run|session, urn, course, area, phase, day: { submitted, opened }, seq, values }
const atoms = new Map(); // key -> { kind, id, closedAt, closesAt, windowEnds }
let seq = 0;

const londonDay = (t) => new Intl.DateTimeFormat('en-CA', { timeZone: 'Europe/London' }).format(new Date(t));

/** [from, to) of a period name as local dates 'YYYY-MM-DD'. */
function bounds(name) {
  const d = (y, m) => `${y + Math.floor((m - 1) / 12)}-${String(((m - 1) % 12) + 1).padStart(2, '0')}-01`;
  let m;
  if ((m = name.match(/^(\d{4})$/))) return [d(+m[1], 1), d(+m[1], 13)];
  if ((m = name.match(/^(\d{4})-(\d{2})$/))) return [d(+m[1], +m[2]), d(+m[1], +m[2] + 1)];
  if ((m = name.match(/^FY(\d{4})-\d{2}-Q([1-4])$/))) return [d(+m[1], 4 + 3 * (m[2] - 1)), d(+m[1], 7 + 3 * (m[2] - 1))];
  if ((m = name.match(/^FY(\d{4})-\d{2}$/))) return [d(+m[1], 4), d(+m[1], 16)];
  if ((m = name.match(/^AY(\d{4})-\d{2}$/))) return [d(+m[1], 9), d(+m[1], 21)];
  throw new Error(`period ${name}`);
}

let tree; // area -> Set of itself and every area below it

/** The answers a filter selects, as a bit set, reading periods by `basis`, as they stood at `upTo`. */
function scopeOf(filter, basis, upTo = Infinity) {
  let set = 0n;
  const span = filter.period ? bounds(filter.period) : null;
  units.forEach((u, i) => {
    if (u.seq > upTo || (filter.kind && u.kind !== filter.kind)) return;
    if (filter.run !== undefined && u.run !== filter.run) return;
    if (filter.session !== undefined && u.session !== filter.session) return;
    if (filter.urn && u.urn !== filter.urn) return;
    if (filter.course && u.course !== filter.course) return;
    if (filter.area && !tree.get(filter.area)?.has(u.area)) return;
    if (span && (u.day[basis] < span[0] || u.day[basis] >= span[1])) return;
    set |= 1n << BigInt(i);
  });
  return set;
}

/** Whether an atom (run or session) may be published at time t with the answers up to `upTo`. */
function released(key, t, upTo) {
  const a = atoms.get(key);
  const closed = a.kind === 'survey' ? (a.closedAt !== null && a.closedAt <= t) || a.closesAt + GRACE <= t : a.windowEnds + GRACE <= t;
  return closed && units.filter((u) => u.atom === key && u.seq <= upTo).length >= MIN;
}

/** What the release rule says a figure is: released atoms only, whole, runs by the day they opened. */
function expected(filter, measure, t, upTo) {
  let n = 0, count = 0;
  const set = scopeOf(filter, 'opened', upTo);
  units.forEach((u, i) => {
    if (!(set >> BigInt(i) & 1n) || u.values[measure] === undefined || !released(u.atom, t, upTo)) return;
    n++;
    count += u.values[measure];
  });
  return { n, count };
}

// ---- putting the data in ----

let stack, admin;
const tokens = {};
const ANSWERS = { u: 'unhealthy', h: 'healthy', n: 'not-sure' };
let right; // the instrument's right answer to each scenario

async function ok(promise, status = 201) {
  const r = await promise;
  assert.equal(r.status, status, `${r.status} ${r.text}`);
  return r.json;
}

/** The answers of one pattern "4545 uhuh", as the pupil page takes them. */
function answersOf(pattern) {
  const [qs, ss] = pattern.split(' ');
  return Object.fromEntries([...[...qs].map((v, i) => [`q${i + 1}`, Number(v)]), ...[...ss].map((v, i) => [`s${i + 1}`, ANSWERS[v]])]);
}

function surveyValues(phase, a) {
  const agree = [1, 2, 3, 4].map((i) => (a[`q${i}`] >= 4 ? 1 : 0));
  const ok4 = [1, 2, 3, 4].map((i) => (a[`s${i}`] === right[`s${i}`] ? 1 : 0));
  const v = { [`${phase}.good`]: agree.every(Boolean) && ok4.reduce((x, y) => x + y) >= 3 ? 1 : 0 };
  agree.forEach((x, i) => { v[`${phase}.q${i + 1}`] = x; });
  ok4.forEach((x, i) => { v[`${phase}.s${i + 1}`] = x; });
  return v;
}

/** Each response of a run, in order, with when it arrives. */
function responsesOf(run) {
  const opened = Date.parse(run.opened);
  const out = [];
  for (const [pattern, count, when] of run.responses) {
    for (let k = 0; k < count; k++) out.push({ pattern, t: when && k === count - 1 ? Date.parse(when) : opened + (out.length + 1) * 60e3 });
  }
  return out;
}

async function answer(run, r) {
  at(r.t);
  const res = await answerSurvey(stack.base, run.code, answersOf(r.pattern), { 'Sec-Fetch-Site': 'none' });
  assert.equal(res.status, 201, `${run.key}: ${res.text}`);
  const setting = settings.get(run.urn);
  units.push({ kind: 'survey', atom: run.key, run: run.id, urn: run.urn, area: setting, phase: run.phase,
    day: { submitted: londonDay(r.t), opened: londonDay(Date.parse(run.opened)) }, seq: ++seq, values: surveyValues(run.phase, answersOf(r.pattern)) });
}

async function closeRun(run, t) {
  at(t);
  await ok(admin.post(`/api/v1/survey-runs/${run.id}/close`), 200);
  atoms.get(run.key).closedAt = t;
}

const settings = new Map(); // urn -> area
const practitioners = [];

function evaluationsOf(session) {
  return session.evaluations.flatMap(([pattern, count]) => Array(count).fill(pattern.split(' ').map(Number)));
}

async function evaluate(session, k, ratings) {
  const [usefulness, recogniseBefore, recogniseAfter, actBefore, actAfter] = ratings;
  await ok(practitioners[k].api.post(`/api/v1/bookings/${session.bookings[k]}/evaluation`, {
    usefulness, recognise_before: recogniseBefore, recognise_after: recogniseAfter, act_before: actBefore, act_after: actAfter }));
  units.push({ kind: 'eval', atom: session.key, session: session.id, course: session.course, area: session.area,
    day: { submitted: londonDay(Date.parse(session.ends)), opened: londonDay(Date.parse(session.ends)) }, seq: ++seq,
    values: { 'eval.usefulness': usefulness, 'eval.recognise_before': recogniseBefore, 'eval.recognise_after': recogniseAfter,
      'eval.act_before': actBefore, 'eval.act_after': actAfter, 'eval.confident': actAfter >= 4 ? 1 : 0 } });
}

const held = []; // the last answer of each run and session marked "increment", given between two reads

before(async () => {
  stack = await startStack({ env: { LANTERN_CLOCK_FILE: clockFile } });
  for (const role of ['admin', 'trainer', 'analyst']) await addUser(stack, { email: `${role}@lantern.example`, role, password: 'lantern-demo' });
  admin = api(stack.base, await tokenFor(stack, 'admin@lantern.example'));
  const imported = await stack.cli(['schools', 'import', path.join(DATA, fixture.settings)]);
  assert.equal(imported.code, 0, imported.stderr);
  for (const line of fs.readFileSync(path.join(DATA, fixture.settings), 'utf8').trim().split('\n').slice(1)) {
    const [urn, , , area] = line.split(',');
    settings.set(urn, area);
  }
  tree = new Map();
  for (const row of sqlite(stack.dbPath, 'SELECT ancestor || \'|\' || descendant FROM area_tree').split('\n')) {
    const [a, d] = row.split('|');
    if (!tree.has(a)) tree.set(a, new Set());
    tree.get(a).add(d);
  }
  const leads = { grove: '200002', pier: '200006' };
  for (const [name, urn] of Object.entries(leads)) await addUser(stack, { email: `${name}@lantern.example`, role: 'school', school: urn, password: 'lantern-demo' });

  // Pupil surveys, in the order they opened.
  for (const run of [...fixture.runs].sort((a, b) => Date.parse(a.opened) - Date.parse(b.opened))) {
    at(run.opened);
    const made = await ok(admin.post('/api/v1/survey-runs', { urn: run.urn, year_group: run.year_group, phase: run.phase, capacity: 30, minutes: 24 * 60 }));
    Object.assign(run, { id: made.id, code: made.code });
    atoms.set(run.key, { kind: 'survey', id: made.id, closedAt: null, closesAt: Date.parse(run.opened) + 24 * HOUR });
    if (!right) right = Object.fromEntries((await admin.get(`/api/v1/survey-runs/${made.id}/results`)).json.pre.scenarios.map((s) => [s.id, s.right_answer]));
    const responses = responsesOf(run);
    for (const r of run.increment ? responses.slice(0, -1) : responses) await answer(run, r);
    if (run.increment) held.push(() => answer(run, { ...responses.at(-1), t: clock + 60e3 }));
    if (run.close === 'trainer' && !run.increment) await closeRun(run, Date.parse(run.opened) + 2 * HOUR);
  }

  // Practitioner sessions: booked a week before, marked and evaluated an hour after they end.
  const org = await ok(admin.post('/api/v1/organisations', { name: 'Essex Health Trust', sector: 'health', area: 'essex' }));
  const most = Math.max(...fixture.sessions.map((s) => evaluationsOf(s).length));
  for (let k = 0; k < most; k++) {
    const email = `practitioner${k}@example.org`;
    await ok(admin.post('/api/v1/users', { email, name: `Practitioner ${k}`, role: 'practitioner', org: String(org.id), password: 'practitioner-pass' }));
    practitioners.push({ email, api: api(stack.base, await tokenFor(stack, email)) });
  }
  for (const s of fixture.sessions) {
    const ratings = evaluationsOf(s);
    at(Date.parse(s.starts) - 7 * 86400e3);
    const made = await ok(admin.post('/api/v1/sessions', {
      course: s.course, starts_at: s.starts, ends_at: s.ends, capacity: ratings.length + 2, trainers: ['trainer@lantern.example'],
      venue: { name: `Hall in ${s.area}`, address: 'High Street', postcode: 'CM1 1AA', area: s.area } }));
    s.id = made.id;
    atoms.set(s.key, { kind: 'eval', id: made.id, windowEnds: Date.parse(s.ends) + WINDOW });
    s.bookings = [];
    for (let k = 0; k < ratings.length; k++) s.bookings.push((await ok(admin.post(`/api/v1/sessions/${s.id}/bookings`, { email: practitioners[k].email }))).id);
    at(Date.parse(s.ends) + HOUR);
    for (const b of s.bookings) await ok(admin.put(`/api/v1/bookings/${b}/attendance`, { status: 'attended' }), 200);
    for (let k = 0; k < ratings.length - (s.increment ? 1 : 0); k++) await evaluate(s, k, ratings[k]);
    if (s.increment) held.push(() => { at(Date.parse(fixture.today) - 90 * 60e3 + 60e3); return evaluate(s, ratings.length - 1, ratings.at(-1)); });
  }
});

after(async () => {
  await stack?.stop();
  fs.rmSync(clockDir, { recursive: true, force: true });
});

// ---- reading every figure ----

const cells = [];
let requests = 0;
const clients = {};

async function client(role, url) {
  const key = `${role}|${url.startsWith('/api/') ? 'api' : 'web'}`;
  if (!clients[key]) {
    const email = `${role.replace(/^school-/, '')}@lantern.example`;
    clients[key] = url.startsWith('/api/') ? api(stack.base, await tokenFor(stack, email)) : await loggedIn(stack, email);
  }
  return clients[key];
}

/** Reads every source over ctx; each figure is kept with its scope under both bases. */
async function sweep(ctx, label) {
  const jobs = sources.flatMap((src) => src.urls(ctx).map((u) => ({ src, ...u })));
  const upTo = seq, t = clock;
  let next = 0;
  const worker = async () => {
    while (next < jobs.length) {
      const { src, url, filter } = jobs[next++];
      const res = await (await client(src.role, url)).get(url);
      requests++;
      assert.equal(res.status, 200, `${src.name}: ${url}: ${res.status} ${res.text?.slice(0, 200)}`);
      for (const fig of src.read(res, filter)) {
        const f = { ...filter, ...fig.filter };
        const cell = { ...fig, source: `${label} ${url} [${src.name}]`, filter: f, scope: { submitted: scopeOf(f, 'submitted', upTo), opened: scopeOf(f, 'opened', upTo) } };
        cells.push(cell);
        // Each figure is what the release rule gives.
        const want = expected(f, fig.measure, t, upTo);
        if (fig.suppressed) assert.ok(want.n < MIN, `${cell.source} ${fig.measure}: suppressed, but ${want.n} released answers`);
        else assert.deepEqual({ n: fig.n, count: fig.count }, want, `${cell.source} ${fig.measure}`);
      }
    }
  };
  await Promise.all([worker(), worker(), worker(), worker()]);
}

const AREAS = ['greater-essex', 'essex', 'southend', 'thurrock', 'basildon', 'chelmsford', 'harlow'];
const PERIODS = ['2025-06', '2025-09', '2025-10', '2025-11', '2025-12', '2026-01', '2026-02', '2026-03',
  'FY2025-26-Q1', 'FY2025-26-Q2', 'FY2025-26-Q3', 'FY2025-26-Q4', 'FY2025-26', 'AY2024-25', 'AY2025-26', '2025', '2026'];

function context(narrow) {
  const runs = fixture.runs.map((r) => r.id);
  const ctx = {
    areas: AREAS, allAreas: AREAS, parentAreas: ['greater-essex', 'essex'], urns: [...settings.keys()], periods: PERIODS,
    dashboardPeriods: ['FY2025-26-Q4', 'AY2025-26'], runs, runsOf: (urn) => fixture.runs.filter((r) => r.urn === urn).map((r) => r.id),
    leads: { grove: '200002', pier: '200006' }, courses: [...new Set(fixture.sessions.map((s) => s.course))],
    series: { from: 'FY2024-25-Q1', to: 'FY2025-26-Q4' },
  };
  return { ...ctx, ...narrow };
}

test('no combination of published survey and evaluation figures recovers a hidden group, and each is the released one', async (t) => {
  // A school lead reads an open run and its totals at 10 answers, one more pupil answers, and
  // they read again; likewise a session's evaluations inside its window.
  const inc = fixture.runs.find((r) => r.increment);
  at(Date.parse(fixture.today) - 90 * 60e3);
  const narrow = context({ areas: ['basildon', 'chelmsford', 'essex', 'greater-essex'], allAreas: ['basildon', 'chelmsford', 'essex', 'greater-essex'],
    parentAreas: ['essex'], urns: [inc.urn], periods: ['2026-03', 'FY2025-26-Q4', 'AY2025-26'], dashboardPeriods: [], runs: [inc.id] });
  await sweep(narrow, 'before the last answer:');
  for (const give of held) await give();
  at(Date.parse(fixture.today) - 80 * 60e3);
  await sweep(narrow, 'after the last answer:');
  await closeRun(inc, Date.parse(inc.opened) + 2 * HOUR);

  // Then everything, for every role, area, setting, run and period.
  at(fixture.today);
  await sweep(context({}), '');
  for (const src of repeats) {
    for (const { url } of src.urls(context({}))) {
      const c = await client(src.role, url);
      const res = await c.get(url);
      requests++;
      const got = src.read(res);
      if (src.name.startsWith('ADX')) {
        const json = (await c.get(url.replace('format=adx', 'format=json'))).json;
        for (const row of json.filter((r) => r.id === 'O1.5' || r.id === 'O5.7')) assert.equal(got[`${row.id}|${row.area}`], row.value ?? undefined, `${url} ${row.id} ${row.area}`);
      } else {
        const course = url.match(/course=([^&]+)/)?.[1];
        const rows = (await (await client('admin', '/api/')).get(`/api/v1/evaluations${course ? `?course=${course}` : ''}`)).json;
        assert.deepEqual(got, Object.fromEntries(rows.map((r) => [String(r.session ?? r.course), r.n])), url);
      }
    }
  }

  // The release rule shows something: released runs and sessions are counted, and the rest hidden.
  const shown = (measure) => cells.filter((c) => !c.suppressed && c.measure === measure).length;
  assert.ok(shown('post.good') > 50 && shown('pre.good') > 20 && shown('eval.confident') > 20, 'released figures are shown');
  const evals = (await (await client('admin', '/api/')).get('/api/v1/evaluations?course=recognising-and-responding')).json;
  assert.deepEqual(evals.map((r) => r.session), [fixture.sessions.find((s) => s.key === 'basildon-jan').id], 'only the released session of the course');

  // Hidden groups: every single answer, every run and session not released, and whatever a
  // suppressed figure's filters select.
  const secrets = units.map((u, i) => ({ set: 1n << BigInt(i) }));
  for (const key of atoms.keys()) if (!released(key, clock, seq)) secrets.push({ set: scopeOf({ [atoms.get(key).kind === 'survey' ? 'run' : 'session']: atoms.get(key).id, kind: atoms.get(key).kind }, 'opened') });
  for (const c of cells.filter((x) => x.suppressed)) for (const set of Object.values(c.scope)) if (set) secrets.push({ set, measure: c.measure });
  const hiddenRuns = [...atoms.keys()].filter((k) => !released(k, clock, seq));
  assert.ok(hiddenRuns.includes('pier-post-dec-small') && hiddenRuns.includes('harlow-post-dec') && hiddenRuns.includes('bay-post-today-open'));

  const { breaches, stats } = checkDisclosure({ units, cells, secrets, bases: ['submitted', 'opened'], min: MIN });
  const line = `disclosure check: ${requests} requests, ${stats.figures} figures shown and ${stats.suppressed} suppressed over ${stats.measures} measures; `
    + `${stats.pairs} pairs of figures compared (${stats.nestedPairs} nested), ${stats.spanChecks} hidden groups (of ${secrets.length}, `
    + `${units.length} answers) checked against every combination of figures: ${stats.inSpan} are combinations of figures' filters, none gives their true values`;
  t.diagnostic(line);
  console.log(line);
  assert.deepEqual(breaches.slice(0, 20), [], `${breaches.length} breaches`);
  assert.ok(stats.inSpan > 0, 'the attacker\'s sums reach some hidden groups, so the check has teeth');
});

test('the demo shows survey and evaluation results on first sign-in', async () => {
  const demo = await startStack({ demo: true });
  try {
    const analyst = api(demo.base, await tokenFor(demo, 'analyst@lantern.example'));
    const results = (await analyst.get('/api/v1/survey-results')).json;
    assert.deepEqual([results.pre.responses, results.post.responses], [24, 22], 'the two closed runs of 24 and 22, not the run of 6');
    assert.equal(results.post.good_understanding.suppressed, false);
    const adminApi = api(demo.base, await tokenFor(demo, 'admin@lantern.example'));
    const evals = (await adminApi.get('/api/v1/evaluations')).json;
    // Two sessions whose feedback windows are over, with 11 and 12 evaluations; last week's is not yet.
    assert.deepEqual(evals.map((r) => [r.course, r.n]), [['coercive-control-stalking-harassment', 11],
      ['recognising-and-responding', 12]]);
    const ended = Number(sqlite(demo.dbPath, "SELECT ends_at FROM sessions WHERE course_id = 'recognising-and-responding'" +
      ' AND ends_at < unixepoch() - 14 * 86400'));
    const month = londonDay(ended * 1000).slice(0, 7);
    const o57 = (await analyst.get(`/api/v1/indicators?period=${month}&area=greater-essex`)).json.find((r) => r.id === 'O5.7');
    assert.deepEqual([o57.numerator, o57.denominator, o57.suppressed], [9, 12, false]);
  } finally {
    await demo.stop();
  }
});

test('the checker finds a hidden group by subtraction when the figures give it away', () => {
  // Three schools of 12, 11 and 6 pupils: the total and the two larger schools shown give away the
  // third, exactly as the naive per-figure threshold did; shown as released runs only, they do not.
  const values = [...Array(12).fill(1), ...Array(11).fill(0), ...Array(6).fill(1)].map((v) => ({ values: { m: v } }));
  const bits = (from, to) => Array.from({ length: to - from }, (_, i) => 1n << BigInt(from + i)).reduce((a, b) => a | b);
  const [a, b, small] = [bits(0, 12), bits(12, 23), bits(23, 29)];
  const cell = (scope, n, count) => ({ source: 'x', measure: 'm', n, count, scope: { only: scope } });
  const leaky = [cell(a | b | small, 29, 18), cell(a, 12, 12), cell(b, 11, 0), { ...cell(small), suppressed: true }];
  const found = checkDisclosure({ units: values, cells: leaky, secrets: [{ set: small }], bases: ['only'] });
  assert.ok(found.breaches.length >= 1, 'total minus the shown parts gives the small school');
  const safe = [cell(a | b | small, 23, 12), cell(a, 12, 12), cell(b, 11, 0), { ...cell(small), suppressed: true }];
  assert.deepEqual(checkDisclosure({ units: values, cells: safe, secrets: [{ set: small }], bases: ['only'] }).breaches, []);
  // A read at 10 and at 11 answers gives away the eleventh.
  const inc = [cell(bits(0, 10), 10, 10), cell(bits(0, 11), 11, 11)];
  assert.ok(checkDisclosure({ units: values, cells: inc, secrets: [{ set: bits(10, 11) }], bases: ['only'] }).breaches.length >= 1);
  assert.equal(popcount(small), 6);
});
