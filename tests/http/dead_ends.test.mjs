// No dead ends (issue 15): every error page offers the way back to where the person was, and only
// ever to a page of this site; a field's error re-shows its form with a GOV.UK error summary that
// names what is wrong; walk-ins and the evaluation say what happened in words people use.
import test, { before, after } from 'node:test';
import assert from 'node:assert/strict';
import { api, loggedIn, sqlite, startStack, tokenFor } from './lib.mjs';
import { forms, postForm } from './forms.mjs';
import { makePractitioner, makeSession, ok } from './records.mjs';

let stack, admin, adminWeb;
const sql = (q) => sqlite(stack.dbPath, q);
const session = (startMs, hours) => makeSession(admin, { startMs, hours });
const practitioner = () => makePractitioner(stack, admin, 'dead-end');

/** The way back an error page offers: the back link above and the link in its body, which agree. */
function wayBack(html) {
  const top = html.match(/<a href="([^"]*)" class="govuk-back-link">Back<\/a>/)?.[1];
  const body = html.match(/<a class="govuk-link" href="([^"]*)">Go back to where you were<\/a>/)?.[1];
  assert.equal(top, body, 'the back link and the link in the page agree');
  return body;
}

/** The error summary's entries: [{ href, text }]. */
function errorSummary(html) {
  const box = html.match(/<div class="govuk-error-summary"[\s\S]*?<\/ul>/)?.[0] ?? '';
  return [...box.matchAll(/<li><a href="([^"]*)">([^<]*)<\/a><\/li>/g)].map(([, href, text]) => ({ href, text }));
}

before(async () => {
  stack = await startStack({ demo: true });
  admin = api(stack.base, await tokenFor(stack, 'admin@lantern.example'));
  adminWeb = await loggedIn(stack, 'admin@lantern.example');
});
after(async () => { await stack?.stop(); });

test('booking on someone\'s behalf: a wrong email re-shows the session page with an error summary on the field', async () => {
  const id = await session();
  const page = await adminWeb.get(`/sessions/${id}`);
  const form = postForm(page.text, `/sessions/${id}/book`);
  assert.equal(form.hidden.back, `/sessions/${id}`, 'the form names the page it is on');
  const cases = [
    ['nobody@example.org', 'There is no practitioner with that email address'],
    ['not-an-email', 'Enter an email address in the correct format, like name@example.com'],
    ['', 'Enter the practitioner&#39;s email address'],
    ['trainer@lantern.example', 'Only an active practitioner can be booked onto a session.'],
  ];
  for (const [email, message] of cases) {
    const res = await adminWeb.postForm(`/sessions/${id}/book`, { ...form.hidden, email });
    assert.ok(res.status === 422, `${email}: ${res.status}`);
    assert.match(res.text, /<title>Error: /, email);
    assert.deepEqual(errorSummary(res.text), [{ href: '#email', text: message }], email);
    assert.match(res.text, new RegExp(`<p id="email-error" class="govuk-error-message"><span class="govuk-visually-hidden">Error:</span> ${message}</p>`));
    assert.match(res.text, new RegExp(`id="email" name="email" type="email" value="${email}"`), `${email} is kept`);
  }
  assert.equal(sql(`SELECT count(*) FROM bookings WHERE session_id = ${id}`), '0');
});

