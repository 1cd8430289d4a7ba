// Attendance through the real stack (spec §5): the trainer's roster, walk-ins, the audit trail,
// rotating-QR check-in with current, previous and stale tokens and its window, certificates with
// public verification, evaluations, head-counts and the attendance CSV. The server's clock is
// moved through LANTERN_CLOCK_FILE so the 30-second slots can be stepped without waiting, and past a
// session's end for its certificate and evaluation.
import test, { before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startStack, api, tokenFor, loggedIn, decodeQrSvg, decodePdfQr, pdfWords, sqlite, waitFor } from './lib.mjs';

const clockFile = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'lantern-clock-')), 'now');
const T0 = Math.floor(Date.now() / 1000 / 30) * 30 + 30 * 60 * 24 * 14; // a slot boundary 7 days ahead
const setClock = (t) => fs.writeFileSync(clockFile, String(t));
setClock(T0);

let stack, admin;
const sql = (q) => sqlite(stack.dbPath, q);
const isoZ = (t) => new Date(t * 1000).toISOString().replace('.000', '');

// A session starting 10 minutes after T0, so check-in (from 30 minutes before) is open at T0.
async function session(extra = {}) {
  const r = await admin.post('/api/v1/sessions', {
    course: 'dash-risk-assessment-and-marac', starts_at: isoZ(T0 + 600), ends_at: isoZ(T0 + 600 + 4 * 3600),
    capacity: 20, venue: { name: 'Braintree Town Hall', address: 'Market Square', postcode: 'CM7 3YG', area: 'braintree' },
    trainers: ['trainer@lantern.example'], ...extra,
  });
  assert.equal(r.status, 201, JSON.stringify(r.json));
  return r.json.id;
}

async function practitioner(email) {
  const r = await admin.post('/api/v1/users', { email, name: `${email.split('@')[0]} Person`, role: 'practitioner', org: '3', password: 'practitioner-password' });
  assert.equal(r.status, 201, JSON.stringify(r.json));
  return { email, api: api(stack.base, await tokenFor(stack, email)), web: await loggedIn(stack, email, 'practitioner-password') };
}

async function book(p, id) {
  const r = await p.api.post(`/api/v1/sessions/${id}/bookings`, {});
  assert.equal(r.status, 201, JSON.stringify(r.json));
  return r.json.id;
}

// The check-in URL on the trainer's screen right now, read from the QR code itself.
async function checkinUrl(trainer, id) {
  const frag = await trainer.get(`/sessions/${id}/check-in/qr`);
  assert.equal(frag.status, 200, frag.text);
  const decoded = decodeQrSvg(frag.text);
  assert.match(frag.text, new RegExp(`Or open ${decoded.replace(/[.?]/g, '\\$&')}`));
  return decoded;
}

before(async () => {
  stack = await startStack({ env: { LANTERN_CLOCK_FILE: clockFile }, demo: true });
  admin = api(stack.base, await tokenFor(stack, 'admin@lantern.example'));
});
after(async () => {
  await stack?.stop();
  fs.rmSync(path.dirname(clockFile), { recursive: true, force: true });
});

