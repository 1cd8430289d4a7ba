// A practitioner finds their own things (issue 15): the training record links each certificate and
// evaluation (or says why there is none), "Your bookings" keeps bookings that are over with what
// became of each, and dates read like the rest of the service ("20 November 2026"), in the web and
// the API. The server's clock is pinned, so the evaluation windows are known.
import test, { before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startStack, api, tokenFor, loggedIn, waitFor } from './lib.mjs';
import { lateMorningClock, ukDate, ukDateTime } from './uk_time.mjs';

const clock = lateMorningClock();
const T = clock.T;
const H = 3600;
const D = 86400;
const ME = 'record-keeper@example.org';
const iso = (t) => new Date(t * 1000).toISOString().replace('.000', '');

let stack, admin, mine, web;
const s = {}; // session ids
const b = {}; // my booking ids

async function sessionWithMe(name, start, course = 'recognising-and-responding') {
  const r = await admin.post('/api/v1/sessions', {
    course, starts_at: iso(start), ends_at: iso(start + 3 * H), capacity: 10,
    venue: { name: 'Civic Centre', address: 'Victoria Avenue', postcode: 'SS2 6ER', area: 'southend' },
    trainers: ['trainer@lantern.example'],
  });
  assert.equal(r.status, 201, r.text);
  s[name] = r.json.id;
  const booked = await admin.post(`/api/v1/sessions/${s[name]}/bookings`, { email: ME });
  assert.equal(booked.status, 201, booked.text);
  b[name] = booked.json.id;
}

async function mark(name, status, extra = {}) {
  const r = await admin.put(`/api/v1/bookings/${b[name]}/attendance`, { status, ...extra });
  assert.equal(r.status, 200, r.text);
}

before(async () => {
  stack = await startStack({ env: { LANTERN_CLOCK_FILE: clock.file }, demo: true });
  admin = api(stack.base, await tokenFor(stack, 'admin@lantern.example'));
  const u = await admin.post('/api/v1/users', { email: ME, name: 'Record Keeper', role: 'practitioner', org: '2', password: 'record-password-1' });
  assert.equal(u.status, 201, u.text);
  await sessionWithMe('open', T - 2 * D); // attended: feedback open
  await sessionWithMe('sent', T - 5 * D, 'dash-risk-assessment-and-marac'); // left early, feedback sent
  await sessionWithMe('closed', T - 20 * D, 'honour-based-abuse-forced-marriage-fgm'); // late, window passed
  await sessionWithMe('absent', T - 4 * D);
  await sessionWithMe('unmarked', T - D);
  await sessionWithMe('withdrawn', T + 9 * D, 'dash-risk-assessment-and-marac'); // I cancel
  await sessionWithMe('called-off', T + 12 * D, 'honour-based-abuse-forced-marriage-fgm'); // the session is cancelled
  await sessionWithMe('ahead', T + 20 * D, 'coercive-control-stalking-harassment');
  await mark('open', 'attended');
  await mark('sent', 'partial', { minutes_attended: 90 });
  await mark('closed', 'late');
  await mark('absent', 'absent');
  mine = api(stack.base, await tokenFor(stack, ME));
  assert.equal((await mine.delete(`/api/v1/bookings/${b.withdrawn}`)).status, 200);
  assert.equal((await admin.post(`/api/v1/sessions/${s['called-off']}/cancel`, {})).status, 200);
  const answers = { usefulness: 4, recognise_before: 2, recognise_after: 4, act_before: 2, act_after: 5 };
  assert.equal((await mine.post(`/api/v1/bookings/${b.sent}/evaluation`, answers)).status, 201);
  // The server's duty issues the certificates of the ended sessions within seconds.
  await waitFor('the certificates', async () => (await mine.get('/api/v1/me/training')).json.every((x) => x.certificate === 'issued'));
  web = await loggedIn(stack, ME, 'record-password-1');
});
after(async () => {
  await stack?.stop();
  clock.remove();
});

// The summary card of an attendance on /training, by its certificate or feedback link's booking.
const cardOf = (html, title) => html.split('<div class="govuk-summary-card">').find((c) => c.includes(`<h2 class="govuk-summary-card__title">${title}</h2>`));

