// Actions that cannot be undone ask first (issue 15), in GOV.UK's pattern: the page's button is a
// link to a confirmation page (GET, which changes nothing) saying what will happen and to whom, with
// a red button that posts the action with the form token and "No, go back". The POST still needs its
// token, and the API acts at once, with no such step.
import test, { before, after } from 'node:test';
import assert from 'node:assert/strict';
import { answerSurvey, api, loggedIn, sqlite, startStack, tokenFor } from './lib.mjs';
import { forms, postForm } from './forms.mjs';
import { PASSWORD, iso, makePractitioner, makeSession, ok } from './records.mjs';

let stack, admin, adminWeb;
const sql = (q) => sqlite(stack.dbPath, q);
const session = (options) => makeSession(admin, options);
const practitioner = () => makePractitioner(stack, admin, 'confirm');

/** The confirmation page's parts: its red button's form (posting to `action`) and its way back. */
function assertConfirmation(page, { action, title, button, back }) {
  assert.equal(page.status, 200, page.text.slice(0, 500));
  assert.ok(page.text.includes(`<title>${title} – lantern</title>`), `title ${title}`);
  assert.ok(page.text.includes(`<h1 class="govuk-heading-l">${title}</h1>`), `heading ${title}`);
  const form = postForm(page.text, action);
  assert.ok(form, `a form posting to ${action}`);
  assert.ok(form.hidden.csrf, 'the form carries its token');
  assert.equal(form.hidden.back, back, 'an error answering the button leads back to the page that asked');
  assert.match(form.body, new RegExp(`<button type="submit" class="govuk-button govuk-button--warning" data-module="govuk-button">${button}</button>`));
  assert.ok(form.body.includes(`<a class="govuk-link" href="${back}">No, go back</a>`), 'No, go back');
  assert.ok(page.text.includes(`<a href="${back}" class="govuk-back-link">Back</a>`), 'the back link');
  return form;
}

/** The page offers the action as a link to its confirmation, not as a form that acts at once. */
function assertAsksFirst(page, path) {
  assert.equal(page.status, 200);
  assert.ok(page.text.includes(`href="${path}"`), `a link to ${path}`);
  assert.equal(postForm(page.text, path), undefined, `no one-click form posting to ${path}`);
}

before(async () => {
  stack = await startStack({ demo: true });
  admin = api(stack.base, await tokenFor(stack, 'admin@lantern.example'));
  adminWeb = await loggedIn(stack, 'admin@lantern.example');
});
after(async () => { await stack?.stop(); });

test('cancelling a session: the page says who will be told, the red button posts with its token, the API acts at once', async () => {
  const id = await session({ capacity: 3 });
  const people = [];
  for (let i = 0; i < 4; i++) people.push(await practitioner());
  for (const p of people) await ok(p.api.post(`/api/v1/sessions/${id}/bookings`, {}));
  const cancelPath = `/sessions/${id}/cancel`;
  assertAsksFirst(await adminWeb.get(`/sessions/${id}`), cancelPath);

  const mails = () => sql(`SELECT count(*) FROM outbox WHERE subject LIKE 'Session cancelled:%'`);
  const before = mails();
  const page = await adminWeb.get(cancelPath);
  const form = assertConfirmation(page, { action: cancelPath, title: 'Cancel this session?', button: 'Yes, cancel this session', back: `/sessions/${id}` });
  assert.match(page.text, /3 people booked and 1 person on the waiting list will be told by e-mail that the session is cancelled/);
  assert.match(page.text, /Civic Centre, SS2 6ER/);
  assert.match(page.text, /This cannot be undone\./);
  assert.equal(sql(`SELECT status FROM sessions WHERE id = ${id}`), 'scheduled', 'the confirmation page changes nothing');
  assert.equal((await (await loggedIn(stack, 'trainer@lantern.example')).get(cancelPath)).status, 403, 'admins only, as the action');

  const { csrf: _csrf, ...withoutToken } = form.hidden;
  assert.equal((await adminWeb.postForm(cancelPath, withoutToken)).status, 403, 'the POST still needs its token');
  assert.equal(sql(`SELECT status FROM sessions WHERE id = ${id}`), 'scheduled');
  const done = await adminWeb.postForm(cancelPath, form.hidden);
  assert.equal(done.status, 303);
  assert.equal(done.headers.get('location'), `/sessions/${id}?done=session-cancelled`);
  assert.equal(sql(`SELECT status FROM sessions WHERE id = ${id}`), 'cancelled');
  assert.equal(Number(mails()) - Number(before), 4, 'everyone booked or waiting was told');

  const again = await adminWeb.get(cancelPath);
  assert.equal(again.status, 409);
  assert.match(again.text, /This session is already cancelled/);
  assert.ok(again.text.includes(`<a class="govuk-link" href="/sessions/${id}">Go back to where you were</a>`));

  const nobody = await session();
  assert.match((await adminWeb.get(`/sessions/${nobody}/cancel`)).text, /Nobody is booked or waiting, so nobody needs to be told/);
  // The API has no confirmation step: one request cancels.
  await ok(admin.post(`/api/v1/sessions/${nobody}/cancel`, {}), 200);
  assert.equal(sql(`SELECT status FROM sessions WHERE id = ${nobody}`), 'cancelled');
});