test('the roster: mark one by one and all at once, every change audited, only the session\'s trainers', async () => {
  setClock(T0);
  const id = await session();
  const a = await practitioner('roster-a@example.org');
  const b = await practitioner('roster-b@example.org');
  const ba = await book(a, id);
  const bb = await book(b, id);
  const trainer = await loggedIn(stack, 'trainer@lantern.example');
  const roster = await trainer.get(`/sessions/${id}/roster`);
  assert.equal(roster.status, 200);
  assert.match(roster.text, /roster-a Person/);
  const late = await trainer.postForm(`/sessions/${id}/roster/${ba}`, { csrf: trainer.csrfFrom(roster.text), status: 'late' });
  assert.equal(late.status, 303);
  assert.equal(sql(`SELECT status FROM bookings WHERE id = ${ba}`), 'late');
  const all = await trainer.postForm(`/sessions/${id}/roster/all`, { csrf: trainer.csrfFrom(roster.text) });
  assert.equal(all.status, 303);
  assert.equal(sql(`SELECT status FROM bookings WHERE id = ${bb}`), 'attended');
  assert.equal(sql(`SELECT status FROM bookings WHERE id = ${ba}`), 'late', 'mark all leaves marked people alone');
  // The audit trail: who, when, old and new.
  const trail = sql(`SELECT l.old_value || '>' || l.new_value || '|' || u.email FROM audit_log l JOIN users u ON u.id = l.actor_id WHERE l.entity = 'attendance' AND l.entity_id = '${ba}'`);
  assert.equal(trail, 'booked>late|trainer@lantern.example');
  const t = await api(stack.base, await tokenFor(stack, 'trainer@lantern.example'));
  const bad = await t.put(`/api/v1/bookings/${bb}/attendance`, { status: 'present' });
  assert.equal(bad.status, 422);
  assert.equal(bad.json.field, 'status');
  const absent = await t.put(`/api/v1/bookings/${bb}/attendance`, { status: 'absent' });
  assert.equal(absent.status, 200);
  assert.equal(sql(`SELECT old_value || '>' || new_value FROM audit_log WHERE entity = 'attendance' AND entity_id = '${bb}' ORDER BY id DESC LIMIT 1`), 'attended>absent');
  // Admins see the trail on the roster; other trainers and practitioners cannot mark.
  const adminWeb = await loggedIn(stack, 'admin@lantern.example');
  assert.match((await adminWeb.get(`/sessions/${id}/roster`)).text, /Changes to attendance[\s\S]*Late/);
  assert.equal((await a.api.put(`/api/v1/bookings/${bb}/attendance`, { status: 'attended' })).status, 403);
  const other = await admin.post('/api/v1/users', { email: 'other-trainer@example.org', name: 'Other Trainer', role: 'trainer', password: 'trainer-password' });
  assert.equal(other.status, 201);
  const ot = api(stack.base, await tokenFor(stack, 'other-trainer@example.org'));
  assert.equal((await ot.put(`/api/v1/bookings/${bb}/attendance`, { status: 'attended' })).status, 403);
});

// The rows of the roster's "Changes to attendance" table, newest first, as the text of their cells.
function changesShown(html) {
  const table = html.split('Changes to attendance')[1]?.match(/<tbody[\s\S]*?<\/tbody>/)?.[0] ?? '';
  return [...table.matchAll(/<tr[\s\S]*?<\/tr>/g)].map((row) =>
    [...row[0].matchAll(/<td[^>]*>([\s\S]*?)<\/td>/g)].map((cell) => cell[1].replace(/<[^>]+>/g, '').trim()));
}

test('the audit trail keeps when each change was made, and the roster shows it in UK time', async () => {
  // A summer morning (UK time is UTC+1), and a correction 95 minutes later.
  const first = Date.parse('2027-07-14T08:05:00Z') / 1000;
  const second = first + 95 * 60;
  setClock(first);
  try {
    const r = await admin.post('/api/v1/sessions', {
      course: 'dash-risk-assessment-and-marac', starts_at: isoZ(first + 600), ends_at: isoZ(first + 600 + 4 * 3600),
      capacity: 5, venue: { name: 'Braintree Town Hall', address: 'Market Square', postcode: 'CM7 3YG', area: 'braintree' },
      trainers: ['trainer@lantern.example'],
    });
    assert.equal(r.status, 201, JSON.stringify(r.json));
    const p = await practitioner('audit-when@example.org');
    const bid = await book(p, r.json.id);
    const t = api(stack.base, await tokenFor(stack, 'trainer@lantern.example'));
    assert.equal((await t.put(`/api/v1/bookings/${bid}/attendance`, { status: 'late' })).status, 200);
    setClock(second);
    assert.equal((await t.put(`/api/v1/bookings/${bid}/attendance`, { status: 'attended' })).status, 200);

    // Stored: the moment of each change, in UTC seconds, with who and what.
    assert.equal(sql(`SELECT group_concat(at || ' ' || old_value || '>' || new_value, ', ') FROM (SELECT * FROM audit_log
      WHERE entity = 'attendance' AND entity_id = '${bid}' ORDER BY id) changes`), `${first} booked>late, ${second} late>attended`);
    // Shown: the same moments in UK time, newest first.
    const adminWeb = await loggedIn(stack, 'admin@lantern.example');
    const roster = await adminWeb.get(`/sessions/${r.json.id}/roster`);
    assert.equal(roster.status, 200);
    assert.deepEqual(changesShown(roster.text), [
      ['Wednesday 14 July 2027, 10:40am', 'Taylor Trainer', 'audit-when Person', 'Late', 'Attended'],
      ['Wednesday 14 July 2027, 9:05am', 'Taylor Trainer', 'audit-when Person', 'Not marked yet', 'Late'],
    ]);
  } finally {
    setClock(T0);
  }
});

