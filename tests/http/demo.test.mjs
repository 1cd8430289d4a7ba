// The demo data set (issue 15): `make run` loads it, and every role signs in to its journey with data
// to see. Each role signs in here and finds, through the pages and the API it uses, what its journey
// needs: sessions in the past with attendance marked, certificates, evaluations whose results are
// released, a closed pupil survey whose results are not suppressed, a session running today that is
// open for check-in and marking, sessions to come with bookings and a waiting list, the school's
// requests, and campaigns with reach. Everything is dated from the app's clock.

import test, { after, before, describe } from 'node:test';
import assert from 'node:assert/strict';
import { api, loggedIn, sqlite, startStack, tokenFor } from './lib.mjs';
import { periodsAt } from './periods.mjs';

const ROLES = ['admin', 'trainer', 'school', 'practitioner', 'campaign', 'analyst'];
let stack;
const as = {}; // role -> API client with the role's token
const web = {}; // role -> signed-in web client

const londonDate = (ms) => new Intl.DateTimeFormat('en-CA', { timeZone: 'Europe/London' }).format(new Date(ms));
const seconds = (iso) => Date.parse(iso) / 1000;

before(async () => {
  stack = await startStack({ demo: true });
  for (const role of ROLES) {
    as[role] = api(stack.base, await tokenFor(stack, `${role}@lantern.example`));
    web[role] = await loggedIn(stack, `${role}@lantern.example`);
  }
});

after(async () => {
  if (stack) await stack.stop();
});

/** The sessions from..to (local dates) as the API lists them to this role. */
async function sessions(role, from, to) {
  const res = await as[role].get(`/api/v1/sessions?from=${from}&to=${to}&limit=1000`);
  assert.equal(res.status, 200, res.text);
  return res.json;
}

describe('every role signs in to a home page', () => {
  for (const role of ROLES) {
    test(role, async () => {
      const home = await web[role].get('/');
      assert.equal(home.status, 200);
      assert.match(home.text, /Welcome, /);
    });
  }
});

describe('trainer: today, the past and what is to come', () => {
  test('a session running today, open for check-in and marking, with people checked in and to come', async () => {
    const now = Date.now() / 1000;
    const today = londonDate(Date.now());
    const running = (await sessions('trainer', today, today)).filter((s) => seconds(s.starts_at) <= now &&
      now < seconds(s.ends_at) && s.trainers.includes('trainer@lantern.example'));
    assert.ok(running.length >= 1, 'a session of the trainer\'s is running now');
    const s = running[0];
    const list = (await as.trainer.get(`/api/v1/sessions/${s.id}/bookings`)).json;
    const count = (status) => list.filter((b) => b.status === status).length;
    assert.ok(count('attended') > 0, 'some are checked in already');
    assert.ok(count('booked') > 0, 'some are still to come');
    assert.ok(list.some((b) => b.email === 'practitioner@lantern.example' && b.status === 'booked'),
      'the demo practitioner can check in herself');
    const roster = await web.trainer.get(`/sessions/${s.id}/roster`);
    assert.equal(roster.status, 200);
    assert.doesNotMatch(roster.text, /Attendance can be taken from 30 minutes before/);
    const screen = await web.trainer.get(`/sessions/${s.id}/check-in`);
    assert.equal(screen.status, 200);
    assert.match(screen.text, /<svg|qr/i, 'the check-in screen shows its code');
  });

  test('past sessions with attendance marked, and one still waiting for its marks', async () => {
    const past = (await sessions('trainer', londonDate(Date.now() - 120 * 86400e3), londonDate(Date.now() - 86400e3)))
      .filter((s) => s.status === 'delivered');
    let marked = 0, waiting = 0;
    for (const s of past) {
      const list = (await as.trainer.get(`/api/v1/sessions/${s.id}/bookings`)).json;
      if (list.some((b) => ['attended', 'late', 'partial', 'absent', 'excused'].includes(b.status))) marked++;
      else if (list.some((b) => b.status === 'booked')) waiting++;
    }
    assert.ok(marked >= 2, `${marked} past sessions with marks`);
    assert.ok(waiting >= 1, `${waiting} past sessions waiting for marks`);
  });

  test('sessions to come with bookings, one full with a waiting list', async () => {
    const coming = await sessions('trainer', londonDate(Date.now() + 86400e3), londonDate(Date.now() + 60 * 86400e3));
    assert.ok(coming.filter((s) => s.booked > 0).length >= 3, 'sessions to come have bookings');
    assert.ok(coming.some((s) => s.seats_left === 0 && s.waitlisted > 0), 'a full session with people waiting');
  });

  test('a closed pupil survey whose results are shown, not suppressed', async () => {
    const closed = sqlite(stack.dbPath, 'SELECT id FROM survey_runs WHERE closed_at IS NOT NULL').split('\n').map(Number);
    let shown = 0;
    for (const id of closed) {
      const r = await as.trainer.get(`/api/v1/survey-runs/${id}/results`);
      assert.equal(r.status, 200, r.text);
      if ([r.json.pre, r.json.post].some((phase) => phase.suppressed === false && phase.responses >= 10)) shown++;
    }
    assert.ok(shown >= 2, `${shown} closed runs with results above the threshold`);
  });
});

