// Pupil surveys cannot be flooded (issue 13 §3), through the real stack with the server's clock held
// still (LANTERN_CLOCK_FILE): each run takes one answer per pupil present and closes itself when the
// lesson ends; each page view carries a one-use answer token, so a replayed or token-less POST does
// not count; a school lead or trainer voids the answers received in a time range, audited, and voided
// answers count nowhere. Then the flood that filled a run: 150 concurrent POSTs from one address,
// replaying a token, sending none, and fetching one each, after which real pupils can still answer.

import test, { after, before } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { addUser, answerSurvey, api, Client, csrfFrom, loggedIn, sqlite, startStack, tokenFor } from './lib.mjs';

const PASSWORD = 'lantern-test-password';
const clockDir = fs.mkdtempSync(path.join(os.tmpdir(), 'lantern-clock-'));
const clockFile = path.join(clockDir, 'now');
/** Sets the server's clock to an instant (ms since the epoch). */
const at = (ms) => fs.writeFileSync(clockFile, String(Math.floor(ms / 1000)));
const MIN = 60_000;
const T0 = Date.parse('2026-03-05T09:00:00Z'); // a Thursday in March: London is on GMT, so local = UTC
/** An instant as the API takes it. */
const iso = (ms) => new Date(ms).toISOString().replace('.000Z', 'Z');
/** An instant as a datetime-local field sends it (local time, which is UTC in March). */
const local = (ms) => new Date(ms).toISOString().slice(0, 19);

const GOOD = { q1: 4, q2: 5, q3: 4, q4: 5, s1: 'unhealthy', s2: 'healthy', s3: 'unhealthy', s4: 'healthy' };
const POOR = { ...GOOD, q1: 1, q2: 1 };

let stack, trainer, trainer2, analyst, lead, otherLead;
at(T0);

before(async () => {
  stack = await startStack({ env: { LANTERN_CLOCK_FILE: clockFile } });
  const csv = path.join(stack.dataDir, 'settings.csv');
  fs.writeFileSync(csv, 'urn,name,phase,area,y7,y8,y9,y10,y11,y12,y13\n' +
    '100001,Oak Academy,secondary,southend,180,180,180,180,180,,\n' +
    '100002,Elm School,secondary,basildon,100,100,100,100,100,,\n' +
    '100003,Ash School,secondary,thurrock,120,120,120,120,120,,\n' +
    '100004,Flood Academy,secondary,harlow,200,200,200,200,200,,\n');
  assert.equal((await stack.cli(['schools', 'import', csv])).code, 0);
  for (const [email, role, school] of [['admin@test.example', 'admin'], ['trainer@test.example', 'trainer'],
    ['trainer2@test.example', 'trainer'], ['analyst@test.example', 'analyst'], ['ash@test.example', 'school', '100003'],
    ['elm@test.example', 'school', '100002'], ['flood@test.example', 'school', '100004']]) {
    await addUser(stack, { email, role, school });
  }
  trainer = api(stack.base, await tokenFor(stack, 'trainer@test.example'));
  trainer2 = api(stack.base, await tokenFor(stack, 'trainer2@test.example'));
  analyst = api(stack.base, await tokenFor(stack, 'analyst@test.example'));
  lead = api(stack.base, await tokenFor(stack, 'ash@test.example'));
  otherLead = api(stack.base, await tokenFor(stack, 'elm@test.example'));
});

after(async () => {
  await stack?.stop();
  fs.rmSync(clockDir, { recursive: true, force: true });
});

const open = (body, who = trainer) => who.post('/api/v1/survey-runs', { urn: '100001', year_group: 9, phase: 'post', ...body });
const opened = async (body, who) => {
  const r = await open(body, who);
  assert.equal(r.status, 201, r.text);
  return r.data;
};
const answer = (code, body = GOOD) => answerSurvey(stack.base, code, body);
const counted = (id) => Number(sqlite(stack.dbPath, `SELECT count(*) FROM survey_responses WHERE run_id = ${id}`));
const statuses = (list) => list.reduce((m, r) => ({ ...m, [r.status]: (m[r.status] ?? 0) + 1 }), {});
const tokenIn = (html) => html.match(/<input type="hidden" name="token" value="([^"]+)">/)?.[1];