test('attendance cannot be taken before 30 minutes ahead of the start', async () => {
  setClock(T0);
  const id = await admin.post('/api/v1/sessions', {
    course: 'dash-risk-assessment-and-marac', starts_at: isoZ(T0 + 3600 * 5), ends_at: isoZ(T0 + 3600 * 8), capacity: 5,
    venue: { name: 'Hall', address: 'Road', postcode: 'CM1 1AA', area: 'chelmsford' }, trainers: ['trainer@lantern.example'],
  }).then((r) => r.json.id);
  const p = await practitioner('early@example.org');
  const bid = await book(p, id);
  const t = api(stack.base, await tokenFor(stack, 'trainer@lantern.example'));
  const r = await t.put(`/api/v1/bookings/${bid}/attendance`, { status: 'attended' });
  assert.equal(r.status, 409);
  assert.match(r.json.error, /30 minutes/);
});

test('walk-ins: an existing practitioner, and someone new to lantern', async () => {
  setClock(T0);
  const id = await session();
  await practitioner('walker@example.org');
  const trainer = await loggedIn(stack, 'trainer@lantern.example');
  const roster = await trainer.get(`/sessions/${id}/roster`);
  const csrf = trainer.csrfFrom(roster.text);
  assert.equal((await trainer.postForm(`/sessions/${id}/walk-in`, { csrf, email: 'walker@example.org' })).status, 303);
  assert.equal(sql(`SELECT b.status || b.walk_in FROM bookings b JOIN users u ON u.id = b.user_id WHERE u.email = 'walker@example.org' AND b.session_id = ${id}`), 'attended1');
  const missing = await trainer.postForm(`/sessions/${id}/walk-in`, { csrf, email: 'newbie@example.org' });
  assert.equal(missing.status, 400);
  assert.match(missing.text, /href="#name"/);
  assert.match(missing.text, /href="#org"/);
  assert.equal((await trainer.postForm(`/sessions/${id}/walk-in`, { csrf, email: 'newbie@example.org', name: 'New Person', org: '4' })).status, 303);
  assert.equal(sql("SELECT role || '|' || org_id || '|' || CASE WHEN password_hash IS NULL THEN 1 ELSE 0 END FROM users WHERE email = 'newbie@example.org'"), 'practitioner|4|1');
  assert.equal(sql(`SELECT b.status FROM bookings b JOIN users u ON u.id = b.user_id WHERE u.email = 'newbie@example.org'`), 'attended');
  // The same through the API.
  const t = api(stack.base, await tokenFor(stack, 'trainer@lantern.example'));
  const noName = await t.post(`/api/v1/sessions/${id}/walk-ins`, { email: 'api-walker@example.org', org: '4' });
  assert.equal(noName.status, 422);
  assert.equal(noName.json.field, 'name');
  const made = await t.post(`/api/v1/sessions/${id}/walk-ins`, { email: 'api-walker@example.org', name: 'Api Walker', org: '4' });
  assert.equal(made.status, 201);
  assert.equal(made.json.status, 'attended');
});