describe('practitioner: a record, certificates, feedback, and bookings', () => {
  test('a training record of sessions attended, each with its certificate', async () => {
    const record = (await as.practitioner.get('/api/v1/me/training')).json;
    assert.ok(record.length >= 2, JSON.stringify(record));
    for (const entry of record) {
      assert.equal(entry.certificate, 'issued');
      const cert = await as.practitioner.get(`/api/v1/bookings/${entry.booking}/certificate`);
      assert.equal(cert.status, 200, cert.text);
      assert.equal((await web.practitioner.get(`/certificates/${entry.booking}`)).status, 200);
    }
  });

  test('feedback given for one session, and still to give for a recent one', async () => {
    const record = (await as.practitioner.get('/api/v1/me/training')).json;
    const given = Number(sqlite(stack.dbPath, "SELECT count(*) FROM evaluations e JOIN bookings b ON b.id = e.booking_id" +
      " JOIN users u ON u.id = b.user_id WHERE u.email = 'practitioner@lantern.example'"));
    assert.ok(given >= 1, 'an evaluation given');
    const open = [];
    for (const entry of record) {
      const form = await web.practitioner.get(`/evaluations/${entry.booking}`);
      if (form.status === 200 && /name="usefulness"/.test(form.text)) open.push(entry.booking);
    }
    assert.equal(open.length, 1, 'one evaluation still to give');
  });

  test('a booking to come, one today, and a place on a waiting list', async () => {
    const mine = (await as.practitioner.get('/api/v1/me/bookings')).json;
    const now = Date.now() / 1000;
    const when = {};
    for (const b of mine) when[b.id] = (await as.practitioner.get(`/api/v1/sessions/${b.session}`)).json;
    assert.ok(mine.some((b) => b.status === 'booked' && seconds(when[b.id].starts_at) > now + 86400), 'booked to come');
    assert.ok(mine.some((b) => b.status === 'booked' && seconds(when[b.id].starts_at) <= now && now < seconds(when[b.id].ends_at)),
      'booked on the session running now');
    assert.ok(mine.some((b) => b.status === 'waitlisted' && b.waitlist_position >= 1), 'waiting for a place');
    const page = await web.practitioner.get('/bookings');
    assert.equal(page.status, 200);
    assert.match(page.text, /href="\/sessions\/\d+"/);
  });
});

describe('admin, school, analyst and campaign lead', () => {
  test('admin: evaluation results released for sessions with enough feedback', async () => {
    const evals = (await as.admin.get('/api/v1/evaluations')).json;
    assert.ok(evals.length >= 2, JSON.stringify(evals));
    assert.ok(evals.every((e) => e.n >= 10), 'only released sessions count');
    const page = await web.admin.get('/admin/evaluations');
    assert.equal(page.status, 200);
  });

  test('school: its requests, its deliveries and its pupils\' survey results', async () => {
    const requests = (await as.school.get('/api/v1/session-requests')).json;
    assert.ok(requests.filter((r) => r.status === 'open').length >= 1);
    const results = (await as.school.get('/api/v1/survey-results')).json;
    assert.equal(results.post.suppressed, false);
    assert.ok(results.post.responses >= 10);
    const coverage = await as.school.get(`/api/v1/schools/900001/coverage?period=${periodsAt(Date.now()).ay}`);
    assert.equal(coverage.status, 200, coverage.text);
    assert.match(coverage.text, /"pupils_reached":\s*[1-9]/);
  });

  test('analyst: this financial year\'s figures, with targets to measure them by', async () => {
    const fy = periodsAt(Date.now()).fy;
    const figures = (await as.analyst.get(`/api/v1/indicators?period=${fy}&area=greater-essex`)).json;
    const byId = Object.fromEntries(figures.map((f) => [f.id, f]));
    for (const id of ['O5.1', 'O5.2', 'O5.3', 'O1.4', 'O5.5', 'O5.6']) assert.ok(byId[id].value > 0, `${id}: ${JSON.stringify(byId[id])}`);
    for (const id of ['O1.5', 'O5.7']) assert.equal(byId[id].suppressed, false, `${id}: ${JSON.stringify(byId[id])}`);
    assert.ok(figures.filter((f) => f.target !== null).length >= 5, 'targets set');
    assert.ok(figures.some((f) => f.status === 'on-track') || figures.some((f) => f.status === 'off-track'));
  });

  test('campaign lead: campaigns with reach', async () => {
    const campaigns = (await as.campaign.get('/api/v1/campaigns')).json;
    let scans = 0;
    for (const c of campaigns) scans += (await as.campaign.get(`/api/v1/campaigns/${c.id}/reach`)).json.scans ?? 0;
    assert.ok(scans > 0, 'scans counted');
  });
});

test('loading the demo again adds nothing while today\'s session is running', async () => {
  const count = () => sqlite(stack.dbPath, 'SELECT (SELECT count(*) FROM sessions) || \' \' || (SELECT count(*) FROM bookings)');
  const before = count();
  const r = await stack.cli(['demo']);
  assert.equal(r.code, 0, r.stderr);
  assert.equal(count(), before);
});