test('an error answering a form leads back to the page the form was on, never to another site', async () => {
  // Booking a session that has started is refused: the error page leads back to the session.
  const p = await practitioner();
  const web = p.web;
  const later = await session(Date.now() + 14 * 86400e3);
  const page = await web.get(`/sessions/${later}`);
  const form = postForm(page.text, `/sessions/${later}/book`);
  assert.equal(form.hidden.back, `/sessions/${later}`);
  await ok(admin.post(`/api/v1/sessions/${later}/cancel`, {}), 200);
  const refused = await web.postForm(`/sessions/${later}/book`, form.hidden);
  assert.equal(refused.status, 409);
  assert.match(refused.text, /This session has been cancelled/);
  assert.equal(wayBack(refused.text), `/sessions/${later}`);

  // A list's query is kept, an announcement (?done=) is not.
  const list = await web.get('/bookings?done=saved');
  assert.equal(postForm(list.text, '/bookings/preferences').hidden.back, '/bookings');
  const search = await web.get('/sessions?course=recognising-and-responding');
  assert.equal(forms(search.text).find((f) => f.action === '/logout').hidden.back, '/sessions?course=recognising-and-responding');

  // A forged way back that would leave the site is not used: the nearest page above is offered.
  for (const back of ['https://evil.example/', '//evil.example/x', '/\\evil.example', 'javascript:alert(1)', '/\t/evil.example', ' /sessions']) {
    const res = await web.postForm(`/sessions/${later}/book`, { ...form.hidden, back });
    assert.equal(res.status, 409, back);
    assert.equal(wayBack(res.text), `/sessions/${later}`, `${JSON.stringify(back)} is not used`);
    assert.doesNotMatch(res.text, /evil\.example|javascript:/, back);
  }
  // An expired form's refusal (no valid token) leads back too.
  const expired = await web.postForm('/bookings/preferences', { back: '/bookings', show_course_names: '1', csrf: 'stale' });
  assert.equal(expired.status, 403);
  assert.equal(wayBack(expired.text), '/bookings');
});

test('an error page without a form behind it leads to the nearest page above, or to a page of this site that referred', async () => {
  const web = await loggedIn(stack, 'practitioner@lantern.example');
  const missing = await web.get('/sessions/999999');
  assert.equal(missing.status, 404);
  assert.equal(wayBack(missing.text), '/sessions');
  const referred = await web.get('/sessions/999999', { Referer: `${stack.base}/courses` });
  assert.equal(wayBack(referred.text), '/courses');
  const outside = await web.get('/sessions/999999', { Referer: 'https://evil.example/courses' });
  assert.equal(wayBack(outside.text), '/sessions');
  // A page that refuses its filter leads back to itself, asked afresh.
  const filtered = await adminWeb.get('/schools?area=atlantis');
  assert.equal(filtered.status, 400);
  assert.equal(wayBack(filtered.text), '/schools');
  // Only a page the person may open: a practitioner is not sent to an admin's list.
  const notYours = await web.get('/admin/users/1');
  assert.equal(notYours.status, 403);
  assert.equal(wayBack(notYours.text), '/', 'the home page, not /admin/users');
});

test('reopening a sent evaluation says so and leads back to the session', async () => {
  const start = Date.now() - 5 * 3600e3;
  const id = await session(start, 3);
  const p = await practitioner();
  const booking = (await ok(admin.post(`/api/v1/sessions/${id}/bookings`, { email: p.email }))).id;
  await ok(admin.put(`/api/v1/bookings/${booking}/attendance`, { status: 'attended' }), 200);
  await ok(p.api.post(`/api/v1/bookings/${booking}/evaluation`, { usefulness: 4, recognise_before: 2, recognise_after: 4, act_before: 2, act_after: 4 }));
  const web = p.web;
  const again = await web.get(`/evaluations/${booking}`);
  assert.equal(again.status, 409);
  assert.match(again.text, /You have already sent feedback/);
  assert.equal(wayBack(again.text), `/sessions/${id}`);
});

test('marking a session that has not opened yet leads back to its roster', async () => {
  const id = await session(Date.now() + 7 * 86400e3);
  const p = await practitioner();
  const booking = (await ok(p.api.post(`/api/v1/sessions/${id}/bookings`, {}))).id;
  const web = await loggedIn(stack, 'trainer@lantern.example');
  const roster = await web.get(`/sessions/${id}/roster`);
  const form = forms(roster.text).find((f) => f.method === 'post') ?? { hidden: {} };
  assert.equal(form.hidden.back, `/sessions/${id}/roster`, 'the roster\'s forms name the roster');
  const res = await web.postForm(`/sessions/${id}/roster/${booking}`, { csrf: form.hidden.csrf, back: `/sessions/${id}/roster`, status: 'attended' });
  assert.equal(res.status, 409, res.text.slice(0, 300));
  assert.equal(wayBack(res.text), `/sessions/${id}/roster`);
});