/** A pupil on the web: opens the page, then sends the form with that page's tokens. */
async function pupilAnswers(code, answers = GOOD) {
  const pupil = new Client(stack.base);
  const page = await pupil.get(`/s/${code}`);
  if (page.status !== 200) return page;
  const fields = Object.fromEntries(Object.entries(answers).map(([k, v]) => [k, String(v)]));
  const res = await pupil.postForm(`/s/${code}`, { ...fields, token: tokenIn(page.text), csrf: csrfFrom(page.text) });
  assert.equal(pupil.setCookies.length, 0, 'the pupil page set a cookie');
  return res;
}

test('a run closes itself when the lesson ends: an hour unless the trainer says; never past 24 hours', async () => {
  at(T0);
  assert.equal((await opened({ capacity: 30 })).closes_at, '2026-03-05T10:00:00+00:00');
  assert.equal((await opened({ capacity: 30, minutes: 45 })).closes_at, '2026-03-05T09:45:00+00:00');
  assert.equal((await opened({ capacity: 30, ends_at: '11:15' })).closes_at, '2026-03-05T11:15:00+00:00');
  assert.equal((await opened({ capacity: 30, ends_at: '2026-03-06T08:00:00+00:00' })).closes_at,
    '2026-03-06T08:00:00+00:00');
  const bad = [
    [{ minutes: 0 }, 'minutes'], [{ minutes: 1441 }, 'minutes'], [{ minutes: 'an hour' }, 'minutes'],
    [{ ends_at: '08:30' }, 'ends_at'], // already over
    [{ ends_at: '2026-03-06T09:00:01Z' }, 'ends_at'], // beyond 24 hours
    [{ ends_at: '25:00' }, 'ends_at'], [{ ends_at: 'after lunch' }, 'ends_at'],
    [{ ends_at: '10:00', minutes: 30 }, 'minutes'], // one or the other
  ];
  for (const [change, field] of bad) {
    const r = await open({ capacity: 30, ...change });
    assert.equal(r.status, 422, JSON.stringify(change));
    assert.equal(r.data.field, field, JSON.stringify(change));
  }

  const run = await opened({ capacity: 30, ends_at: '09:40' });
  at(T0 + 39 * MIN + 59_000);
  const token = (await api(stack.base).get(`/s/${run.code}`)).data.token;
  assert.equal((await answer(run.code)).status, 201);
  at(T0 + 40 * MIN); // the lesson is over
  let r = await api(stack.base).post(`/s/${run.code}`, { ...GOOD, token });
  assert.equal(r.status, 410);
  assert.match(r.data.error, /^This survey has closed\. .*closed at the end of the lesson/);
  const page = await new Client(stack.base).get(`/s/${run.code}`);
  assert.equal(page.status, 410);
  assert.match(page.text, /<h1 class="govuk-heading-l">This survey has closed<\/h1>/);
  assert.match(page.text, /0800 1111/); // help is still there
  r = await trainer.get(`/api/v1/survey-runs/${run.id}`);
  assert.equal(r.data.open, false);
  assert.equal(counted(run.id), 1);
});

test('the web form asks for the pupils present and the end of the lesson', async () => {
  at(T0);
  const web = await loggedIn(stack, 'trainer@test.example', PASSWORD);
  const form = await web.get('/survey-runs/new');
  assert.match(form.text, /<input class="govuk-input govuk-input--width-4" id="capacity" name="capacity" type="text"/);
  assert.match(form.text, /id="ends_at" name="ends_at" type="time"/);
  let res = await web.submit('/survey-runs/new', { urn: '100001', year_group: '9', phase: 'pre', ends_at: '8:15' });
  assert.equal(res.status, 400);
  assert.match(res.text, /<a href="#capacity">Enter how many pupils are present/);
  assert.match(res.text, /<a href="#ends_at">Enter the time the lesson ends, like 10:40/);
  res = await web.submit('/survey-runs/new', { urn: '100001', year_group: '9', phase: 'pre', capacity: '28', ends_at: '10:15' });
  assert.equal(res.status, 303, res.text.slice(0, 500));
  const id = res.headers.get('location').split('/').pop();
  const page = await web.get(`/survey-runs/${id}`);
  assert.match(page.text, /0 answers so far, of at most 28 \(the pupils present\)\. Open until Thursday 5 March 2026, 10:15am\./);
  assert.equal(sqlite(stack.dbPath, `SELECT max_responses, closes_at - opened_at FROM survey_runs WHERE id = ${id}`), '28|4500');
});