test('QR check-in: current and previous slot accepted, older refused, only while the session runs', async () => {
  setClock(T0);
  const id = await session();
  const booked = await practitioner('scan-booked@example.org');
  const bid = await book(booked, id);
  const unbooked = await practitioner('scan-walkin@example.org');
  const late = await practitioner('scan-late@example.org');
  const trainer = await loggedIn(stack, 'trainer@lantern.example');
  const url = await checkinUrl(trainer, id);
  assert.match(url, new RegExp(`^${stack.base}/checkin/${id}/[0-9a-f]{16}$`));
  const pathOnly = new URL(url).pathname;

  // Current slot: a booked attendee is marked attended.
  const ok = await booked.web.get(pathOnly, { 'Sec-Fetch-Site': 'none' });
  assert.equal(ok.status, 200);
  assert.match(ok.text, /You are checked in/);
  assert.equal(sql(`SELECT status FROM bookings WHERE id = ${bid}`), 'attended');
  // The previous slot still works: someone without a booking becomes a walk-in.
  setClock(T0 + 30);
  const prev = await unbooked.web.get(pathOnly, { 'Sec-Fetch-Site': 'none' });
  assert.equal(prev.status, 200);
  assert.equal(sql(`SELECT b.status || b.walk_in FROM bookings b JOIN users u ON u.id = b.user_id WHERE u.email = 'scan-walkin@example.org'`), 'attended1');
  // Two slots later the code is stale.
  setClock(T0 + 60);
  const stale = await late.web.get(pathOnly, { 'Sec-Fetch-Site': 'none' });
  assert.equal(stale.status, 410);
  assert.match(stale.text, /expired/);
  assert.equal(sql(`SELECT count(*) FROM bookings b JOIN users u ON u.id = b.user_id WHERE u.email = 'scan-late@example.org'`), '0');
  // A made-up token never works.
  assert.equal((await late.web.get(`/checkin/${id}/0123456789abcdef`, { 'Sec-Fetch-Site': 'none' })).status, 410);
  // From another site the page only asks; the POST (with its CSRF token) checks in.
  const fresh = new URL(await checkinUrl(trainer, id)).pathname;
  const ask = await late.web.get(fresh, { 'Sec-Fetch-Site': 'cross-site' });
  assert.equal(ask.status, 200);
  assert.match(ask.text, /Check in to this session\?/);
  assert.equal(sql(`SELECT count(*) FROM bookings b JOIN users u ON u.id = b.user_id WHERE u.email = 'scan-late@example.org'`), '0');
  const post = await late.web.postForm(fresh, { csrf: late.web.csrfFrom(ask.text) });
  assert.equal(post.status, 200);
  assert.equal(sql(`SELECT b.status FROM bookings b JOIN users u ON u.id = b.user_id WHERE u.email = 'scan-late@example.org'`), 'attended');

  // Outside the window (more than 30 minutes before the start, or after the end) it is closed.
  setClock(T0 + 600 - 31 * 60);
  const screen = await trainer.get(`/sessions/${id}/check-in`);
  assert.match(screen.text, /It opens at/);
  assert.equal((await trainer.get(`/sessions/${id}/check-in/qr`)).status, 409);
  setClock(T0 + 600 + 4 * 3600 + 1);
  // Hours later: sign in afresh (the earlier browser session has gone idle).
  const after = await loggedIn(stack, 'scan-late@example.org', 'practitioner-password');
  const closed = await after.get(`/checkin/${id}/0000000000000000`, { 'Sec-Fetch-Site': 'none' });
  assert.equal(closed.status, 409);
  assert.match(closed.text, /Check-in is closed/);
  // The trainer screen works without JavaScript: it reloads itself.
  setClock(T0);
  const again = await loggedIn(stack, 'trainer@lantern.example');
  assert.match((await again.get(`/sessions/${id}/check-in`)).text, /<noscript><meta http-equiv="refresh" content="30"><\/noscript>/);
});

