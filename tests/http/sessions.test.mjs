// Courses, sessions and school requests through the real nginx and FastCGI server: session
// validation naming the field, the search with area roll-up, the session page, who may see who is
// booked, school request → confirmed pupil session with the school notified, and cancelling.
import test, { before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startStack, api, tokenFor, addUser, loggedIn, sqlite, mailTo } from './lib.mjs';

let stack, admin, trainer, otherTrainer, practitioner, school;
const sql = (q) => sqlite(stack.dbPath, q);

// Whole hours in UTC, days ahead: always in the future, never on a clock change's missing hour.
const inDays = (days, hour = 10) => {
  const d = new Date(Date.now() + days * 86400e3);
  d.setUTCHours(hour, 0, 0, 0);
  return d;
};
const isoZ = (d) => d.toISOString().slice(0, 19) + 'Z';
const ymd = (d) => d.toISOString().slice(0, 10);

function sessionBody(overrides = {}) {
  const start = overrides.start ?? inDays(20);
  const body = {
    course: 'recognising-and-responding',
    starts_at: isoZ(start),
    ends_at: isoZ(new Date(start.getTime() + 3 * 3600e3)),
    capacity: 12,
    venue: { name: 'Test Hall', address: '1 Test Street\nBasildon', postcode: 'SS14 1AA', area: 'basildon' },
    trainers: ['trainer@lantern.example'],
  };
  for (const [k, v] of Object.entries(overrides)) if (k !== 'start') body[k] = v;
  return body;
}

async function createSession(overrides) {
  const res = await admin.post('/api/v1/sessions', sessionBody(overrides));
  assert.equal(res.status, 201, JSON.stringify(res.json));
  return res.json;
}

before(async () => {
  stack = await startStack({ demo: true });
  admin = api(stack.base, await tokenFor(stack, 'admin@lantern.example'));
  trainer = api(stack.base, await tokenFor(stack, 'trainer@lantern.example'));
  practitioner = api(stack.base, await tokenFor(stack, 'practitioner@lantern.example'));
  school = api(stack.base, await tokenFor(stack, 'school@lantern.example'));
  await addUser(stack, { email: 'trainer2@example.org', name: 'Tess Second', role: 'trainer' });
  otherTrainer = api(stack.base, await tokenFor(stack, 'trainer2@example.org'));
});
after(async () => { await stack?.stop(); });

test('GET /api/v1/courses has the catalogue in the spec shape, with modules for pupil programmes', async () => {
  const res = await practitioner.get('/api/v1/courses');
  assert.equal(res.status, 200);
  const byId = Object.fromEntries(res.json.map((c) => [c.id, c]));
  const rr = byId['recognising-and-responding'];
  assert.ok(rr, 'recognising-and-responding is listed');
  for (const k of ['id', 'title', 'audience', 'outcome', 'duration_minutes', 'modules', 'description'])
    assert.ok(k in rr, `course has ${k}`);
  assert.equal(rr.audience, 'practitioners');
  assert.equal(rr.outcome, 5);
  const ra = byId['risk-avert'];
  assert.equal(ra.audience, 'pupils');
  assert.ok(ra.modules.length >= 3);
  for (const m of ra.modules) {
    assert.ok(['social-norms', 'pshe', 'targeted'].includes(m.kind), m.kind);
    assert.ok(m.year_groups.length > 0 && m.year_groups.every((y) => y >= 7 && y <= 13));
  }
});

test('course pages list the catalogue and a course shows its upcoming sessions', async () => {
  const s = await createSession({ course: 'coercive-control-stalking-harassment' });
  const web = await loggedIn(stack, 'practitioner@lantern.example');
  const list = await web.get('/courses');
  assert.equal(list.status, 200);
  assert.match(list.text, /href="\/courses\/coercive-control-stalking-harassment"/);
  const page = await web.get('/courses/coercive-control-stalking-harassment');
  assert.equal(page.status, 200);
  assert.match(page.text, new RegExp(`href="/sessions/${s.id}"`));
  assert.equal((await web.get('/courses/no-such-course')).status, 404);
});