test('walk-ins: someone already on the roster is said to be, not added twice; a malformed email is called malformed', async () => {
  const id = await session(Date.now() + 10 * 60e3);
  const p = await practitioner();
  const booking = (await ok(p.api.post(`/api/v1/sessions/${id}/bookings`, {}))).id;
  const web = await loggedIn(stack, 'trainer@lantern.example');
  const walkIn = async (fields) => {
    const roster = await web.get(`/sessions/${id}/roster`);
    return web.postForm(`/sessions/${id}/walk-in`, { ...postForm(roster.text, `/sessions/${id}/walk-in`).hidden, ...fields });
  };
  const live = () => sql(`SELECT count(*) || ':' || group_concat(status) FROM bookings b JOIN users u ON u.id = b.user_id
    WHERE b.session_id = ${id} AND u.email = '${p.email}' AND b.status <> 'cancelled'`);

  // Booked and here: marked as attended, and said so; one place still.
  const first = await walkIn({ email: p.email });
  assert.equal(first.status, 303);
  assert.equal(first.headers.get('location'), `/sessions/${id}/roster?done=walk-in-booked`);
  assert.match((await web.get(first.headers.get('location'))).text, /Marked as attended[\s\S]*already had a place/);
  assert.equal(live(), '1:attended');
  assert.equal(sql(`SELECT status FROM bookings WHERE id = ${booking}`), 'attended');

  // Already marked: the form says so, naming them and their mark; nothing changes.
  const twice = await walkIn({ email: p.email });
  assert.equal(twice.status, 409);
  assert.deepEqual(errorSummary(twice.text), [{ href: '#email', text: `${p.name} is already on the roster, marked as Attended` }]);
  assert.equal(live(), '1:attended');

  const malformed = await walkIn({ email: 'not-an-email', name: 'Someone New', org: '2' });
  assert.equal(malformed.status, 400);
  assert.deepEqual(errorSummary(malformed.text), [{ href: '#email', text: 'Enter an email address in the correct format, like name@example.com' }]);
  const blank = await walkIn({ email: '' });
  assert.deepEqual(errorSummary(blank.text), [{ href: '#email', text: 'Enter the walk-in&#39;s email address' }]);

  // Someone new is still added, once.
  const fresh = await walkIn({ email: 'new-walk-in@example.org', name: 'New Walk-in', org: '2' });
  assert.equal(fresh.headers.get('location'), `/sessions/${id}/roster?done=walk-in`);
});

test('the evaluation\'s error summary names each question left unanswered and links to it', async () => {
  const start = Date.now() - 5 * 3600e3;
  const id = await session(start, 3);
  const p = await practitioner();
  const booking = (await ok(admin.post(`/api/v1/sessions/${id}/bookings`, { email: p.email }))).id;
  await ok(admin.put(`/api/v1/bookings/${booking}/attendance`, { status: 'attended' }), 200);
  const web = p.web;
  const page = await web.get(`/evaluations/${booking}`);
  const res = await web.postForm(`/evaluations/${booking}`, { ...postForm(page.text, `/evaluations/${booking}`).hidden, usefulness: '4', act_after: '9' });
  assert.equal(res.status, 400);
  assert.deepEqual(errorSummary(res.text), [
    { href: '#recognise_before', text: 'Select how confident you were to recognise domestic abuse before the session, from 1 to 5' },
    { href: '#recognise_after', text: 'Select how confident you are now to recognise domestic abuse, from 1 to 5' },
    { href: '#act_before', text: 'Select how confident you were to take action (ask, respond, refer) before the session, from 1 to 5' },
    { href: '#act_after', text: 'Select how confident you are now to take action (ask, respond, refer), from 1 to 5' },
  ]);
  // Each link lands on its question's first radio, inside the fieldset whose legend is the question.
  for (const name of ['recognise_before', 'recognise_after', 'act_before', 'act_after'])
    assert.match(res.text, new RegExp(`<input class="govuk-radios__input" id="${name}" name="${name}"`), name);
  assert.equal(sql(`SELECT count(*) FROM evaluations WHERE booking_id = ${booking}`), '0');
});