test('certificates for attendees only, once the session has ended, verified publicly by an unguessable code', async () => {
  setClock(T0);
  const id = await session();
  const p = await practitioner('certified@example.org');
  const q = await practitioner('absent@example.org');
  const bp = await book(p, id);
  const bq = await book(q, id);
  const t = api(stack.base, await tokenFor(stack, 'trainer@lantern.example'));
  assert.equal((await t.put(`/api/v1/bookings/${bp}/attendance`, { status: 'attended' })).status, 200);
  assert.equal((await t.put(`/api/v1/bookings/${bq}/attendance`, { status: 'absent' })).status, 200);
  assert.equal((await p.web.get(`/certificates/${bp}`)).status, 404, 'none before the session has ended');
  // After the end the server's duty issues it (certificates.test.mjs follows that in detail); sign in
  // afresh, as hours have passed.
  setClock(T0 + 600 + 4 * 3600 + 60);
  await waitFor('the certificate', () => sql(`SELECT count(*) FROM certificates WHERE booking_id = ${bp}`) === '1');
  p.web = await loggedIn(stack, p.email, 'practitioner-password');
  q.web = await loggedIn(stack, q.email, 'practitioner-password');
  assert.equal((await q.web.get(`/certificates/${bq}`)).status, 409);
  assert.equal((await q.web.get(`/certificates/${bp}`)).status, 404, 'someone else\'s certificate is not found');
  const cert = await p.web.get(`/certificates/${bp}`);
  assert.equal(cert.status, 200);
  assert.match(cert.text, /certified Person/);
  assert.match(cert.text, /Risk assessment \(DASH\) and referral to MARAC/);
  const code = sql(`SELECT code FROM certificates WHERE booking_id = ${bp}`);
  const viaApi = await p.api.get(`/api/v1/bookings/${bp}/certificate`);
  assert.equal(viaApi.status, 200);
  assert.equal(viaApi.json.code, code);
  assert.equal(viaApi.json.verify_url, `${stack.base}/verify/${code}`);
  assert.equal((await q.api.get(`/api/v1/bookings/${bq}/certificate`)).status, 409);
  assert.ok(code.length >= 20, 'the code is long enough not to be guessed');
  // The QR code on it holds exactly the verification address.
  assert.equal(decodeQrSvg(cert.text), `${stack.base}/verify/${code}`);
  // The PDF carries the same QR code.
  const pdf = await fetch(`${stack.base}/certificates/${bp}/certificate.pdf`, { headers: { Cookie: p.web.cookieHeader() } });
  assert.equal(pdf.status, 200);
  assert.equal(pdf.headers.get('content-type'), 'application/pdf');
  const pdfBytes = Buffer.from(await pdf.arrayBuffer());
  assert.equal(decodePdfQr(pdfBytes), `${stack.base}/verify/${code}`);
  // Its words are the person's and the course's, all inside the page's margins (10 mm), however long.
  const inside = (bytes, expect) => {
    const { width, words } = pdfWords(bytes);
    const text = words.map((w) => w.text).join(' ');
    for (const e of expect) assert.ok(text.includes(e), `"${e}" in: ${text}`);
    const margin = 10 * 72 / 25.4;
    const out = words.filter((w) => w.xMin < margin - 0.5 || w.xMax > width - margin + 0.5);
    assert.deepEqual(out.map((w) => w.text), [], `words past the margins of a page ${width} wide`);
  };
  inside(pdfBytes, ['This certifies that certified Person', 'Risk assessment (DASH) and referral to MARAC']);
  const long = 'Anna-Maria Konstantinopoulou-Featherstonehaugh Wójcik-Ní Mhaoldomhnaigh Abernethy-Cholmondeley';
  sql(`UPDATE users SET name = '${long}' WHERE email = 'certified@example.org'`);
  const longPdf = await fetch(`${stack.base}/certificates/${bp}/certificate.pdf`, { headers: { Cookie: p.web.cookieHeader() } });
  assert.equal(longPdf.status, 200);
  inside(Buffer.from(await longPdf.arrayBuffer()), [long]);
  sql("UPDATE users SET name = 'certified Person' WHERE email = 'certified@example.org'");
  // The verification page is public, sets no cookie and says only name, course and date.
  const v = await fetch(`${stack.base}/verify/${code}`);
  assert.equal(v.status, 200);
  assert.equal(v.headers.get('set-cookie'), null);
  const vt = await v.text();
  assert.match(vt, /This certificate is genuine/);
  assert.match(vt, /certified Person/);
  assert.doesNotMatch(vt, /certified@example\.org/);
  assert.equal((await fetch(`${stack.base}/verify/made-up-code-12345`)).status, 404);
  // Correcting the record to absent withdraws the certificate.
  await t.put(`/api/v1/bookings/${bp}/attendance`, { status: 'absent' });
  assert.equal((await fetch(`${stack.base}/verify/${code}`)).status, 404);
});

