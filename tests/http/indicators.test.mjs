// Every indicator of spec §8 on a small data set whose answers were worked out by hand (the
// expected table below), for a quarter, a financial year and an academic year, for a district
// (Basildon), a county (Essex) and Greater Essex. The records go in through the real API and
// pupil pages while the server's clock is moved (LANTERN_CLOCK_FILE), so each lands on its date.
// Boundary cases: a session ending 23:30 on 31 March; one ending 00:30 on 1 July (23:30 UTC on
// 30 June) that belongs to July; a session on the day the clocks go forward; a cancelled session;
// a waitlisted booking and one cancelled before the start; a survey run of 9 responses, which is never
// released and so counts nowhere; sessions with fewer than 10 evaluations, whose results are never
// released either (O5.7 is checked with released sessions in disclosure.test.mjs).
import test, { before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { execFileSync } from 'node:child_process';
import { startStack, api, answerSurvey, tokenFor, sqlite, addUser, ROOT, waitUntil } from './lib.mjs';

const clockDir = fs.mkdtempSync(path.join(os.tmpdir(), 'lantern-clock-'));
const clockFile = path.join(clockDir, 'now');
const at = (iso) => fs.writeFileSync(clockFile, String(Math.floor(Date.parse(iso) / 1000)));
const TODAY = '2026-11-22T12:00:00Z';
at(TODAY);

let stack, admin, orgId;

// The answers, by indicator, period and area ([Basildon, Essex, Greater Essex]); null means no
// figure (nothing to count, or suppressed); rates are percentages to one decimal.
const Q = 'FY2025-26-Q4', FY = 'FY2025-26', AY = 'AY2025-26';
const expected = {
  'O1.1': { [Q]: [0, 1, 1], [FY]: [1, 2, 2], [AY]: [1, 2, 3] },
  'O1.2': { [Q]: [50, 66.7, 40], [FY]: [100, 100, 60], [AY]: [100, 100, 80] },
  'O1.3': { [Q]: [100, 50, 50], [FY]: [100, 50, 50], [AY]: [100, 50, 50] },
  'O1.4': { [Q]: [50, 130, 130], [FY]: [270, 350, 350], [AY]: [150, 230, 240] },
  'O1.5': { [Q]: [70, 70, 70], [FY]: [70, 70, 70], [AY]: [70, 70, 70] },
  'O1.6': { [Q]: [null, null, null], [FY]: [null, null, 420], [AY]: [null, null, null] },
  'O1.7': { [Q]: [null, null, null], [FY]: [null, null, null], [AY]: [null, null, null] },
  'O5.1': { [Q]: [1, 1, 2], [FY]: [1, 2, 3], [AY]: [1, 1, 2] },
  'O5.2': { [Q]: [2, 2, 3], [FY]: [2, 3, 4], [AY]: [2, 2, 3] },
  'O5.3': { [Q]: [66.7, 66.7, 75], [FY]: [66.7, 80, 83.3], [AY]: [66.7, 66.7, 75] },
  'O5.4': { [Q]: [0, 0, 0], [FY]: [0, 0, 0], [AY]: [1, 1, 1] },
  'O5.5': { [Q]: [0, 0, 0], [FY]: [0, 0, 0], [AY]: [4, 4, 4] },
  'O5.6': { [Q]: [1, 1, 2], [FY]: [1, 1, 2], [AY]: [1, 2, 3] },
  'O5.7': { [Q]: [null, null, null], [FY]: [null, null, null], [AY]: [null, null, null] },
  'O5.8': { [Q]: [null, null, null], [FY]: [null, null, null], [AY]: [null, null, null] },
};
const AREAS = ['basildon', 'essex', 'greater-essex'];

async function ok(promise, status = 201) {
  const r = await promise;
  assert.equal(r.status, status, `${r.status} ${r.text}`);
  return r.json;
}

const people = {};
async function practitioner(name) {
  const email = `${name}@example.org`;
  await ok(admin.post('/api/v1/users', { email, name: `Practitioner ${name}`, role: 'practitioner', org: orgId, password: 'practitioner-pass' }));
  people[name] = { email, api: api(stack.base, await tokenFor(stack, email)) };
}

// A session as the admin enters it, its bookings made a week before, and its marks made after.
async function session({ area, starts, ends, capacity, book = [], marks = {}, cancelBefore = [], evaluate = {} }) {
  at(new Date(Date.parse(starts) - 7 * 86400e3).toISOString());
  const s = await ok(admin.post('/api/v1/sessions', {
    course: 'recognising-and-responding', starts_at: starts, ends_at: ends, capacity,
    venue: { name: `Hall in ${area}`, address: 'High Street', postcode: 'CM1 1AA', area }, trainers: ['trainer@lantern.example'],
  }));
  const ids = {};
  for (const p of book) ids[p] = (await ok(admin.post(`/api/v1/sessions/${s.id}/bookings`, { email: people[p].email }))).id;
  for (const p of cancelBefore) await ok(admin.delete(`/api/v1/bookings/${ids[p]}`), 200);
  at(new Date(Date.parse(ends) + 3600e3).toISOString());
  for (const [p, status] of Object.entries(marks)) {
    // Someone who left early is recorded with the minutes they were there.
    await ok(admin.put(`/api/v1/bookings/${ids[p]}/attendance`, status === 'partial' ? { status, minutes_attended: 45 } : { status }), 200);
  }
  for (const [p, act] of Object.entries(evaluate)) {
    await ok(people[p].api.post(`/api/v1/bookings/${ids[p]}/evaluation`, { usefulness: 4, recognise_before: 2, recognise_after: 4, act_before: 2, act_after: act }));
  }
  return s.id;
}

const GOOD = { q1: 4, q2: 5, q3: 4, q4: 4, s1: 'unhealthy', s2: 'healthy', s3: 'unhealthy', s4: 'healthy' };
const POOR = { ...GOOD, q1: 2 };

async function surveyRun(urn, phase, when, good, poor) {
  at(when);
  const run = await ok(admin.post('/api/v1/survey-runs', { urn, year_group: 9, phase, capacity: 30, minutes: 120 }));
  at(new Date(Date.parse(when) + 3600e3).toISOString());
  for (let i = 0; i < good + poor; i++) {
    const r = await answerSurvey(stack.base, run.code, i < good ? GOOD : POOR, { 'Sec-Fetch-Site': 'none' });
    assert.ok(r.status < 300, `survey answer ${r.status} ${r.text}`);
  }
}

before(async () => {
  stack = await startStack({ env: { LANTERN_CLOCK_FILE: clockFile } });
  // Only the people and the one organisation the records need: nothing else to count.
  for (const role of ['admin', 'trainer', 'campaign', 'analyst']) {
    await addUser(stack, { email: `${role}@lantern.example`, name: `The ${role}`, role, password: 'lantern-demo' });
  }
  admin = api(stack.base, await tokenFor(stack, 'admin@lantern.example'));
  const org = await ok(admin.post('/api/v1/organisations', { name: 'Essex Health Trust', sector: 'health', area: 'essex' }));
  orgId = String(org.id);
  const imported = await stack.cli(['schools', 'import', path.join(ROOT, 'tests', 'data', 'indicator-settings.csv')]);
  assert.equal(imported.code, 0, imported.stderr);

  // Deliveries (O1.1–O1.4).
  at(TODAY);
  const delivery = (urn, module, year_group, delivered_on, pupils_reached) =>
    ok(admin.post(`/api/v1/schools/${urn}/deliveries`, { module, year_group, delivered_on, pupils_reached }));
  await delivery('100001', 'social-norms', 7, '2025-05-15', 120);
  await delivery('100001', 'healthy-relationships', 9, '2025-10-01', 100);
  await delivery('100002', 'social-norms', 7, '2026-02-10', 80);
  await delivery('100004', 'consent-and-online', 12, '2026-01-20', 50);
  await delivery('100003', 'healthy-relationships', 9, '2026-06-15', 10);

  // Pupil surveys (O1.5): a post run of 10 in Basildon, one of 9 in Southend, a pre run of 12.
  await surveyRun('100001', 'post', '2026-01-15T10:00:00Z', 7, 3);
  await surveyRun('100003', 'post', '2026-02-20T10:00:00Z', 9, 0);
  await surveyRun('100001', 'pre', '2025-10-05T10:00:00Z', 3, 9);

  // Practitioner sessions (O5.1–O5.3, O5.7).
  for (const p of ['p1', 'p2', 'p3', 'p4', 'p5', 'p6', 'p7']) await practitioner(p);
  await session({ area: 'basildon', starts: '2026-03-31T20:30:00+01:00', ends: '2026-03-31T23:30:00+01:00', capacity: 3,
    book: ['p1', 'p2', 'p3', 'p4'], marks: { p1: 'attended', p2: 'late', p3: 'absent' }, evaluate: { p1: 5, p2: 3 } });
  await session({ area: 'chelmsford', starts: '2025-06-30T21:30:00+01:00', ends: '2025-07-01T00:30:00+01:00', capacity: 5,
    book: ['p1', 'p5'], marks: { p1: 'attended', p5: 'partial' }, evaluate: { p5: 4 } });
  const cancelled = await session({ area: 'basildon', starts: '2026-02-01T10:00:00Z', ends: '2026-02-01T12:00:00Z', capacity: 5, book: ['p3'] });
  at('2026-01-30T10:00:00Z');
  await ok(admin.post(`/api/v1/sessions/${cancelled}/cancel`, {}), 200);
  await session({ area: 'southend', starts: '2026-03-29T10:00:00+01:00', ends: '2026-03-29T13:00:00+01:00', capacity: 2,
    book: ['p6', 'p7'], cancelBefore: ['p7'], marks: { p6: 'attended' }, evaluate: { p6: 2 } });
  // Not yet delivered: its end is after today.
  await session({ area: 'basildon', starts: '2026-12-15T10:00:00Z', ends: '2026-12-15T12:00:00Z', capacity: 5, book: ['p1'] });

  // Campaign reach (O5.4, O5.5): a placement in Basildon and five scans, the last after the year ends.
  at('2026-05-01T09:00:00Z');
  const lead = api(stack.base, await tokenFor(stack, 'campaign@lantern.example'));
  const placement = await ok(lead.post('/api/v1/campaigns/workplace-coercive-control/placements', {
    material: 'poster', place: 'Basildon library', area: 'basildon', quantity: 2, placed_on: '2026-05-01' }));
  const scan = async (when) => {
    at(when);
    const r = await fetch(`${stack.base}/c/${placement.code}`, { redirect: 'manual' });
    assert.equal(r.status, 303);
  };
  for (const when of ['2026-05-02T10:00:00Z', '2026-05-02T11:00:00Z', '2026-05-02T12:00:00Z', '2026-08-31T22:30:00Z', '2026-08-31T23:30:00Z']) await scan(when);
  // Scans are written in batches: wait (bounded) until all five are in.
  await waitUntil(() => Number(sqlite(stack.dbPath, 'SELECT count(*) FROM scans')) >= 5, 'five scans written');
  assert.equal(sqlite(stack.dbPath, 'SELECT count(*) FROM scans'), '5');

  // Employer pledges (O5.6).
  at(TODAY);
  await ok(lead.post('/api/v1/pledges', { employer: 'Basildon Engineering', sector: 'employer', area: 'basildon', signed_on: '2025-06-01', contact_role: 'HR manager' }));
  await ok(lead.post('/api/v1/pledges', { employer: 'Southend Shops', sector: 'employer', area: 'southend', signed_on: '2026-03-31', contact_role: 'Owner' }));
  await ok(lead.post('/api/v1/pledges', { employer: 'Chelmsford Bank', sector: 'employer', area: 'chelmsford', signed_on: '2026-04-01', contact_role: 'Head of people' }));

  // An externally sourced figure (O1.6), entered by an analyst.
  const analyst = api(stack.base, await tokenFor(stack, 'analyst@lantern.example'));
  await ok(analyst.put(`/api/v1/figures/O1.6/${FY}/greater-essex`, { value: 420, source: 'Essex Police crime data, under-24 victims', note: 'Provisional' }), 200);
  at(TODAY);
});

after(async () => {
  await stack?.stop();
  fs.rmSync(clockDir, { recursive: true, force: true });
});

for (const period of [Q, FY, AY]) {
  for (const [k, area] of AREAS.entries()) {
    test(`every indicator for ${period} in ${area}`, async () => {
      const r = await admin.get(`/api/v1/indicators?period=${period}&area=${area}`);
      assert.equal(r.status, 200, r.text);
      assert.equal(r.json.length, 15);
      for (const row of r.json) {
        const want = expected[row.id][period][k];
        assert.equal(row.period, period);
        assert.equal(row.area, area);
        assert.equal(row.value, want, `${row.id} ${period} ${area}: ${JSON.stringify(row)}`);
      }
    });
  }
}

test('rates carry numerator and denominator; small survey figures are suppressed', async () => {
  const rows = (await admin.get(`/api/v1/indicators?period=${FY}&area=essex`)).json;
  const byId = Object.fromEntries(rows.map((r) => [r.id, r]));
  assert.equal(byId['O5.3'].numerator, 4);
  assert.equal(byId['O5.3'].denominator, 5);
  assert.equal(byId['O1.2'].numerator, 3);
  assert.equal(byId['O1.2'].denominator, 3);
  assert.equal(byId['O1.5'].n, 10);
  assert.equal(byId['O1.5'].pre.value, 25);
  assert.equal(byId['O1.5'].pre.n, 12);
  // Southend's run has 9 responses: it is never released, so it counts nowhere. Southend is
  // suppressed with nothing to rest on, and Greater Essex shows exactly Essex's figure: taking the
  // shown areas from it leaves nothing of Southend (it once showed 16 of 19 beside Essex's 7 of 10).
  const southend = (await admin.get(`/api/v1/indicators?period=${Q}&area=southend`)).json.find((r) => r.id === 'O1.5');
  assert.equal(southend.suppressed, true);
  assert.equal(southend.value, null);
  assert.equal(southend.numerator, null);
  assert.equal(southend.denominator, null);
  assert.equal(southend.n, 0);
  const o15 = async (area) => (await admin.get(`/api/v1/indicators?period=${Q}&area=${area}`)).json.find((r) => r.id === 'O1.5');
  const [essex, whole] = [await o15('essex'), await o15('greater-essex')];
  assert.deepEqual([essex.numerator, essex.denominator], [7, 10]);
  assert.deepEqual([whole.numerator, whole.denominator, whole.n], [7, 10, 10]);
  // Evaluations: sessions of 2, 1 and 1 responses are never released, so O5.7 shows nothing of them.
  const o57 = byId['O5.7'];
  assert.deepEqual([o57.value, o57.suppressed, o57.numerator, o57.denominator], [null, true, null, null]);
  // The external figure says where it came from; a missing one is not made up.
  const ge = (await admin.get(`/api/v1/indicators?period=${FY}&area=greater-essex`)).json.find((r) => r.id === 'O1.6');
  assert.equal(ge.source, 'Essex Police crime data, under-24 victims');
  assert.equal(sqlite(stack.dbPath, "SELECT count(*) FROM audit_log WHERE entity = 'external-figure'"), '1');
});

test('exports: CSV and JSON parse back to the same figures, ADX validates against the published schema', async () => {
  const json = (await admin.get(`/api/v1/indicators?period=${AY}&area=essex&format=json`)).json;
  const csv = await admin.get(`/api/v1/indicators?period=${AY}&area=essex&format=csv`);
  assert.match(csv.headers.get('content-type'), /text\/csv/);
  const lines = csv.text.trim().split('\r\n');
  const header = lines[0].split(',');
  assert.deepEqual(header.slice(0, 7), ['indicator', 'outcome', 'title', 'unit', 'period', 'area', 'value']);
  assert.equal(lines.length, 16);
  for (const line of lines.slice(1)) {
    const cells = line.match(/("([^"]|"")*"|[^,]*)(,|$)/g).map((c) => c.replace(/,$/, '').replace(/^"|"$/g, '').replace(/""/g, '"'));
    const row = json.find((r) => r.id === cells[0]);
    assert.equal(cells[6] === '' ? null : Number(cells[6]), row.value, cells[0]);
  }
  const adx = await admin.get(`/api/v1/indicators?period=${AY}&area=essex&format=adx&breakdown=1`);
  assert.match(adx.headers.get('content-type'), /xml/);
  const file = path.join(clockDir, 'export.xml');
  fs.writeFileSync(file, adx.text);
  const schema = path.join(ROOT, 'tests', 'data', 'adx', 'adx_loose.xsd');
  execFileSync('xmllint', ['--noout', '--nonet', '--schema', schema, file]);
  // An external figure's source and note go in the schema's annotation element.
  const withNote = await admin.get(`/api/v1/indicators?period=${FY}&area=greater-essex&format=adx`);
  assert.match(withNote.text, /<dataValue dataElement="O1.6" value="420">\s*<annotation>Source: Essex Police crime data, under-24 victims\. Note: Provisional<\/annotation>/);
  fs.writeFileSync(file, withNote.text);
  execFileSync('xmllint', ['--noout', '--nonet', '--schema', schema, file]);
  assert.match(adx.text, /<group orgUnit="essex" period="2025-09-01\/P1Y">/);
  assert.match(adx.text, /<group orgUnit="basildon" period="2025-09-01\/P1Y">/);
  assert.match(adx.text, /<dataValue dataElement="O1.4" value="230"\/>/);
  // The command line writes the same export.
  const cli = await stack.cli(['indicators', '--period', AY, '--area', 'essex', '--format', 'csv']);
  assert.equal(cli.code, 0, cli.stderr);
  assert.equal(cli.stdout, csv.text);
});

test('series: eight quarters, each its own figure', async () => {
  const r = await admin.get('/api/v1/indicators/O1.4/series?from=FY2025-26-Q1&to=FY2026-27-Q1&area=essex');
  assert.equal(r.status, 200);
  assert.deepEqual(r.json.map((x) => [x.period, x.value]), [
    ['FY2025-26-Q1', 120], ['FY2025-26-Q2', 0], ['FY2025-26-Q3', 100], ['FY2025-26-Q4', 130], ['FY2026-27-Q1', 0]]);
  assert.equal((await admin.get('/api/v1/indicators/O1.4/series?from=FY2026-27-Q1&to=FY2025-26-Q1')).status, 400);
});

test('bad requests name the field; roles are enforced', async () => {
  const bad = await admin.get('/api/v1/indicators?period=FY2025&area=essex');
  assert.equal(bad.status, 400);
  assert.equal(bad.json.field, 'period');
  assert.equal((await admin.get('/api/v1/indicators?period=FY2025-26&area=narnia')).json.field, 'area');
  const analyst = api(stack.base, await tokenFor(stack, 'analyst@lantern.example'));
  const notExternal = await analyst.put('/api/v1/figures/O5.1/FY2025-26/essex', { value: 3, source: 'x' });
  assert.equal(notExternal.status, 422);
  assert.equal(notExternal.json.field, 'indicator');
  const noSource = await analyst.put('/api/v1/figures/O5.8/FY2025-26/essex', { value: 3 });
  assert.equal(noSource.json.field, 'source');
  const trainer = api(stack.base, await tokenFor(stack, 'trainer@lantern.example'));
  assert.equal((await trainer.get(`/api/v1/indicators?period=${FY}`)).status, 403);
  assert.equal((await analyst.put(`/api/v1/targets/O5.1/target/${FY}/essex`, { value: 5 })).status, 403);
});

test('targets and baselines give a status against the target', async () => {
  await ok(admin.put(`/api/v1/targets/O5.1/target/${FY}/essex`, { value: 2 }), 200);
  await ok(admin.put('/api/v1/targets/O5.1/baseline/FY2024-25/essex', { value: 1 }), 200);
  await ok(admin.put(`/api/v1/targets/O5.3/target/${FY}/essex`, { value: 90 }), 200);
  const rows = (await admin.get(`/api/v1/indicators?period=${FY}&area=essex`)).json;
  const o51 = rows.find((r) => r.id === 'O5.1'), o53 = rows.find((r) => r.id === 'O5.3');
  assert.deepEqual([o51.value, o51.target, o51.baseline, o51.baseline_period, o51.status], [2, 2, 1, 'FY2024-25', 'on-track']);
  assert.deepEqual([o53.value, o53.target, o53.status], [80, 90, 'off-track']);
  // A quarter without a target of its own is judged against its financial year's.
  const q = (await admin.get(`/api/v1/indicators?period=${Q}&area=essex`)).json.find((r) => r.id === 'O5.1');
  assert.equal(q.target, 2);
  assert.equal(q.status, 'off-track');
});

test('the web: figures form names each bad field, the drill-down suppresses small survey runs', async () => {
  const { loggedIn } = await import('./lib.mjs');
  const web = await loggedIn(stack, 'analyst@lantern.example');
  const page = await web.get('/indicators/figures');
  assert.equal(page.status, 200);
  const bad = await web.postForm('/indicators/figures', { csrf: web.csrfFrom(page.text), indicator: 'O5.8', period: 'FY2025', area: 'essex', value: '-4', source: '' });
  assert.equal(bad.status, 400);
  for (const f of ['period', 'value', 'source']) assert.match(bad.text, new RegExp(`href="#${f}"`), f);
  const good = await web.postForm('/indicators/figures', { csrf: web.csrfFrom(page.text), indicator: 'O5.8', period: FY, area: 'essex', value: '17', source: 'Community safety partnership' });
  assert.equal(good.status, 303);
  const dash = await web.get(`/indicators?period=${FY}&area=essex`);
  assert.equal(dash.status, 200);
  assert.match(dash.text, /Community safety partnership/);
  // Drill-down into O1.5 for the quarter: the 10-response run shows 70%, the 9-response one only its count.
  const drill = await web.get(`/indicators/O1.5?period=${Q}&area=greater-essex`);
  assert.equal(drill.status, 200);
  assert.match(drill.text, /Basildon High[\s\S]*?70\.0%/);
  assert.match(drill.text, /Southend Special School<\/td>.*?>9<\/td><td[^>]* class="govuk-table__cell">Not released: open, or fewer than 10 responses</);
  // The download is a file named for its period and area.
  const csv = await web.get(`/indicators/export?period=${FY}&area=essex&format=csv`);
  assert.match(csv.headers.get('content-disposition'), /lantern-FY2025-26-essex\.csv/);
  // Trainers do not read the Board's figures.
  const trainer = await loggedIn(stack, 'trainer@lantern.example');
  assert.equal((await trainer.get('/indicators')).status, 403);
});

test('cached figures follow every change: a new record, and a session ending as time passes', async () => {
  const figure = async (id, period, area) =>
    (await admin.get(`/api/v1/indicators?period=${period}&area=${area}`)).json.find((r) => r.id === id).value;
  at(TODAY);
  assert.equal(await figure('O1.4', Q, 'essex'), 130);
  await ok(admin.post('/api/v1/schools/100002/deliveries', { module: 'healthy-relationships', year_group: 9, delivered_on: '2026-03-01', pupils_reached: 7 }));
  assert.equal(await figure('O1.4', Q, 'essex'), 137, 'a new delivery shows at once');
  // A session in the current quarter counts only once its end has passed.
  const starts = '2026-11-22T14:00:00Z', ends = '2026-11-22T16:00:00Z';
  await ok(admin.post('/api/v1/sessions', {
    course: 'recognising-and-responding', starts_at: starts, ends_at: ends, capacity: 5,
    venue: { name: 'Hall', address: 'Road', postcode: 'SS14 1AA', area: 'basildon' }, trainers: ['trainer@lantern.example'] }));
  const before = await figure('O5.1', 'FY2026-27-Q3', 'basildon');
  at('2026-11-22T16:30:00Z');
  assert.equal(await figure('O5.1', 'FY2026-27-Q3', 'basildon'), before + 1, 'delivered once it has ended');
  at(TODAY);
});

// Training figures are cached against the months their period covers (migration 010): every kind
// of change must reach the months it touches, or a cached figure would go stale. Each step reads
// the figures first, so they are cached when the change is made.
test('cached training figures follow changes in the months they cover', async () => {
  at(TODAY);
  const figures = async (period) => Object.fromEntries((await admin.get(`/api/v1/indicators?period=${period}&area=greater-essex`))
    .json.filter((r) => r.id.startsWith('O5.')).map((r) => [r.id, r.value]));
  const Q2 = 'FY2025-26-Q2', Q4 = 'FY2025-26-Q4', NEXT = 'FY2026-27-Q4';
  const q2 = await figures(Q2), q4 = await figures(Q4), fy = await figures(FY);
  assert.equal(q2['O5.1'], 1, 'the Chelmsford session ends in July 2025');

  // Moving a session from one quarter to another changes both: the month it left and the one it joined.
  const id = sqlite(stack.dbPath, "SELECT id FROM sessions WHERE area = 'chelmsford'");
  await ok(admin.put(`/api/v1/sessions/${id}`, {
    course: 'recognising-and-responding', starts_at: '2026-03-10T10:00:00Z', ends_at: '2026-03-10T12:00:00Z', capacity: 5,
    venue: { name: 'Hall in chelmsford', address: 'High Street', postcode: 'CM1 1AA', area: 'chelmsford' }, trainers: ['trainer@lantern.example'] }), 200);
  assert.equal((await figures(Q2))['O5.1'], 0, 'the quarter it left');
  assert.equal((await figures(Q4))['O5.1'], q4['O5.1'] + 1, 'the quarter it joined');
  assert.deepEqual(await figures(FY), fy, 'the year holds both quarters');

  // An attendance mark and an evaluation reach the month of their session.
  const basildon = sqlite(stack.dbPath, "SELECT id FROM sessions WHERE area = 'basildon' AND ends_at < unixepoch('2026-04-01') AND status = 'scheduled'");
  const absent = sqlite(stack.dbPath, `SELECT id FROM bookings WHERE session_id = ${basildon} AND status = 'absent'`);
  const before = await figures(Q4);
  await ok(admin.put(`/api/v1/bookings/${absent}/attendance`, { status: 'attended' }), 200);
  const marked = await figures(Q4);
  assert.equal(marked['O5.2'], before['O5.2'] + 1, 'one more person trained');
  assert.notEqual(marked['O5.3'], before['O5.3'], 'the attendance rate moves');
  // An evaluation months after the session is refused: its window closed 14 days after it ended.
  const late = await people.p3.api.post(`/api/v1/bookings/${absent}/evaluation`, { usefulness: 4, recognise_before: 2, recognise_after: 4, act_before: 2, act_after: 5 });
  assert.equal(late.status, 410, late.text);
  assert.match(late.json.error, /^Feedback for this session closed on .*: it is taken for 14 days after a session ends\.$/);

  // Cancelling a delivered session takes it out of its quarter.
  await ok(admin.post(`/api/v1/sessions/${basildon}/cancel`, {}), 200);
  assert.equal((await figures(Q4))['O5.1'], marked['O5.1'] - 1);

  // A session ahead, in a month nothing has counted yet: its figures follow once it has ended and
  // again when its attendance is marked (the booking's trigger reaches a month first seen this way).
  const ahead = await ok(admin.post('/api/v1/sessions', {
    course: 'recognising-and-responding', starts_at: '2027-02-10T10:00:00Z', ends_at: '2027-02-10T12:00:00Z', capacity: 5,
    venue: { name: 'Hall', address: 'Road', postcode: 'SS14 1AA', area: 'basildon' }, trainers: ['trainer@lantern.example'] }));
  const booking = await ok(admin.post(`/api/v1/sessions/${ahead.id}/bookings`, { email: people.p2.email }));
  at('2027-02-10T13:00:00Z');
  const ended = await figures(NEXT);
  assert.equal(ended['O5.1'], 1, 'delivered once it has ended');
  assert.equal(ended['O5.2'], 0, 'nobody marked yet');
  await ok(admin.put(`/api/v1/bookings/${booking.id}/attendance`, { status: 'attended' }), 200);
  assert.equal((await figures(NEXT))['O5.2'], 1, 'the mark counts at once');
  at(TODAY);
});

// Released figures can change with the clock alone: a run counts once it closes by its clock, a
// session's evaluations once their window is over. Each figure is read (and so cached) first.
test('cached survey and evaluation figures follow their release as time passes', async () => {
  at(TODAY);
  const MONTH = '2026-11';
  const figure = async (id) => (await admin.get(`/api/v1/indicators?period=${MONTH}&area=basildon`)).json.find((r) => r.id === id);
  // A run of 10 opened an hour ago and never closed by its trainer.
  await surveyRun('100001', 'post', '2026-11-22T11:00:00Z', 6, 4);
  at(TODAY);
  assert.equal((await figure('O1.5')).suppressed, true, 'open: not released');
  at('2026-11-23T11:30:00Z');
  assert.deepEqual([(await figure('O1.5')).numerator, (await figure('O1.5')).denominator], [6, 10], 'closed by its clock');

  // A session of 10 evaluations at the end of the month, read once the month is over but not its window.
  for (let i = 1; i <= 11; i++) await practitioner(`r${i}`);
  const names = Array.from({ length: 11 }, (_, i) => `r${i + 1}`);
  const evaluate = Object.fromEntries(names.slice(0, 10).map((p, i) => [p, i < 8 ? 5 : 2]));
  const released = await session({ area: 'basildon', starts: '2026-11-30T10:00:00Z', ends: '2026-11-30T12:00:00Z', capacity: 12,
    book: names, marks: Object.fromEntries(names.map((p) => [p, 'attended'])), evaluate });
  at('2026-12-02T12:00:00Z');
  assert.equal((await figure('O5.7')).suppressed, true, 'its window is open: not released');
  at('2026-12-14T12:01:00Z');
  const o57 = await figure('O5.7');
  assert.deepEqual([o57.value, o57.numerator, o57.denominator], [80, 8, 10], 'released once its window is over');
  // The eleventh attendee is too late to change it.
  const booking = sqlite(stack.dbPath, `SELECT b.id FROM bookings b JOIN users u ON u.id = b.user_id WHERE u.email = '${people.r11.email}'`);
  const late = await people.r11.api.post(`/api/v1/bookings/${booking}/evaluation`, { usefulness: 4, recognise_before: 2, recognise_after: 4, act_before: 2, act_after: 1 });
  assert.equal(late.status, 410);
  assert.equal((await figure('O5.7')).denominator, 10);
  // Nor can its window be reopened by moving the session: its date is fixed once its results are out.
  const moved = await admin.put(`/api/v1/sessions/${released}`, {
    course: 'recognising-and-responding', starts_at: '2026-12-20T10:00:00Z', ends_at: '2026-12-20T12:00:00Z', capacity: 12,
    venue: { name: 'Hall in basildon', address: 'High Street', postcode: 'CM1 1AA', area: 'basildon' }, trainers: ['trainer@lantern.example'] });
  assert.equal(moved.status, 422, moved.text);
  assert.equal(moved.json.field, 'starts_at');
  assert.match(moved.json.error, /feedback has closed and its results are published/);
  at(TODAY);
});