test('cancelling a booking: yours or, for an admin, someone else\'s; the waiting list and the e-mail are said', async () => {
  const id = await session({ capacity: 1 });
  const [first, second, third] = [await practitioner(), await practitioner(), await practitioner()];
  const booked = (await ok(first.api.post(`/api/v1/sessions/${id}/bookings`, {}))).id;
  const waiting = (await ok(second.api.post(`/api/v1/sessions/${id}/bookings`, {}))).id;
  const cancelPath = `/bookings/${booked}/cancel`;
  assertAsksFirst(await first.web.get(`/sessions/${id}`), cancelPath);

  const page = await first.web.get(cancelPath);
  const form = assertConfirmation(page, { action: cancelPath, title: 'Cancel your booking?', button: 'Yes, cancel my booking', back: `/sessions/${id}` });
  assert.match(page.text, /The place will go to the next person on the waiting list, who will be told by e-mail\./);
  assert.match(page.text, /You will get an e-mail saying the booking is cancelled\./);
  assert.equal(sql(`SELECT status FROM bookings WHERE id = ${booked}`), 'booked', 'the confirmation page changes nothing');
  // Someone else's booking is not found, as the action would say.
  assert.equal((await third.web.get(cancelPath)).status, 404);

  const { csrf: _csrf, ...withoutToken } = form.hidden;
  assert.equal((await first.web.postForm(cancelPath, withoutToken)).status, 403, 'the POST still needs its token');
  assert.equal(sql(`SELECT status FROM bookings WHERE id = ${booked}`), 'booked');
  const done = await first.web.postForm(cancelPath, form.hidden);
  assert.equal(done.status, 303);
  assert.equal(done.headers.get('location'), '/bookings?done=cancelled');
  assert.equal(sql(`SELECT status FROM bookings WHERE id = ${booked}`), 'cancelled');
  assert.equal(sql(`SELECT status FROM bookings WHERE id = ${waiting}`), 'booked', 'the waiting list moved up');
  const again = await first.web.get(cancelPath);
  assert.equal(again.status, 409);
  assert.ok(again.text.includes(`<a class="govuk-link" href="/sessions/${id}">Go back to where you were</a>`));

  // Waiting: leaving the list. An admin: someone else's place, by name.
  const queued = (await ok(third.api.post(`/api/v1/sessions/${id}/bookings`, {}))).id;
  assertConfirmation(await third.web.get(`/bookings/${queued}/cancel`), { action: `/bookings/${queued}/cancel`,
    title: 'Leave the waiting list?', button: 'Yes, leave the waiting list', back: `/sessions/${id}` });
  const theirs = await adminWeb.get(`/bookings/${waiting}/cancel`);
  assertConfirmation(theirs, { action: `/bookings/${waiting}/cancel`, title: `Cancel ${second.name}&#39;s booking?`,
    button: 'Yes, cancel their booking', back: `/sessions/${id}` });
  assert.match(theirs.text, new RegExp(`${second.name} will get an e-mail saying the booking is cancelled`));
  // The API acts at once.
  await ok(second.api.delete(`/api/v1/bookings/${waiting}`), 200);
  assert.equal(sql(`SELECT status FROM bookings WHERE id = ${waiting}`), 'cancelled');
});

test('after the cancellation cut-off the confirmation page says so instead of offering the button', async () => {
  const start = Date.now() + 3 * 86400e3;
  const id = await session({ startMs: start, cancel_cutoff_at: iso(Date.now() - 3600e3) });
  const p = await practitioner();
  const booked = (await ok(p.api.post(`/api/v1/sessions/${id}/bookings`, {}))).id;
  const page = await p.web.get(`/bookings/${booked}/cancel`);
  assert.equal(page.status, 409);
  assert.match(page.text, /The booking cannot be cancelled/);
  assert.match(page.text, /cancellation cut-off was/);
  assert.equal(postForm(page.text, `/bookings/${booked}/cancel`), undefined);
  assert.ok(page.text.includes(`<a class="govuk-link" href="/sessions/${id}">Go back to where you were</a>`));
});