test('evaluations: asked for by e-mail after the session, one per attendance, results only for a released session', async () => {
  setClock(T0);
  const id = await session();
  const p = await practitioner('evaluator@example.org');
  const bid = await book(p, id);
  const unmarked = await practitioner('unmarked@example.org');
  const ubid = await book(unmarked, id);
  const answers = { usefulness: 5, recognise_before: 2, recognise_after: 4, act_before: 1, act_after: 4 };
  const t = api(stack.base, await tokenFor(stack, 'trainer@lantern.example'));
  await t.put(`/api/v1/bookings/${bid}/attendance`, { status: 'attended' });
  assert.equal((await p.api.post(`/api/v1/bookings/${bid}/evaluation`, answers)).status, 409, 'not before the session has ended');
  // Ten more attendees, booked and marked at the door too.
  const others = [];
  for (let i = 0; i < 10; i++) {
    const email = `evaluator${i}@example.org`;
    assert.equal((await admin.post('/api/v1/users', { email, name: `Evaluator ${i}`, role: 'practitioner', org: '3', password: 'practitioner-password' })).status, 201);
    const who = api(stack.base, await tokenFor(stack, email));
    const booking = (await who.post(`/api/v1/sessions/${id}/bookings`, {})).json.id;
    await t.put(`/api/v1/bookings/${booking}/attendance`, { status: 'attended' });
    others.push({ who, booking });
  }
  setClock(T0 + 600 + 4 * 3600 + 60);
  const asked = () => sql("SELECT body FROM outbox WHERE to_email = 'evaluator@example.org' AND subject = 'Your certificate is ready'");
  await waitFor('the e-mail asking for the evaluation', () => asked() !== '');
  assert.equal((await unmarked.api.post(`/api/v1/bookings/${ubid}/evaluation`, answers)).status, 409, 'not without attending');
  assert.match(asked(), new RegExp(`/evaluations/${bid}`));
  p.web = await loggedIn(stack, p.email, 'practitioner-password');
  const page = await p.web.get(`/evaluations/${bid}`);
  const bad = await p.web.postForm(`/evaluations/${bid}`, { csrf: p.web.csrfFrom(page.text), usefulness: '9' });
  assert.equal(bad.status, 400);
  for (const f of ['usefulness', 'recognise_before', 'recognise_after', 'act_before', 'act_after']) assert.match(bad.text, new RegExp(`href="#${f}"`));
  const ok = await p.web.postForm(`/evaluations/${bid}`, { csrf: p.web.csrfFrom(page.text), usefulness: '5', recognise_before: '2', recognise_after: '4', act_before: '1', act_after: '5', comments: 'Very practical' });
  assert.equal(ok.status, 200);
  const again = await p.api.post(`/api/v1/bookings/${bid}/evaluation`, answers);
  assert.equal(again.status, 409);
  // One response shows nothing: an admin who sees the roster could read one person's ratings.
  const row = async () => (await admin.get('/api/v1/evaluations?course=dash-risk-assessment-and-marac')).json.find((x) => x.session === id);
  const course = async () => (await admin.get('/api/v1/evaluations')).json.find((x) => x.course === 'dash-risk-assessment-and-marac');
  assert.equal(await row(), undefined);
  assert.equal(await course(), undefined);
  // Nine more, ten in all, but the session's 14-day window is still open: still nothing.
  for (const [i, { who, booking }] of others.slice(0, 9).entries()) {
    const r = await who.post(`/api/v1/bookings/${booking}/evaluation`, { usefulness: 4, recognise_before: 2, recognise_after: 4, act_before: 2, act_after: i < 6 ? 4 : 3 });
    assert.equal(r.status, 201, r.text);
  }
  assert.equal(await row(), undefined, 'not while its window is open');
  const web = await loggedIn(stack, 'admin@lantern.example');
  assert.doesNotMatch((await web.get('/admin/evaluations?course=dash-risk-assessment-and-marac')).text, new RegExp(`Session ${id}<`));
  // Once the window is over, the ten show together, and the eleventh is too late.
  setClock(T0 + 600 + 4 * 3600 + 14 * 86400 + 60); // a minute's grace past the window (disclosure.h)
  const late = await others[9].who.post(`/api/v1/bookings/${others[9].booking}/evaluation`, { usefulness: 1, recognise_before: 1, recognise_after: 1, act_before: 1, act_after: 1 });
  assert.equal(late.status, 410);
  assert.match(late.json.error, /^Feedback for this session closed on /);
  const released = await row();
  assert.equal(released.n, 10);
  assert.equal(released.usefulness, 4.1);
  assert.equal(released.act_after, 3.8);
  assert.equal(released.confident_to_act_pct, 70);
  assert.equal((await course()).n, 10);
  const later = await loggedIn(stack, 'admin@lantern.example'); // a sign-in lasts less than the window
  assert.match((await later.get('/admin/evaluations?course=dash-risk-assessment-and-marac')).text, new RegExp(`Session ${id}</a></td><td[^>]* class="govuk-table__cell govuk-table__cell--numeric">10</td>`));
});