test('the training record links each certificate and evaluation, with dates like 20 November 2026', async () => {
  const page = await web.get('/training');
  assert.equal(page.status, 200);
  const main = page.text.split('<main')[1];
  assert.doesNotMatch(main, /\d{4}-\d\d-\d\d/, 'no ISO dates on the page');
  const open = cardOf(main, 'Recognising and responding to domestic abuse');
  assert.match(open, new RegExp(`<dd class="govuk-summary-list__value">${ukDate(T - 2 * D)}</dd>`));
  assert.match(open, new RegExp(`<a class="govuk-link" href="/certificates/${b.open}">Certificate<span class="govuk-visually-hidden"> for Recognising and responding to domestic abuse, ${ukDate(T - 2 * D)}</span></a>`));
  assert.match(open, new RegExp(`<a class="govuk-link" href="/evaluations/${b.open}">Give feedback<span[^>]*>[^<]*</span></a> until ${ukDateTime(T - 2 * D + 3 * H + 14 * D)}`));
  const sent = cardOf(main, 'Risk assessment (DASH) and referral to MARAC');
  assert.match(sent, new RegExp(`href="/certificates/${b.sent}"`));
  assert.match(sent, /Feedback sent/);
  assert.match(sent, /\(left early\)/);
  assert.doesNotMatch(sent, /href="\/evaluations\//);
  const closed = cardOf(main, 'Honour-based abuse, forced marriage and FGM');
  assert.match(closed, /Feedback closed/);
  assert.match(closed, /\(arrived late\)/);
  assert.doesNotMatch(main, new RegExp(`/certificates/${b.absent}"`), 'no certificate for an absence');
  // The links lead somewhere: the feedback form is open, and the certificate is there.
  assert.equal((await web.get(`/evaluations/${b.open}`)).status, 200);
  assert.equal((await web.get(`/certificates/${b.open}`)).status, 200);
  // The API gives the same states.
  const record = (await mine.get('/api/v1/me/training')).json;
  const by = (booking) => record.find((x) => x.booking === booking);
  assert.equal(by(b.open).evaluation, 'open');
  assert.equal(by(b.open).evaluation_closes_on, new Date((T - 2 * D + 3 * H + 14 * D) * 1000).toISOString().slice(0, 10));
  assert.equal(by(b.sent).evaluation, 'sent');
  assert.equal(by(b.closed).evaluation, 'closed');
});

test('Your bookings keeps past and cancelled bookings, saying what happened to each', async () => {
  const page = await web.get('/bookings');
  assert.equal(page.status, 200);
  const [upcoming, past] = page.text.split('id="past"');
  assert.match(upcoming, new RegExp(`href="/sessions/${s.ahead}"`));
  assert.doesNotMatch(upcoming, new RegExp(`href="/sessions/${s['called-off']}"`), 'a cancelled session is not upcoming');
  const rowOf = (name) => past.match(new RegExp(`<tr[^>]*class="govuk-table__row">(?:(?!</tr>)[\\s\\S])*href="/sessions/${s[name]}"[\\s\\S]*?</tr>`))?.[0] ?? '';
  const expected = {
    open: 'Attended', sent: 'Left early', closed: 'Attended late', absent: 'Absent', unmarked: 'Not marked yet',
    withdrawn: 'Booking cancelled', 'called-off': 'Session cancelled',
  };
  for (const [name, outcome] of Object.entries(expected)) {
    assert.match(rowOf(name), new RegExp(`<strong class="govuk-tag[^"]*">${outcome}</strong>`), name);
  }
  assert.match(rowOf('open'), new RegExp(`<td[^>]*class="govuk-table__cell">${ukDate(T - 2 * D)}</td>`));
  assert.doesNotMatch(past, new RegExp(`href="/sessions/${s.ahead}"`));
  // Newest first.
  const order = [...past.matchAll(/href="\/sessions\/(\d+)"/g)].map((m) => Number(m[1]));
  assert.deepEqual(order, [s['called-off'], s.withdrawn, s.unmarked, s.open, s.absent, s.sent, s.closed]);

  const api = (await mine.get('/api/v1/me/bookings?when=past')).json;
  assert.deepEqual(api.map((x) => [x.session, x.outcome]), [
    [s['called-off'], 'session-cancelled'], [s.withdrawn, 'cancelled'], [s.unmarked, 'not-marked'], [s.open, 'attended'],
    [s.absent, 'absent'], [s.sent, 'partial'], [s.closed, 'late'],
  ]);
  // Each is a booking in the API's shape, its stored status beside the outcome.
  const entry = (name) => api.find((x) => x.session === s[name]);
  assert.deepEqual([entry('unmarked').status, entry('called-off').status, entry('sent').status], ['booked', 'cancelled', 'partial']);
  assert.ok(api.every((x) => x.id && x.email === ME && x.waitlist_position === null), 'id, email, waitlist_position');
  assert.deepEqual((await mine.get('/api/v1/me/bookings')).json.map((x) => x.session), [s.ahead]);
  const bad = await mine.get('/api/v1/me/bookings?when=soon');
  assert.equal(bad.status, 400);
  assert.equal(bad.json.field, 'when');
});