test('creating a session names the field at fault', async () => {
  const start = inDays(30);
  const cases = [
    [{ ends_at: isoZ(new Date(start.getTime() - 3600e3)), start }, 'ends_at'],
    [{ course: 'no-such-course' }, 'course'],
    [{ capacity: 0 }, 'capacity'],
    [{ trainers: ['practitioner@lantern.example'] }, 'trainers'],
    [{ trainers: [] }, 'trainers'],
    [{ venue: { name: 'Hall', address: 'Street', postcode: 'SS1 1AA', area: 'nowhere' } }, 'area'],
  ];
  for (const [overrides, field] of cases) {
    const res = await admin.post('/api/v1/sessions', sessionBody(overrides));
    assert.equal(res.status, 422, `${field}: ${res.text}`);
    assert.equal(res.json.field, field, JSON.stringify(res.json));
    assert.ok(res.json.error, 'an error message for people');
  }
  // Only admins and trainers create sessions; a trainer cannot create one in the past.
  assert.equal((await practitioner.post('/api/v1/sessions', sessionBody())).status, 403);
  const past = await trainer.post('/api/v1/sessions', sessionBody({ start: inDays(-3) }));
  assert.equal(past.status, 422);
  assert.equal(past.json.field, 'starts_at');
});

test('a created session has the spec shape; PUT is for its trainers and admins', async () => {
  const s = await createSession({ capacity: 7 });
  for (const k of ['id', 'course', 'starts_at', 'ends_at', 'capacity', 'status', 'venue', 'trainers', 'school',
    'year_group', 'pupils_expected', 'seats_left', 'booked', 'waitlisted'])
    assert.ok(k in s, `session has ${k}`);
  assert.equal(s.status, 'scheduled');
  assert.equal(s.seats_left, 7);
  assert.equal(s.venue.area, 'basildon');
  assert.deepEqual(s.trainers, ['trainer@lantern.example']);
  assert.equal(s.school, null);
  assert.match(s.starts_at, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d[+-]\d\d:\d\d$/);

  const mine = await trainer.put(`/api/v1/sessions/${s.id}`, { capacity: 9 });
  assert.equal(mine.status, 200, mine.text);
  assert.equal(mine.json.capacity, 9);
  assert.equal((await otherTrainer.put(`/api/v1/sessions/${s.id}`, { capacity: 10 })).status, 403);
  assert.equal((await practitioner.put(`/api/v1/sessions/${s.id}`, { capacity: 10 })).status, 403);
  const bad = await admin.put(`/api/v1/sessions/${s.id}`, { capacity: 0 });
  assert.equal(bad.status, 422);
  assert.equal(bad.json.field, 'capacity');
});

test('a session reads delivered once its end has passed, scheduled until then, and cancelled once cancelled', async () => {
  const past = await createSession({ start: inDays(-3) }); // admins may enter sessions that have happened
  const running = await createSession({ start: new Date(Date.now() - 3600e3) }); // ends in two hours
  const ahead = await createSession();
  const called = await createSession({ start: inDays(-2) });
  assert.equal((await admin.post(`/api/v1/sessions/${called.id}/cancel`, {})).status, 200);
  const want = { [past.id]: 'delivered', [running.id]: 'scheduled', [ahead.id]: 'scheduled', [called.id]: 'cancelled' };
  for (const [id, status] of Object.entries(want)) {
    assert.equal((await practitioner.get(`/api/v1/sessions/${id}`)).json.status, status, `session ${id}`);
  }
  // The list says the same.
  const listed = (await admin.get(`/api/v1/sessions?from=${ymd(inDays(-4))}&to=${ymd(inDays(21))}&area=basildon`)).json;
  for (const [id, status] of Object.entries(want)) {
    assert.equal(listed.find((x) => x.id === Number(id))?.status, status, `session ${id} in the list`);
  }
});

test('the list names each session\'s trainers as the session itself does (read for the whole list at once)', async () => {
  const day = inDays(60);
  const at = (hours) => new Date(day.getTime() + hours * 3600e3);
  const one = await createSession({ start: day });
  // Between the two, a session the filter leaves out, with a trainer of its own that must not leak.
  const between = await createSession({ start: at(1), trainers: ['trainer2@example.org'],
    venue: { name: 'Civic Centre', address: 'Victoria Avenue', postcode: 'SS2 6ER', area: 'southend' } });
  const two = await createSession({ start: at(2), trainers: ['trainer2@example.org', 'trainer@lantern.example'] });
  const listed = (await admin.get(`/api/v1/sessions?from=${ymd(day)}&to=${ymd(day)}&area=basildon`)).json;
  const ours = listed.filter((x) => [one.id, between.id, two.id].includes(x.id));
  assert.deepEqual(ours.map((x) => x.id), [one.id, two.id]);
  for (const x of listed) {
    assert.deepEqual(x.trainers, (await admin.get(`/api/v1/sessions/${x.id}`)).json.trainers, `session ${x.id}`);
  }
  assert.deepEqual(ours.map((x) => x.trainers.slice().sort()), [['trainer@lantern.example'], ['trainer2@example.org', 'trainer@lantern.example']]);
});