test('a run takes one answer per pupil present, and no more, even when they arrive together', async () => {
  at(T0);
  const run = await opened({ capacity: 3 });
  for (let i = 0; i < 3; i++) assert.equal((await answer(run.code)).status, 201);
  const r = await answer(run.code);
  assert.equal(r.status, 409);
  assert.match(r.data.error, /^This survey is full\./);
  const page = await new Client(stack.base).get(`/s/${run.code}`);
  assert.equal(page.status, 409);
  assert.match(page.text, /<h1 class="govuk-heading-l">This survey is full<\/h1>/);
  assert.equal(counted(run.id), 3);

  const five = await opened({ capacity: 5 });
  const rush = await Promise.all(Array.from({ length: 20 }, () => answer(five.code)));
  assert.deepEqual(statuses(rush), { 201: 5, 409: 15 });
  assert.equal(counted(five.id), 5);
});

test('each page view carries a one-use answer token: none, a forged one, another run\'s, an old one or a spent one does not count', async () => {
  at(T0);
  const run = await opened({ capacity: 30, minutes: 1440 });
  const other = await opened({ capacity: 30 });
  const get = await api(stack.base).get(`/s/${run.code}`);
  assert.equal(get.status, 200);
  assert.equal(get.headers.getSetCookie().length, 0);
  assert.equal(get.headers.get('cache-control'), 'no-store');
  assert.deepEqual(Object.keys(get.data).sort(), ['closes_at', 'expires_at', 'token', 'year_group']);
  assert.equal(get.data.expires_at, '2026-03-05T12:00:00+00:00');
  const { token } = get.data;

  const post = (body) => api(stack.base).post(`/s/${run.code}`, body);
  let r = await post(GOOD);
  assert.equal(r.status, 403);
  assert.equal(r.data.field, 'token');
  assert.match(r.data.error, /GET \/s\/\{code\} and Accept: application\/json/);
  const forged = [
    token.slice(0, -1) + (token.endsWith('0') ? '1' : '0'), // another signature
    token.replace(/^\d+/, (t) => String(Number(t) + 3600)), // made to last longer
    (await api(stack.base).get(`/s/${other.code}`)).data.token, // another run's own
    'not-a-token', '1.2.3', `${token}.${token}`, 'x'.repeat(129),
  ];
  for (const bad of forged) {
    r = await post({ ...GOOD, token: bad });
    assert.equal(r.status, 403, bad);
    assert.match(r.data.error, /not valid for this survey/, bad);
  }
  assert.equal(counted(run.id), 0);
  assert.equal((await post({ ...GOOD, token })).status, 201);
  r = await post({ ...GOOD, token });
  assert.equal(r.status, 403);
  assert.match(r.data.error, /used already/);
  assert.equal(counted(run.id), 1);

  // Tokens last three hours from the page view.
  const early = (await api(stack.base).get(`/s/${run.code}`)).data.token;
  const late = (await api(stack.base).get(`/s/${run.code}`)).data.token;
  at(T0 + 3 * 60 * MIN - 1000);
  assert.equal((await post({ ...GOOD, token: early })).status, 201);
  at(T0 + 3 * 60 * MIN + 1000);
  r = await post({ ...GOOD, token: late });
  assert.equal(r.status, 403);
  assert.match(r.data.error, /expired/);
  assert.equal(counted(run.id), 2);
});

test('on the web: a form without a fresh token comes back with its answers; one sent twice counts once', async () => {
  at(T0);
  const run = await opened({ capacity: 30 });
  const pupil = new Client(stack.base);
  const page = await pupil.get(`/s/${run.code}`);
  const token = tokenIn(page.text);
  assert.ok(token, 'no answer token on the page');
  const fields = Object.fromEntries(Object.entries(GOOD).map(([k, v]) => [k, String(v)]));
  const csrf = csrfFrom(page.text);

  let res = await pupil.postForm(`/s/${run.code}`, { ...fields, csrf });
  assert.equal(res.status, 403);
  assert.match(res.text, /Your answers have not been sent yet/);
  assert.match(res.text, /id="q1-4" name="q1" type="radio" value="4" checked/); // kept
  const fresh = tokenIn(res.text);
  assert.ok(fresh && fresh !== token, 'the form came back without a fresh token');
  assert.equal(counted(run.id), 0);

  res = await pupil.postForm(`/s/${run.code}`, { ...fields, token: fresh, csrf });
  assert.equal(res.status, 303);
  res = await pupil.postForm(`/s/${run.code}`, { ...fields, token: fresh, csrf }); // a double press
  assert.equal(res.status, 403);
  assert.match(res.text, /<h1 class="govuk-heading-l">Your answers have already been sent<\/h1>/);
  assert.doesNotMatch(res.text, /name="token"/);
  assert.equal(counted(run.id), 1);
  assert.equal(pupil.setCookies.length, 0);
});