test('closing a survey run early: answers so far, what closing means, only its trainer or an admin', async () => {
  const trainer = api(stack.base, await tokenFor(stack, 'trainer@lantern.example'));
  const run = await ok(trainer.post('/api/v1/survey-runs', { urn: '900001', year_group: 9, phase: 'post', capacity: 30 }));
  const answer = { q1: 4, q2: 5, q3: 4, q4: 4, s1: 'unhealthy', s2: 'healthy', s3: 'unhealthy', s4: 'healthy' };
  for (let i = 0; i < 3; i++) assert.equal((await answerSurvey(stack.base, run.code, answer)).status, 201);
  const web = await loggedIn(stack, 'trainer@lantern.example');
  const closePath = `/survey-runs/${run.id}/close`;
  assertAsksFirst(await web.get(`/survey-runs/${run.id}`), closePath);

  const page = await web.get(closePath);
  const form = assertConfirmation(page, { action: closePath, title: 'Close the survey now?', button: 'Yes, close the survey', back: `/survey-runs/${run.id}` });
  assert.match(page.text, /It has 3 answers, of at most 30 \(the pupils present\)/);
  assert.match(page.text, /with fewer than 10 answers they are not shown/);
  assert.match(page.text, /A closed survey cannot be opened again\./);
  assert.equal(sql(`SELECT closed_at IS NULL FROM survey_runs WHERE id = ${run.id}`), '1', 'the confirmation page changes nothing');

  // Another trainer is told who may close it, before pressing anything.
  await ok(admin.post('/api/v1/users', { email: 'other-trainer@example.org', name: 'Other Trainer', role: 'trainer', password: PASSWORD }));
  const other = await (await loggedIn(stack, 'other-trainer@example.org', PASSWORD)).get(closePath);
  assert.equal(other.status, 403);
  assert.match(other.text, /Only the trainer who opened it, or a programme admin, can close it/);

  const { csrf: _csrf, ...withoutToken } = form.hidden;
  assert.equal((await web.postForm(closePath, withoutToken)).status, 403, 'the POST still needs its token');
  assert.equal(sql(`SELECT closed_at IS NULL FROM survey_runs WHERE id = ${run.id}`), '1');
  const done = await web.postForm(closePath, form.hidden);
  assert.equal(done.status, 303);
  assert.equal(done.headers.get('location'), `/survey-runs/${run.id}?done=closed`);
  assert.equal(sql(`SELECT closed_at IS NOT NULL FROM survey_runs WHERE id = ${run.id}`), '1');
  const again = await web.get(closePath);
  assert.equal(again.status, 409);
  assert.match(again.text, /This survey is already closed/);
  // The API acts at once.
  const next = await ok(trainer.post('/api/v1/survey-runs', { urn: '900001', year_group: 10, phase: 'pre', capacity: 30 }));
  await ok(trainer.post(`/api/v1/survey-runs/${next.id}/close`), 200);
});

test('voiding answers: the range goes to a page that counts what it would void, which posts it', async () => {
  const trainer = api(stack.base, await tokenFor(stack, 'trainer@lantern.example'));
  const run = await ok(trainer.post('/api/v1/survey-runs', { urn: '900001', year_group: 11, phase: 'pre', capacity: 30 }));
  const answer = { q1: 2, q2: 2, q3: 2, q4: 2, s1: 'healthy', s2: 'healthy', s3: 'healthy', s4: 'healthy' };
  for (let i = 0; i < 4; i++) assert.equal((await answerSurvey(stack.base, run.code, answer)).status, 201);
  const web = await loggedIn(stack, 'trainer@lantern.example');
  const answersPath = `/survey-runs/${run.id}/answers`;
  const answers = await web.get(answersPath);
  const ask = forms(answers.text).find((f) => f.action === `${answersPath}/void`);
  assert.ok(ask && ask.method === 'get', 'the range is asked with a GET form to its confirmation');
  assert.equal(postForm(answers.text, answersPath), undefined, 'no form voids at once');
  const value = (name) => decodeURIComponent(ask.body.match(new RegExp(`name="${name}" type="datetime-local" value="([^"]+)"`))[1]);
  const range = { from: value('from'), to: value('to') };

  const page = await web.get(`${answersPath}/void?${new URLSearchParams(range)}`);
  const form = assertConfirmation(page, { action: answersPath, title: 'Void 4 answers?', button: 'Yes, void these answers', back: answersPath });
  assert.deepEqual({ from: form.hidden.from, to: form.hidden.to }, range, 'the range goes with the button');
  assert.match(page.text, /Answers still counted<\/dt><dd class="govuk-summary-list__value">0</);
  assert.equal(sql(`SELECT count(*) FROM survey_responses WHERE run_id = ${run.id}`), '4', 'the confirmation page changes nothing');
  // A range with nothing in it is said on the answers page, with the form to change it.
  const empty = await web.get(`${answersPath}/void?from=2020-01-01T09:00&to=2020-01-01T09:05`);
  assert.equal(empty.status, 400);
  assert.match(empty.text, /<a href="#from">No answers were received between those times/);

  const { csrf: _csrf, ...withoutToken } = form.hidden;
  assert.equal((await web.postForm(answersPath, withoutToken)).status, 403, 'the POST still needs its token');
  const done = await web.postForm(answersPath, form.hidden);
  assert.equal(done.status, 303);
  assert.equal(done.headers.get('location'), `${answersPath}?voided=4`);
  assert.equal(sql(`SELECT count(*) FROM survey_responses WHERE run_id = ${run.id}`), '0');
});