test('GET /api/v1/sessions filters by course, dates and area, and an area includes its districts', async () => {
  const start = inDays(45);
  const s = await createSession({ course: 'honour-based-abuse-forced-marriage-fgm', start });
  const ids = async (query) => {
    const res = await practitioner.get(`/api/v1/sessions?${query}`);
    assert.equal(res.status, 200, res.text);
    return res.json.map((x) => x.id);
  };
  const day = ymd(start);
  assert.ok((await ids('area=basildon')).includes(s.id));
  assert.ok((await ids('area=essex')).includes(s.id));
  assert.ok((await ids('area=greater-essex')).includes(s.id));
  assert.ok(!(await ids('area=southend')).includes(s.id));
  assert.ok((await ids(`course=honour-based-abuse-forced-marriage-fgm&from=${day}&to=${day}`)).includes(s.id));
  assert.ok(!(await ids('course=dash-risk-assessment-and-marac')).includes(s.id));
  assert.ok(!(await ids(`to=${ymd(inDays(44))}`)).includes(s.id));
  assert.ok(!(await ids(`from=${ymd(inDays(46))}`)).includes(s.id));

  for (const [query, field] of [['area=nowhere', 'area'], ['from=2026-02-30', 'from'], ['course=nope', 'course']]) {
    const res = await practitioner.get(`/api/v1/sessions?${query}`);
    assert.equal(res.status, 400, query);
    assert.equal(res.json.field, field);
  }
});

test('the session list page searches by area and shows places left', async () => {
  const s = await createSession({ course: 'dash-risk-assessment-and-marac', start: inDays(50) });
  const web = await loggedIn(stack, 'practitioner@lantern.example');
  const essex = await web.get('/sessions?area=essex&course=dash-risk-assessment-and-marac');
  assert.equal(essex.status, 200);
  assert.match(essex.text, new RegExp(`href="/sessions/${s.id}"`));
  assert.match(essex.text, /12 places left/);
  const southend = await web.get('/sessions?area=southend&course=dash-risk-assessment-and-marac');
  assert.doesNotMatch(southend.text, new RegExp(`href="/sessions/${s.id}"`));
  const bad = await web.get('/sessions?from=not-a-date');
  assert.equal(bad.status, 400);
  assert.match(bad.text, /href="#from"/);
});

test('the session page shows places left; only trainers and admins see who is booked', async () => {
  const s = await createSession({ capacity: 5 });
  const booked = await practitioner.post(`/api/v1/sessions/${s.id}/bookings`, {});
  assert.equal(booked.status, 201, booked.text);

  const placesLeft = (html) => html.match(/Places left<\/dt><dd class="govuk-summary-list__value">(\d+)</)?.[1];
  const asPractitioner = await loggedIn(stack, 'practitioner@lantern.example');
  const page = await asPractitioner.get(`/sessions/${s.id}`);
  assert.equal(page.status, 200);
  assert.equal(placesLeft(page.text), '4');
  assert.match(page.text, /You are booked on this session/);
  // Cancelling goes through its confirmation page first (confirmations.test.mjs).
  assert.match(page.text, /href="\/bookings\/\d+\/cancel"/);
  assert.doesNotMatch(page.text, /Who is booked/);
  assert.doesNotMatch(page.text, /Priya Practitioner/);

  const asTrainer = await loggedIn(stack, 'trainer@lantern.example');
  const trainerPage = await asTrainer.get(`/sessions/${s.id}`);
  assert.match(trainerPage.text, /Who is booked/);
  assert.match(trainerPage.text, /Priya Practitioner/);
  const asOtherTrainer = await loggedIn(stack, 'trainer2@example.org', 'lantern-test-password');
  assert.doesNotMatch((await asOtherTrainer.get(`/sessions/${s.id}`)).text, /Priya Practitioner/);

  assert.equal((await practitioner.get(`/api/v1/sessions/${s.id}/bookings`)).status, 403);
  assert.equal((await otherTrainer.get(`/api/v1/sessions/${s.id}/bookings`)).status, 403);
  assert.equal((await school.get(`/api/v1/sessions/${s.id}/bookings`)).status, 403);
  const list = await trainer.get(`/api/v1/sessions/${s.id}/bookings`);
  assert.equal(list.status, 200);
  assert.equal(list.json.length, 1);
  assert.equal(list.json[0].email, 'practitioner@lantern.example');
  assert.equal(list.json[0].status, 'booked');
  assert.equal(list.json[0].waitlist_position, null);
  assert.equal(list.json[0].session, s.id);
  assert.equal((await admin.get(`/api/v1/sessions/${s.id}/bookings`)).status, 200);

  const api1 = await practitioner.get(`/api/v1/sessions/${s.id}`);
  assert.equal(api1.json.seats_left, 4);
  assert.equal(api1.json.waitlisted, 0);
});