test('a school lead or the trainer voids the answers received in a time range; voided answers count nowhere', async () => {
  at(T0);
  const run = await opened({ urn: '100003', capacity: 30, minutes: 120 });
  at(T0 + 5 * MIN);
  for (let i = 0; i < 10; i++) assert.equal((await answer(run.code, GOOD)).status, 201);
  at(T0 + 6 * MIN);
  for (let i = 0; i < 2; i++) assert.equal((await answer(run.code, GOOD)).status, 201);
  at(T0 + 10 * MIN + 30_000); // a burst that did not come from the class
  for (let i = 0; i < 8; i++) assert.equal((await answer(run.code, POOR)).status, 201);
  const o15 = async () => (await analyst.get('/api/v1/indicators?period=2026-03&area=thurrock')).data.find((x) => x.id === 'O1.5');
  assert.equal((await o15()).n, 0); // an open run counts nowhere yet (disclosure.h)

  const range = { from: iso(T0 + 10 * MIN), to: iso(T0 + 10 * MIN + 59_000) };
  const path = `/api/v1/survey-runs/${run.id}/voids`;
  assert.equal((await trainer2.post(path, range)).status, 403); // not the trainer who opened it
  assert.equal((await analyst.post(path, range)).status, 403);
  assert.equal((await otherLead.post(path, range)).status, 404); // another school's run
  assert.equal((await api(stack.base).post(path, range)).status, 401);
  const bad = [
    [{ ...range, from: 'ten past nine' }, 'from'], [{ from: range.from }, 'to'],
    [{ from: range.to, to: range.from }, 'to'],
    [{ from: iso(T0 + 20 * MIN), to: iso(T0 + 30 * MIN) }, 'from'], // nothing received then
  ];
  for (const [body, field] of bad) {
    const r = await lead.post(path, body);
    assert.equal(r.status, 422, JSON.stringify(body));
    assert.equal(r.data.field, field, JSON.stringify(body));
  }
  assert.equal(sqlite(stack.dbPath, 'SELECT count(*) FROM survey_voids'), '0');

  at(T0 + 15 * MIN);
  const done = await lead.post(path, range);
  assert.equal(done.status, 201, done.text);
  assert.equal(done.data.responses, 8);
  assert.equal(done.data.voided_by, 'ash@test.example');
  assert.equal(done.data.voided_at, '2026-03-05T09:15:00+00:00');
  assert.equal(done.data.from, '2026-03-05T09:10:00+00:00');
  assert.equal(done.data.to, '2026-03-05T09:10:59+00:00');
  assert.equal(done.data.run.responses, 12);
  assert.equal(done.data.run.voided, 8);
  const listed = await trainer.get(path);
  assert.deepEqual(listed.data.map((v) => [v.responses, v.voided_by, v.from]), [[8, 'ash@test.example', range.from.replace('Z', '+00:00')]]);
  // Recorded and audited: who, when, the range and how many.
  assert.equal(sqlite(stack.dbPath, `SELECT v.run_id, u.email, v.voided_at, v.from_at, v.to_at, v.responses FROM survey_voids v
    JOIN users u ON u.id = v.voided_by`), `${run.id}|ash@test.example|${(T0 + 15 * MIN) / 1000}|${(T0 + 10 * MIN) / 1000}|` +
    `${(T0 + 10 * MIN + 59_000) / 1000}|8`);
  assert.equal(sqlite(stack.dbPath, `SELECT u.email, a.action, a.new_value FROM audit_log a JOIN users u ON u.id = a.actor_id
    WHERE a.entity = 'survey_run' AND a.entity_id = '${run.id}'`),
  'ash@test.example|void|{"void": 1, "from": "2026-03-05T09:10:00+00:00", "to": "2026-03-05T09:10:59+00:00", "responses": 8}');

  // Counted nowhere: the run, its results and their CSV, the setting's results, O1.5.
  assert.equal(counted(run.id), 12);
  assert.equal((await trainer.post(`/api/v1/survey-runs/${run.id}/close`)).status, 200);
  assert.equal((await o15()).n, 12); // released once closed, without the voided answers
  const results = await lead.get(`/api/v1/survey-runs/${run.id}/results`);
  assert.equal(results.data.post.responses, 12);
  assert.deepEqual(results.data.post.good_understanding, { value: 100, n: 12, suppressed: false });
  const setting = await analyst.get('/api/v1/survey-results?urn=100003&period=2026-03');
  assert.equal(setting.data.post.responses, 12);
  const web = await loggedIn(stack, 'ash@test.example', PASSWORD);
  const csv = await web.get(`/survey-runs/${run.id}/results.csv`);
  assert.match(csv.text, /,post,good_understanding,,Demonstrate good understanding,12,false,100\.0,\r\n/);

  // Once closed, its results are out: a small voiding that leaves them shown would give away the
  // voided answers by subtraction, so it is refused; nothing changes.
  const small = await lead.post(path, { from: iso(T0 + 6 * MIN), to: iso(T0 + 6 * MIN + 59_000) });
  assert.equal(small.status, 409);
  assert.match(small.data.error, /compare the results before and after/);
  assert.equal(counted(run.id), 12);
  assert.equal(sqlite(stack.dbPath, 'SELECT count(*) FROM survey_voids'), '1');
});