test('pupil sessions take a head-count, not names', async () => {
  setClock(T0);
  const r = await admin.post('/api/v1/sessions', {
    course: 'risk-avert', module: 'healthy-relationships', starts_at: isoZ(T0 - 3600), ends_at: isoZ(T0 - 60), capacity: 30,
    school: '900001', year_group: 9, pupils_expected: 28,
    venue: { name: 'Demo Academy', address: 'School Lane', postcode: 'SS1 2AB' }, trainers: ['trainer@lantern.example'],
  });
  assert.equal(r.status, 201, JSON.stringify(r.json));
  const t = api(stack.base, await tokenFor(stack, 'trainer@lantern.example'));
  const bad = await t.post(`/api/v1/sessions/${r.json.id}/headcount`, { pupils_present: -3 });
  assert.equal(bad.status, 422);
  assert.equal(bad.json.field, 'pupils_present');
  const ok = await t.post(`/api/v1/sessions/${r.json.id}/headcount`, { pupils_present: 27 });
  assert.equal(ok.status, 200);
  assert.equal(ok.json.pupils_present, 27);
  assert.equal(sql(`SELECT pupils_present FROM sessions WHERE id = ${r.json.id}`), '27');
  assert.equal(sql(`SELECT count(*) FROM audit_log WHERE entity = 'headcount' AND entity_id = '${r.json.id}'`), '1');
  // The head-count is the school's Risk Avert delivery for that year group: recorded once, corrected in place.
  const delivery = () => sql(`SELECT urn || '|' || module_id || '|' || year_group || '|' || pupils_reached FROM deliveries WHERE session_id = ${r.json.id}`);
  assert.equal(delivery(), '900001|healthy-relationships|9|27');
  assert.equal((await t.post(`/api/v1/sessions/${r.json.id}/headcount`, { pupils_present: 26 })).status, 200);
  assert.equal(delivery(), '900001|healthy-relationships|9|26');
  assert.equal(sql(`SELECT count(*) FROM deliveries WHERE session_id = ${r.json.id}`), '1');
  // A count far above the year group's roll is refused, and nothing is half-written.
  const absurd = await t.post(`/api/v1/sessions/${r.json.id}/headcount`, { pupils_present: 1900 });
  assert.equal(absurd.status, 422);
  assert.equal(sql(`SELECT pupils_present FROM sessions WHERE id = ${r.json.id}`), '26');
  assert.equal(delivery(), '900001|healthy-relationships|9|26');
});

test('sign-in sheet and the attendance CSV', async () => {
  setClock(T0);
  const id = await session();
  const p = await practitioner('csv,person@example.org'.replace(',', '-'));
  await book(p, id);
  const trainer = await loggedIn(stack, 'trainer@lantern.example');
  const sheet = await trainer.get(`/sessions/${id}/sign-in-sheet`);
  assert.equal(sheet.status, 200);
  assert.match(sheet.text, /class="lantern-sign-in-sheet".*>Signature<\/th>/s);
  assert.match(sheet.text, /csv-person Person/);
  const csv = await trainer.get(`/sessions/${id}/attendance.csv`);
  assert.equal(csv.status, 200);
  assert.match(csv.headers.get('content-type'), /text\/csv/);
  const lines = csv.text.trim().split('\r\n');
  assert.equal(lines[0], 'booking,name,email,organisation,status,walk_in,minutes_attended');
  assert.match(lines[1], /,csv-person Person,csv-person@example\.org,Southend City Council,not-marked,no,$/);
  const practitionerView = await p.web.get(`/sessions/${id}/attendance.csv`);
  assert.equal(practitionerView.status, 403);
});