test('admins and trainers create and edit sessions in the web form, with errors named', async () => {
  const web = await loggedIn(stack, 'admin@lantern.example');
  const form = await web.get('/sessions/new');
  assert.equal(form.status, 200);
  for (const name of ['course', 'module', 'starts_at', 'ends_at', 'capacity', 'venue_name', 'venue_address',
    'venue_postcode', 'venue_room', 'venue_access', 'area', 'trainers', 'school', 'year_group', 'pupils_expected',
    'booking_opens_at', 'booking_closes_at', 'cancel_cutoff_at', 'reserved_sector', 'reserved_places',
    'reserved_until'])
    assert.match(form.text, new RegExp(`name="${name}"`), name);
  assert.match(form.text, /type="datetime-local"/);

  const fields = {
    course: 'supporting-employees', starts_at: '2030-06-04T09:30', ends_at: '2030-06-04T09:00', capacity: '',
    venue_name: 'Business Centre', venue_address: '3 Test Parade', venue_postcode: 'CO1 1AA', area: 'colchester',
    trainers: ['trainer@lantern.example'],
  };
  const bad = await web.submit('/sessions/new', fields);
  assert.equal(bad.status, 400);
  assert.match(bad.text, /href="#ends_at">The end must be after the start/);

  const ok = await web.submit('/sessions/new', { ...fields, ends_at: '2030-06-04T12:00' });
  assert.equal(ok.status, 303, ok.text.slice(0, 500));
  const id = ok.headers.get('location').match(/\/sessions\/(\d+)\?done=created/)[1];
  const made = await admin.get(`/api/v1/sessions/${id}`);
  assert.equal(made.json.capacity, 25, 'a blank capacity takes the course default');
  assert.equal(made.json.starts_at, '2030-06-04T09:30:00+01:00');

  // The trainer of the session may edit it; unticking every trainer is an error, not "keep".
  const asTrainer = await loggedIn(stack, 'trainer@lantern.example');
  const edit = await asTrainer.get(`/sessions/${id}/edit`);
  assert.equal(edit.status, 200);
  assert.match(edit.text, /value="2030-06-04T09:30"/);
  const noTrainer = await asTrainer.submit(`/sessions/${id}/edit`, { ...fields, ends_at: '2030-06-04T12:00',
    capacity: '30', trainers: undefined });
  assert.equal(noTrainer.status, 400);
  assert.match(noTrainer.text, /href="#trainers"/);
  const saved = await asTrainer.submit(`/sessions/${id}/edit`, { ...fields, ends_at: '2030-06-04T12:00', capacity: '30' });
  assert.equal(saved.status, 303);
  assert.equal((await admin.get(`/api/v1/sessions/${id}`)).json.capacity, 30);
  const asOther = await loggedIn(stack, 'trainer2@example.org', 'lantern-test-password');
  assert.equal((await asOther.get(`/sessions/${id}/edit`)).status, 403);
  const asPractitioner = await loggedIn(stack, 'practitioner@lantern.example');
  assert.equal((await asPractitioner.get('/sessions/new')).status, 403);
});

test('a capacity rise books people off the waiting list', async () => {
  const s = await createSession({ capacity: 1 });
  const first = await admin.post(`/api/v1/sessions/${s.id}/bookings`, { email: 'practitioner@lantern.example' });
  assert.equal(first.json.status, 'booked', first.text);
  await addUser(stack, { email: 'waiting@example.org', name: 'Wai Ting', role: 'practitioner', org: 2 });
  const second = await admin.post(`/api/v1/sessions/${s.id}/bookings`, { email: 'waiting@example.org' });
  assert.equal(second.json.status, 'waitlisted', second.text);
  const res = await admin.put(`/api/v1/sessions/${s.id}`, { capacity: 2 });
  assert.equal(res.status, 200);
  assert.equal(res.json.booked, 2);
  assert.equal(res.json.waitlisted, 0);
});

