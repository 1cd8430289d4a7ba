// A trainer finds their own sessions (issue 15): "Your sessions" on its page, on the home page, in
// the menu and in the API, grouped as today, waiting for attendance marks and coming up; the session
// list shows past sessions without a From date; the roster returns each mark to its row by anchor,
// shows the current mark as pressed, and before marking opens says when it will. The server's clock
// is pinned (LANTERN_CLOCK_FILE) to late morning UK time, so "today" never straddles midnight.
import test, { before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startStack, api, tokenFor, loggedIn } from './lib.mjs';
import { lateMorningClock, ukDateTime } from './uk_time.mjs';

const clock = lateMorningClock();
const T = clock.T;
const H = 3600;
const D = 86400;

const TRAINER = 'own-trainer@example.org';
const OTHER = 'own-other-trainer@example.org';
let stack, admin, trainerApi, web;
const ids = {};
const iso = (t) => new Date(t * 1000).toISOString().replace('.000', '');

async function session(start, hours, extra = {}) {
  const r = await admin.post('/api/v1/sessions', {
    course: 'recognising-and-responding', starts_at: iso(start), ends_at: iso(start + hours * H), capacity: 10,
    venue: { name: 'Civic Centre', address: 'Victoria Avenue', postcode: 'SS2 6ER', area: 'southend' },
    trainers: [TRAINER], ...extra,
  });
  assert.equal(r.status, 201, r.text);
  return r.json.id;
}

async function book(sessionId, email) {
  const r = await admin.post(`/api/v1/sessions/${sessionId}/bookings`, { email });
  assert.equal(r.status, 201, r.text);
  return r.json.id;
}

before(async () => {
  stack = await startStack({ env: { LANTERN_CLOCK_FILE: clock.file }, demo: true });
  admin = api(stack.base, await tokenFor(stack, 'admin@lantern.example'));
  for (const [email, name] of [[TRAINER, 'Own Trainer'], [OTHER, 'Other Trainer']]) {
    const u = await admin.post('/api/v1/users', { email, name, role: 'trainer', password: 'trainer-password-1' });
    assert.equal(u.status, 201, u.text);
  }
  for (const n of [1, 2, 3]) {
    const u = await admin.post('/api/v1/users', { email: `own-p${n}@example.org`, name: `Own Person ${n}`, role: 'practitioner', org: '2', password: 'practitioner-password' });
    assert.equal(u.status, 201, u.text);
  }
  ids.later = await session(T + 3 * H, 2); // today, opens for marking 30 minutes before
  ids.morning = await session(T - 3 * H, 2); // today, over
  ids.yesterday = await session(T - D, 3); // past, one person unmarked
  ids.marked = await session(T - 3 * D, 3); // past, all marked
  ids.tomorrow = await session(T + D, 3);
  ids.cancelled = await session(T + 2 * D, 3);
  ids.pupils = await session(T - 2 * D, 1, {
    course: 'risk-avert', module: 'healthy-relationships', school: '900001', year_group: 9, pupils_expected: 28,
    venue: { name: 'Demo Academy', address: 'School Lane', postcode: 'SS1 2AB' },
  }); // past, no head-count
  ids.laterBooking = await book(ids.later, 'own-p1@example.org');
  ids.morningBooking = await book(ids.morning, 'own-p1@example.org');
  ids.morningBooking2 = await book(ids.morning, 'own-p2@example.org');
  ids.yesterdayMarked = await book(ids.yesterday, 'own-p1@example.org');
  ids.yesterdayUnmarked = await book(ids.yesterday, 'own-p2@example.org');
  ids.markedBooking = await book(ids.marked, 'own-p3@example.org');
  for (const [b, status] of [[ids.yesterdayMarked, 'attended'], [ids.markedBooking, 'absent']]) {
    assert.equal((await admin.put(`/api/v1/bookings/${b}/attendance`, { status })).status, 200);
  }
  assert.equal((await admin.post(`/api/v1/sessions/${ids.cancelled}/cancel`, {})).status, 200);
  trainerApi = api(stack.base, await tokenFor(stack, TRAINER));
  web = await loggedIn(stack, TRAINER, 'trainer-password-1');
});
after(async () => {
  await stack?.stop();
  clock.remove();
});