test('revoking an API token and changing the calendar address ask first too', async () => {
  const p = await practitioner();
  const tokenId = sql(`SELECT t.id FROM api_tokens t JOIN users u ON u.id = t.user_id WHERE u.email = '${p.email}'`);
  const revokePath = `/account/tokens/${tokenId}/revoke`;
  assertAsksFirst(await p.web.get('/account'), revokePath);
  const page = await p.web.get(revokePath);
  const form = assertConfirmation(page, { action: revokePath, title: 'Revoke this API token?', button: 'Yes, revoke the token', back: '/account' });
  assert.equal((await p.api.get('/api/v1/me')).status, 200, 'the confirmation page changes nothing');
  assert.equal((await adminWeb.get(revokePath)).status, 404, 'only your own tokens');
  const { csrf: _csrf, ...withoutToken } = form.hidden;
  assert.equal((await p.web.postForm(revokePath, withoutToken)).status, 403, 'the POST still needs its token');
  assert.equal((await p.web.postForm(revokePath, form.hidden)).status, 303);
  assert.equal((await p.api.get('/api/v1/me')).status, 401);
  assert.equal((await p.web.get(revokePath)).status, 409);

  const feed = async () => (await p.web.get('/bookings')).text.match(/href="[^"]*(\/calendar\/[^"]+\.ics)"/)[1];
  const old = await feed();
  assertAsksFirst(await p.web.get('/bookings'), '/bookings/calendar/reset');
  const reset = assertConfirmation(await p.web.get('/bookings/calendar/reset'), { action: '/bookings/calendar/reset',
    title: 'Change your calendar address?', button: 'Yes, change the address', back: '/bookings' });
  assert.equal(await feed(), old, 'the confirmation page changes nothing');
  assert.equal((await p.web.postForm('/bookings/calendar/reset', reset.hidden)).status, 303);
  assert.notEqual(await feed(), old);
});

test('deactivating an account: its page links to a confirmation naming the person and their tokens', async () => {
  const p = await practitioner();
  const id = sql(`SELECT id FROM users WHERE email = '${p.email}'`);
  const edit = await adminWeb.get(`/admin/users/${id}`);
  const deactivatePath = `/admin/users/${id}/deactivate`;
  assertAsksFirst(edit, deactivatePath);
  assert.doesNotMatch(edit.text, /name="active"/, 'the edit form does not deactivate at once');
  const page = await adminWeb.get(deactivatePath);
  const form = assertConfirmation(page, { action: deactivatePath, title: `Deactivate ${p.name}&#39;s account?`,
    button: 'Yes, deactivate the account', back: `/admin/users/${id}` });
  assert.match(page.text, new RegExp(`${p.name} will be signed out everywhere and will not be able to sign in`));
  assert.match(page.text, /Their API token will be revoked, which cannot be undone\./);
  assert.equal((await p.api.get('/api/v1/me')).status, 200, 'the confirmation page changes nothing');
  const { csrf: _csrf, ...withoutToken } = form.hidden;
  assert.equal((await adminWeb.postForm(deactivatePath, withoutToken)).status, 403, 'the POST still needs its token');
  const done = await adminWeb.postForm(deactivatePath, form.hidden);
  assert.equal(done.status, 303);
  assert.equal(sql(`SELECT active FROM users WHERE id = ${id}`), '0');
  assert.equal((await p.api.get('/api/v1/me')).status, 401);
  assert.equal((await p.web.get('/')).status, 303, 'signed out');
  // Deactivated: the page offers to make it active again, with no deactivate button.
  const after = await adminWeb.get(`/admin/users/${id}`);
  assert.match(after.text, /name="active"/);
  assert.doesNotMatch(after.text, new RegExp(`href="${deactivatePath}"`));
  assert.equal((await adminWeb.get(deactivatePath)).status, 409);
  // The API acts at once.
  const q = await practitioner();
  const qid = sql(`SELECT id FROM users WHERE email = '${q.email}'`);
  await ok(admin.put(`/api/v1/users/${qid}`, { active: false }), 200);
  assert.equal(sql(`SELECT active FROM users WHERE id = ${qid}`), '0');
});