test('a school request, confirmed, becomes a pupil session and the school is told', async () => {
  const bad = await school.post('/api/v1/session-requests', { course: 'recognising-and-responding', year_group: 9,
    pupils_expected: 30, preferred_dates: 'March' });
  assert.equal(bad.status, 422);
  assert.equal(bad.json.field, 'course');
  const badYear = await school.post('/api/v1/session-requests', { course: 'risk-avert', year_group: 14,
    pupils_expected: 30, preferred_dates: 'March' });
  assert.equal(badYear.json.field, 'year_group');
  assert.equal((await practitioner.post('/api/v1/session-requests', {})).status, 403);

  const made = await school.post('/api/v1/session-requests', {
    course: 'risk-avert', module: 'healthy-relationships', year_group: 9, pupils_expected: 150,
    preferred_dates: 'Any Tuesday in March', notes: 'Sports hall',
  });
  assert.equal(made.status, 201, made.text);
  assert.equal(made.json.status, 'open');
  assert.equal(made.json.school, '900001');
  const requestId = made.json.id;
  assert.ok((await trainer.get('/api/v1/session-requests')).json.some((r) => r.id === requestId));

  const start = inDays(25);
  const confirmBody = {
    starts_at: isoZ(start), ends_at: isoZ(new Date(start.getTime() + 3600e3)),
    venue: { name: 'Demo Academy', address: '20 Test Avenue', postcode: 'SS1 1AA' },
    trainers: ['trainer@lantern.example'],
  };
  const noTrainer = await trainer.post(`/api/v1/session-requests/${requestId}/confirm`, { ...confirmBody, trainers: [] });
  assert.equal(noTrainer.status, 422);
  assert.equal(noTrainer.json.field, 'trainers');
  assert.equal((await school.post(`/api/v1/session-requests/${requestId}/confirm`, confirmBody)).status, 403);

  const confirmed = await trainer.post(`/api/v1/session-requests/${requestId}/confirm`, confirmBody);
  assert.equal(confirmed.status, 201, confirmed.text);
  const session = confirmed.json;
  assert.equal(session.course, 'risk-avert');
  assert.equal(session.module, 'healthy-relationships');
  assert.equal(session.school, '900001');
  assert.equal(session.year_group, 9);
  assert.equal(session.pupils_expected, 150);
  assert.equal(session.venue.area, 'southend', "a pupil session takes the school's area");

  const mail = (await mailTo(stack, 'school@lantern.example')).filter((m) => m.subject.startsWith('Session confirmed'));
  assert.equal(mail.length, 1);
  assert.match(mail[0].attachment, /BEGIN:VCALENDAR[\s\S]*UID:session-\d+@lantern\.example[\s\S]*END:VCALENDAR/);
  assert.equal(sql(`SELECT status || ' ' || session_id FROM session_requests WHERE id = ${requestId}`),
    `confirmed ${session.id}`);
  const again = await trainer.post(`/api/v1/session-requests/${requestId}/confirm`, confirmBody);
  assert.equal(again.status, 409);
  assert.equal(sql(`SELECT count(*) FROM sessions WHERE school_urn = '900001' AND pupils_expected = 150`), '1',
    'confirming twice makes no second session');

  const mine = await school.get('/api/v1/session-requests');
  assert.equal(mine.json.find((r) => r.id === requestId).status, 'confirmed');
  // Pupil sessions are for staff and their school only.
  assert.equal((await school.get(`/api/v1/sessions/${session.id}`)).status, 200);
  assert.equal((await practitioner.get(`/api/v1/sessions/${session.id}`)).status, 404);
  assert.ok(!(await practitioner.get('/api/v1/sessions')).json.some((x) => x.id === session.id));
  assert.ok((await school.get('/api/v1/sessions')).json.some((x) => x.id === session.id));
});