test('the API groups a trainer\'s own sessions: today, waiting for marks, coming up', async () => {
  const r = await trainerApi.get('/api/v1/me/sessions');
  assert.equal(r.status, 200, r.text);
  const idsOf = (list) => list.map((s) => s.id);
  assert.deepEqual(idsOf(r.json.today), [ids.morning, ids.later], 'today, by start');
  assert.deepEqual(idsOf(r.json.awaiting_marks), [ids.yesterday, ids.pupils], 'newest first; marked and cancelled ones left out');
  assert.deepEqual(idsOf(r.json.coming), [ids.tomorrow]);
  assert.equal(r.json.awaiting_marks[0].unmarked, 1);
  assert.equal(r.json.awaiting_marks[1].unmarked, 1, 'a pupil session waits for its head-count');
  assert.equal(r.json.today[0].unmarked, 2);
  assert.equal(r.json.today[0].course, 'recognising-and-responding', 'sessions in the API\'s shape');
  assert.deepEqual(r.json.today[0].trainers, [TRAINER], 'each session names its trainers');
  // Another trainer sees none of them; practitioners have no such list.
  const other = await api(stack.base, await tokenFor(stack, OTHER)).get('/api/v1/me/sessions');
  assert.deepEqual(other.json, { today: [], coming: [], awaiting_marks: [] });
  const practitioner = api(stack.base, await tokenFor(stack, 'own-p1@example.org'));
  assert.equal((await practitioner.get('/api/v1/me/sessions')).status, 403);
});

test('Your sessions: its own page in the menu, and first on the trainer\'s home page', async () => {
  const page = await web.get('/my-sessions');
  assert.equal(page.status, 200);
  assert.match(page.text, /<a class="govuk-service-navigation__link" href="\/my-sessions" aria-current="page">/);
  const section = (id) => page.text.split(`id="${id}"`)[1].split('<h2')[0];
  assert.match(section('today'), new RegExp(`href="/sessions/${ids.later}/roster">Take attendance`));
  assert.match(section('today'), />2 not marked</);
  assert.match(section('awaiting-marks'), new RegExp(`href="/sessions/${ids.yesterday}/roster">Mark attendance`));
  assert.match(section('awaiting-marks'), new RegExp(`href="/sessions/${ids.yesterday}/marks">enter a paper sheet`));
  assert.match(section('awaiting-marks'), new RegExp(`href="/sessions/${ids.pupils}/roster">Record the head-count`));
  assert.doesNotMatch(page.text, new RegExp(`/sessions/${ids.marked}"`), 'a fully marked past session is not listed');
  assert.doesNotMatch(page.text, new RegExp(`/sessions/${ids.cancelled}"`), 'a cancelled session is not listed');
  assert.match(section('coming'), new RegExp(`href="/sessions/${ids.tomorrow}"`));
  assert.match(page.text, /href="\/sessions\?when=past">Past sessions</);

  const home = await web.get('/');
  assert.match(home.text, /<h2 class="govuk-heading-m">Your sessions today<\/h2>/);
  const firstSection = home.text.split('Your sessions today')[1].split('lantern-home-links')[0];
  assert.match(firstSection, new RegExp(`href="/sessions/${ids.later}/roster">Take attendance`));
  assert.match(firstSection, /href="\/my-sessions#awaiting-marks">2 past sessions are waiting for attendance marks</);
  assert.match(home.text, /href="\/my-sessions">Your sessions</);
});