test('voided answers free their places; the answers page shows the burst and voids it for the school lead', async () => {
  at(T0);
  const run = await opened({ urn: '100003', capacity: 5 });
  at(T0 + 2 * MIN);
  for (let i = 0; i < 2; i++) assert.equal((await answer(run.code)).status, 201);
  at(T0 + 3 * MIN + 10_000);
  for (let i = 0; i < 3; i++) assert.equal((await answer(run.code, POOR)).status, 201);
  assert.equal((await answer(run.code)).status, 409);

  // The lead reaches the answers from their school's page.
  const web = await loggedIn(stack, 'ash@test.example', PASSWORD);
  const school = await web.get('/schools/100003');
  assert.ok(school.text.includes(`href="/survey-runs/${run.id}/answers"`), 'no link to the answers page');
  let page = await web.get(`/survey-runs/${run.id}/answers`);
  assert.equal(page.status, 200);
  assert.match(page.text, /5 answers counted, of at most 5 \(the pupils present\); 0 voided\./);
  const rows = [...page.text.matchAll(/<td[^>]* class="govuk-table__cell">(Thursday 5 March 2026, [^<]+)<\/td><td[^>]* class="govuk-table__cell govuk-table__cell--numeric">(\d+)<\/td>/g)]
    .map((m) => [m[1], Number(m[2])]);
  assert.deepEqual(rows, [['Thursday 5 March 2026, 9:02am', 2], ['Thursday 5 March 2026, 9:03am', 3]]);
  const chosen = page.text.match(/href="(\/survey-runs\/\d+\/answers\?from=2026-03-05T09%3A03%3A00&amp;to=2026-03-05T09%3A03%3A59#void)"/);
  assert.ok(chosen, 'no link choosing the 9:03 minute');
  page = await web.get(chosen[1].replace('&amp;', '&'));
  assert.match(page.text, /id="from" name="from" type="datetime-local" value="2026-03-05T09:03:00"/);
  assert.match(page.text, /id="to" name="to" type="datetime-local" value="2026-03-05T09:03:59"/);

  let res = await web.postForm(`/survey-runs/${run.id}/answers`, { from: 'soon', to: local(T0), csrf: csrfFrom(page.text) });
  assert.equal(res.status, 400);
  assert.match(res.text, /<a href="#from">Enter when the range starts/);
  at(T0 + 5 * MIN);
  res = await web.postForm(`/survey-runs/${run.id}/answers`, { from: '2026-03-05T09:03:00', to: '2026-03-05T09:03:59', csrf: csrfFrom(page.text) });
  assert.equal(res.status, 303);
  assert.equal(res.headers.get('location'), `/survey-runs/${run.id}/answers?voided=3`);
  page = await web.get(res.headers.get('location'));
  assert.match(page.text, /3 answers were voided: they count nowhere now\./);
  assert.match(page.text, /2 answers counted, of at most 5 \(the pupils present\); 3 voided\./);
  assert.ok(page.text.replace(/<td[^>]*>/g, '<td>').includes('<td>Thursday 5 March 2026, 9:05am</td><td>ash</td>' +
    '<td>2026-03-05 09:03:00</td><td>2026-03-05 09:03:59</td><td>3</td>'), 'the voiding is not listed with who, when, range and count');

  // Their places are free again: three more pupils, and then it is full.
  for (let i = 0; i < 3; i++) assert.equal((await pupilAnswers(run.code)).status, 303);
  assert.equal((await answer(run.code)).status, 409);
  assert.equal(counted(run.id), 5);
  // The new answers may take the voided ones' row ids; voiding them too still works.
  const again = await lead.post(`/api/v1/survey-runs/${run.id}/voids`, { from: iso(T0 + 5 * MIN), to: iso(T0 + 5 * MIN) });
  assert.equal(again.status, 201, again.text);
  assert.equal(again.data.responses, 3);
  assert.equal(counted(run.id), 2);

  // Another trainer sees the answers but may not void them.
  const other = await loggedIn(stack, 'trainer2@test.example', PASSWORD);
  page = await other.get(`/survey-runs/${run.id}/answers`);
  assert.equal(page.status, 200);
  assert.match(page.text, /Only the school&#39;s lead, the trainer who opened this survey or a programme admin can void/);
  assert.doesNotMatch(page.text, /name="from"/);
  res = await other.postForm(`/survey-runs/${run.id}/answers`, { from: local(T0), to: local(T0 + 10 * MIN), csrf: csrfFrom(page.text) });
  assert.equal(res.status, 403);
  assert.equal(counted(run.id), 2);
  // Another school's lead does not even see it.
  const elm = await loggedIn(stack, 'elm@test.example', PASSWORD);
  assert.equal((await elm.get(`/survey-runs/${run.id}/answers`)).status, 404);
});

test('the flood: 150 concurrent POSTs from one address leave real pupils able to answer', async (t) => {
  const TF = T0 + 4 * 60 * MIN;
  at(TF);
  const run = await opened({ urn: '100004', capacity: 30, minutes: 50 });
  const flood = (send) => Promise.all(Array.from({ length: 150 }, send));

  // One token replayed 150 times at once counts once.
  const token = (await api(stack.base).get(`/s/${run.code}`)).data.token;
  const replayed = await flood(() => api(stack.base).post(`/s/${run.code}`, { ...POOR, token }));
  assert.deepEqual(statuses(replayed), { 201: 1, 403: 149 });
  // Without tokens, none counts.
  const bare = await flood(() => api(stack.base).post(`/s/${run.code}`, POOR));
  assert.deepEqual(statuses(bare), { 403: 150 });
  assert.equal(counted(run.id), 1);
  // A script that fetches a token for each POST fills the run, but only to the pupils present.
  const scripted = await flood(() => answer(run.code, POOR));
  assert.deepEqual(statuses(scripted), { 201: 29, 409: 121 });
  assert.equal(counted(run.id), 30);
  assert.equal((await pupilAnswers(run.code)).status, 409); // the class finds it full

  // The school lead voids the flood's time range, and the class answers.
  at(TF + 2 * MIN);
  const floodLead = api(stack.base, await tokenFor(stack, 'flood@test.example'));
  const voided = await floodLead.post(`/api/v1/survey-runs/${run.id}/voids`, { from: iso(TF), to: iso(TF + 59_000) });
  assert.equal(voided.status, 201, voided.text);
  assert.equal(voided.data.responses, 30);
  at(TF + 3 * MIN);
  const pupils = await Promise.all(Array.from({ length: 30 }, () => pupilAnswers(run.code, GOOD)));
  assert.deepEqual(statuses(pupils), { 303: 30 });
  assert.equal((await pupilAnswers(run.code)).status, 409); // one answer per pupil present

  // The results are the class's alone.
  assert.equal((await trainer.post(`/api/v1/survey-runs/${run.id}/close`)).status, 200);
  const results = await trainer.get(`/api/v1/survey-runs/${run.id}/results`);
  assert.equal(results.data.post.responses, 30);
  assert.deepEqual(results.data.post.good_understanding, { value: 100, n: 30, suppressed: false });
  assert.equal(results.data.run.voided, 30);
  t.diagnostic(`replayed token: ${JSON.stringify(statuses(replayed))}; no token: ${JSON.stringify(statuses(bare))}; ` +
    `a token each: ${JSON.stringify(statuses(scripted))}; after voiding, the class: ${JSON.stringify(statuses(pupils))}`);
});