test('school requests in the web: ask, then decline with a reason the school is sent', async () => {
  const lead = await loggedIn(stack, 'school@lantern.example');
  const form = await lead.get('/requests/new');
  assert.equal(form.status, 200);
  const missing = await lead.submit('/requests/new', { course: 'risk-avert', year_group: '8' });
  assert.equal(missing.status, 400);
  assert.match(missing.text, /href="#pupils_expected"/);
  assert.match(missing.text, /href="#preferred_dates"/);
  const sent = await lead.submit('/requests/new', { course: 'risk-avert', module: 'social-norms', year_group: '8',
    pupils_expected: '120', preferred_dates: 'Week of 9 March' });
  assert.equal(sent.status, 303);
  const id = sql(`SELECT max(id) FROM session_requests WHERE preferred_dates = 'Week of 9 March'`);

  const staff = await loggedIn(stack, 'admin@lantern.example');
  const list = await staff.get('/requests');
  assert.match(list.text, new RegExp(`href="/requests/${id}/confirm"`));
  const noReason = await staff.submit(`/requests/${id}/confirm`, { reason: '' }, `/requests/${id}/decline`);
  assert.equal(noReason.status, 400);
  assert.match(noReason.text, /href="#reason"/);
  const declined = await staff.submit(`/requests/${id}/confirm`, { reason: 'No trainer free that week' },
    `/requests/${id}/decline`);
  assert.equal(declined.status, 303);
  assert.equal(sql(`SELECT status FROM session_requests WHERE id = ${id}`), 'declined');
  assert.equal(sql(`SELECT count(*) FROM outbox WHERE to_email = 'school@lantern.example'
    AND body LIKE '%No trainer free that week%'`), '1');
  assert.equal((await lead.get('/requests/new')).status, 200);
  const asPractitioner = await loggedIn(stack, 'practitioner@lantern.example');
  assert.equal((await asPractitioner.get('/requests')).status, 403);
});

test('cancelling a session is for admins; it cancels the bookings and tells each person', async () => {
  const s = await createSession();
  const b = await practitioner.post(`/api/v1/sessions/${s.id}/bookings`, {});
  assert.equal(b.status, 201, b.text);
  assert.equal((await trainer.post(`/api/v1/sessions/${s.id}/cancel`, {})).status, 403);
  assert.equal((await practitioner.post(`/api/v1/sessions/${s.id}/cancel`, {})).status, 403);
  const res = await admin.post(`/api/v1/sessions/${s.id}/cancel`, {});
  assert.equal(res.status, 200, res.text);
  assert.equal(res.json.status, 'cancelled');
  assert.equal(res.json.booked, 0);
  assert.equal(sql(`SELECT status FROM bookings WHERE id = ${b.json.id}`), 'cancelled');
  assert.equal(sql(`SELECT count(*) FROM outbox WHERE to_email = 'practitioner@lantern.example'
    AND subject LIKE 'Session cancelled%'`), '1');
  assert.equal((await admin.post(`/api/v1/sessions/${s.id}/cancel`, {})).status, 409);
  // Cancelled sessions leave the web list but stay readable, marked as cancelled.
  const web = await loggedIn(stack, 'practitioner@lantern.example');
  const page = await web.get(`/sessions/${s.id}`);
  assert.match(page.text, /This session has been cancelled/);
  assert.doesNotMatch(page.text, /Book a place/);
  assert.doesNotMatch((await web.get('/sessions?area=basildon')).text, new RegExp(`href="/sessions/${s.id}"`));
});

test('the session list API gives 100 unless asked, says when it was cut, and checks limit', async () => {
  // More than 100 sessions to list, so the default has something to cut.
  const listed = (await admin.get('/api/v1/sessions?limit=1000')).json.length;
  for (let i = listed; i < 101; i++) await createSession({ start: inDays(30 + (i % 60)) });
  const all = await admin.get('/api/v1/sessions?limit=1000');
  assert.equal(all.status, 200);
  assert.ok(all.json.length > 100 && all.json.length < 1000, `${all.json.length} sessions`);
  assert.equal(all.headers.get('x-lantern-truncated'), null);
  const unasked = await admin.get('/api/v1/sessions');
  assert.equal(unasked.status, 200);
  assert.equal(unasked.json.length, 100);
  assert.equal(unasked.headers.get('x-lantern-truncated'), 'true');
  assert.deepEqual(unasked.json.map((s) => s.id), all.json.slice(0, 100).map((s) => s.id));
  const two = await admin.get('/api/v1/sessions?limit=2');
  assert.equal(two.json.length, Math.min(2, all.json.length));
  assert.equal(two.headers.get('x-lantern-truncated'), all.json.length > 2 ? 'true' : null);
  assert.deepEqual(two.json.map((s) => s.id), all.json.slice(0, 2).map((s) => s.id));
  const bad = await admin.get('/api/v1/sessions?limit=0');
  assert.equal(bad.status, 400);
  assert.equal(bad.json.field, 'limit');
});