test('the session list shows past sessions, newest first, without a From date', async () => {
  const list = await web.get('/sessions');
  assert.match(list.text, /href="\/sessions\?when=past">Past sessions<\/a>/);
  assert.doesNotMatch(list.text, new RegExp(`href="/sessions/${ids.yesterday}"`), 'the default is sessions not yet over');
  const past = await web.get('/sessions?when=past');
  assert.equal(past.status, 200);
  assert.match(past.text, /aria-current="page">Past sessions</);
  const order = [...past.text.matchAll(/<a class="govuk-link" href="\/sessions\/(\d+)">/g)].map((m) => Number(m[1]));
  assert.ok(order.includes(ids.yesterday) && order.includes(ids.marked), `past sessions listed: ${order}`);
  assert.ok(order.indexOf(ids.yesterday) < order.indexOf(ids.marked), 'newest first');
  assert.ok(!order.includes(ids.later) && !order.includes(ids.tomorrow), 'sessions not over are not past');
  // The filters carry the choice; the API takes it too.
  assert.match((await web.get('/sessions?when=past&course=recognising-and-responding')).text, /<input type="hidden" name="when" value="past">/);
  const apiPast = await trainerApi.get('/api/v1/sessions?when=past&limit=1000');
  assert.equal(apiPast.status, 200);
  assert.ok(apiPast.json.every((s) => Date.parse(s.ends_at) <= T * 1000), 'only sessions that have ended');
  assert.ok(apiPast.json.some((s) => s.id === ids.yesterday));
  const bad = await trainerApi.get('/api/v1/sessions?when=later');
  assert.equal(bad.status, 400);
  assert.equal(bad.json.field, 'when');
});

// The roster row of a booking, as served.
const rowOf = (html, booking) => html.match(new RegExp(`<li class="lantern-roster__item[^"]*" id="booking-${booking}" tabindex="-1">[\\s\\S]*?</li>`))?.[0];
const pressed = (row) => [...row.matchAll(/<button [^>]*value="([a-z]+)" aria-pressed="true"/g)].map((m) => m[1]);

test('a mark returns to its row by anchor, and the current mark is pressed', async () => {
  const roster = await web.get(`/sessions/${ids.morning}/roster`);
  assert.equal(roster.status, 200);
  const before = rowOf(roster.text, ids.morningBooking2);
  assert.ok(before, 'each row has the booking\'s anchor');
  assert.deepEqual(pressed(before), [], 'nobody marked: no mark pressed');
  assert.equal((before.match(/aria-pressed="false"/g) ?? []).length, 5);
  const marked = await web.postForm(`/sessions/${ids.morning}/roster/${ids.morningBooking2}`, { csrf: web.csrfFrom(roster.text), status: 'late' });
  assert.equal(marked.status, 303);
  assert.equal(marked.headers.get('location'), `/sessions/${ids.morning}/roster?marked=${ids.morningBooking2}#booking-${ids.morningBooking2}`);
  const back = await web.get(marked.headers.get('location').split('#')[0]);
  const row = rowOf(back.text, ids.morningBooking2);
  assert.deepEqual(pressed(row), ['late']);
  assert.match(row, /Saved/);
  assert.match(row, /aria-pressed="true" class="govuk-button govuk-button--secondary lantern-roster__action lantern-roster__action--current"/);
  assert.doesNotMatch(rowOf(back.text, ids.morningBooking), /Saved/, 'only the row marked says so');
  // Another mark moves the pressed button.
  await web.postForm(`/sessions/${ids.morning}/roster/${ids.morningBooking2}`, { csrf: web.csrfFrom(back.text), status: 'absent' });
  assert.deepEqual(pressed(rowOf((await web.get(`/sessions/${ids.morning}/roster`)).text, ids.morningBooking2)), ['absent']);
  // The page carries the live region lantern.js announces marks in.
  assert.match(back.text, /<ul class="lantern-roster" data-module="lantern-mark-in-place">/);
  assert.match(back.text, /aria-live="polite" data-lantern-roster-status/);
});

test('before marking opens, the roster says when, with its buttons switched off', async () => {
  const roster = await web.get(`/sessions/${ids.later}/roster`);
  assert.equal(roster.status, 200);
  assert.match(roster.text, new RegExp(`<div class="govuk-inset-text lantern-roster__not-open">You can take attendance from ${ukDateTime(T + 3 * H - 1800)}, 30 minutes before the session starts.`));
  const row = rowOf(roster.text, ids.laterBooking);
  assert.equal((row.match(/ disabled aria-disabled="true"/g) ?? []).length, 5, 'every mark button is off');
  assert.doesNotMatch(roster.text, /Mark everyone not yet marked/);
  // Once open, the same roster takes marks.
  const open = await web.get(`/sessions/${ids.morning}/roster`);
  assert.doesNotMatch(open.text, /lantern-roster__not-open| disabled /);
  assert.match(open.text, /Mark everyone not yet marked as attended/);
});
