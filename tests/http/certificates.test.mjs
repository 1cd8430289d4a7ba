// Certificates come after the session (issue 14, spec §5): scanning in or being marked during a
// session gives no certificate, no evaluation and no e-mail; once it has ended the server's duty
// issues each certificate with one e-mail (certificate ready, evaluation please), once, to those
// marked attended, late or partial (partial: stating the minutes attended); a mark changed to absent
// before the end means none. An admin withdraws a certificate, audited, and /verify says so. The
// evaluation (which O5.7 counts) opens only at the end. The clock moves via LANTERN_CLOCK_FILE.
import test, { before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startStack, api, tokenFor, loggedIn, decodeQrSvg, onPostgres, sqlite, waitFor } from './lib.mjs';

const clockFile = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'lantern-clock-')), 'now');
const T0 = Math.floor(Date.now() / 1000 / 30) * 30 + 30 * 60 * 24 * 10; // a slot boundary 5 days ahead
const START = T0 + 600, END = START + 4.5 * 3600; // 4 hours 30 minutes, like the night in the issue
const setClock = (t) => fs.writeFileSync(clockFile, String(t));
setClock(T0);

let stack, admin, trainer;
const sql = (q) => sqlite(stack.dbPath, q);
// The sqlite3 shell writing beside the server waits for its lock (PostgreSQL's psql does anyway).
const busyTimeout = onPostgres ? '' : 'PRAGMA busy_timeout = 10000; ';
const isoZ = (t) => new Date(t * 1000).toISOString().replace('.000', '');
const READY = 'Your certificate is ready';
const mails = (email, subject = READY) => Number(sql(`SELECT count(*) FROM outbox WHERE to_email = '${email}' AND subject = '${subject}'`));

async function session(starts = START, ends = END) {
  const r = await admin.post('/api/v1/sessions', {
    course: 'dash-risk-assessment-and-marac', starts_at: isoZ(starts), ends_at: isoZ(ends), capacity: 20,
    venue: { name: 'Braintree Town Hall', address: 'Market Square', postcode: 'CM7 3YG', area: 'braintree' },
    trainers: ['trainer@lantern.example'],
  });
  assert.equal(r.status, 201, JSON.stringify(r.json));
  return r.json.id;
}

const people = {};
async function practitioner(name) {
  const email = `${name}@example.org`;
  const r = await admin.post('/api/v1/users', { email, name: `${name} Person`, role: 'practitioner', org: '3', password: 'practitioner-password' });
  assert.equal(r.status, 201, JSON.stringify(r.json));
  people[name] = { email, api: api(stack.base, await tokenFor(stack, email)), web: () => loggedIn(stack, email, 'practitioner-password') };
  return people[name];
}

async function book(p, id) {
  const r = await admin.post(`/api/v1/sessions/${id}/bookings`, { email: p.email });
  assert.equal(r.status, 201, JSON.stringify(r.json));
  return r.json.id;
}

const mark = (booking, body) => trainer.put(`/api/v1/bookings/${booking}/attendance`, body);

before(async () => {
  stack = await startStack({ env: { LANTERN_CLOCK_FILE: clockFile } });
  await stack.cli(['demo']);
  admin = api(stack.base, await tokenFor(stack, 'admin@lantern.example'));
  trainer = api(stack.base, await tokenFor(stack, 'trainer@lantern.example'));
});
after(async () => {
  await stack?.stop();
  fs.rmSync(path.dirname(clockFile), { recursive: true, force: true });
});

let night, booking = {}; // shared by the tests below, which run in order

test('during the session: a scan or a mark gives no certificate, no evaluation and no e-mail', async () => {
  setClock(T0);
  night = await session();
  for (const n of ['scanner', 'marked', 'leaver', 'changed', 'papered']) booking[n] = await book(await practitioner(n), night);

  // The scanner checks in with the code on the trainer's screen.
  const screen = await loggedIn(stack, 'trainer@lantern.example');
  const frag = await screen.get(`/sessions/${night}/check-in/qr`);
  assert.equal(frag.status, 200);
  const scannerWeb = await people.scanner.web();
  const scan = await scannerWeb.get(new URL(decodeQrSvg(frag.text)).pathname, { 'Sec-Fetch-Site': 'none' });
  assert.equal(scan.status, 200);
  assert.match(scan.text, /You are checked in/);
  assert.match(scan.text, /When the session has ended we will e-mail you your certificate/);
  assert.equal(sql(`SELECT status FROM bookings WHERE id = ${booking.scanner}`), 'attended');
  // Marked by the trainer: attended, left early with the minutes, and attended then absent.
  assert.equal((await mark(booking.marked, { status: 'late' })).status, 200);
  const partial = await mark(booking.leaver, { status: 'partial', minutes_attended: 90 });
  assert.equal(partial.status, 200, partial.text);
  assert.equal(partial.json.minutes_attended, 90);
  assert.equal((await mark(booking.changed, { status: 'attended' })).status, 200);
  assert.equal((await mark(booking.changed, { status: 'absent' })).status, 200);

  // The duty runs during the session: another session, already over, gets its certificate meanwhile.
  const earlier = await session(T0 - 5 * 3600, T0 - 3600);
  const witness = await practitioner('witness');
  assert.equal((await trainer.post(`/api/v1/sessions/${earlier}/walk-ins`, { email: witness.email })).status, 201);
  await waitFor('the earlier session\'s certificate e-mail', () => mails(witness.email) === 1);

  // ... but issues nothing for this one: no certificate, no e-mail with a certificate or evaluation link.
  assert.equal(sql(`SELECT count(*) FROM certificates c JOIN bookings b ON b.id = c.booking_id WHERE b.session_id = ${night}`), '0');
  for (const n of ['scanner', 'marked', 'leaver', 'changed']) {
    assert.equal(sql(`SELECT count(*) FROM outbox WHERE to_email = '${people[n].email}' AND (body LIKE '%/certificates/%' OR body LIKE '%/evaluations/%')`), '0', n);
  }
  // The certificate page, its PDF and the API say there is none yet; the evaluation is not open.
  const page = await scannerWeb.get(`/certificates/${booking.scanner}`);
  assert.equal(page.status, 404);
  assert.match(page.text, /No certificate yet/);
  assert.match(page.text, /issued when the session has ended/);
  assert.doesNotMatch(page.text, /4 hours 30 minutes/);
  assert.equal((await scannerWeb.get(`/certificates/${booking.scanner}/certificate.pdf`)).status, 404);
  assert.equal((await people.scanner.api.get(`/api/v1/bookings/${booking.scanner}/certificate`)).status, 404);
  const form = await scannerWeb.get(`/evaluations/${booking.scanner}`);
  assert.equal(form.status, 409);
  assert.match(form.text, /The evaluation is not open yet/);
  assert.match(form.text, /opens when the session ends/);
  assert.doesNotMatch(form.text, /how confident/i);
  const early = await people.scanner.api.post(`/api/v1/bookings/${booking.scanner}/evaluation`,
    { usefulness: 5, recognise_before: 2, recognise_after: 4, act_before: 1, act_after: 5 });
  assert.equal(early.status, 409);
  assert.equal(sql(`SELECT count(*) FROM evaluations WHERE booking_id = ${booking.scanner}`), '0');
  // The session page says what comes when; the training record shows no certificate yet.
  const sessionPage = await scannerWeb.get(`/sessions/${night}`);
  assert.doesNotMatch(sessionPage.text, new RegExp(`href="/certificates/${booking.scanner}"`));
  const record = await people.scanner.api.get('/api/v1/me/training');
  assert.equal(record.json.find((x) => x.booking === booking.scanner).certificate, 'after-the-session');
  // Even a certificate row made before the end (as the old code did on first view) does not verify.
  sql(`${busyTimeout}INSERT INTO certificates (code, booking_id, issued_at) VALUES ('premature-code-0123456789', ${booking.marked}, ${T0})`);
  const premature = await fetch(`${stack.base}/verify/premature-code-0123456789`);
  assert.equal(premature.status, 404);
  sql(`${busyTimeout}DELETE FROM certificates WHERE code = 'premature-code-0123456789'`);
});

test('the minutes of someone who left early are checked, naming the field', async () => {
  setClock(T0);
  for (const body of [{ status: 'partial' }, { status: 'partial', minutes_attended: 0 }, { status: 'partial', minutes_attended: 'ninety' },
    { status: 'partial', minutes_attended: 271 }, { status: 'partial', minutes_attended: 12.5 }, { status: 'attended', minutes_attended: 60 }]) {
    const r = await mark(booking.leaver, body);
    assert.equal(r.status, 422, JSON.stringify(body));
    assert.equal(r.json.field, 'minutes_attended', JSON.stringify(body));
  }
  assert.equal(sql(`SELECT status || ' ' || minutes_attended FROM bookings WHERE id = ${booking.leaver}`), 'partial 90');
  // On the roster, "Left early" asks how long they were there before saving anything.
  const web = await loggedIn(stack, 'trainer@lantern.example');
  const roster = await web.get(`/sessions/${night}/roster`);
  assert.match(roster.text, /Left early \(1 hour 30 minutes\)/);
  const csrf = web.csrfFrom(roster.text);
  const ask = await web.postForm(`/sessions/${night}/roster/${booking.papered}`, { csrf, status: 'partial' });
  assert.equal(ask.status, 200);
  assert.match(ask.text, /How many minutes was papered Person there\?/);
  assert.match(ask.text, /name="minutes_attended"/);
  assert.equal(sql(`SELECT status FROM bookings WHERE id = ${booking.papered}`), 'booked');
  const wrong = await web.postForm(`/sessions/${night}/roster/${booking.papered}`, { csrf, status: 'partial', minutes_attended: '300' });
  assert.equal(wrong.status, 400);
  assert.match(wrong.text, /href="#minutes_attended"/);
  assert.match(wrong.text, /from 1 to 270/);
  assert.equal(sql(`SELECT status FROM bookings WHERE id = ${booking.papered}`), 'booked');
  // The paper sheet: a left-early mark without its minutes saves nothing at all.
  const sheet = await web.get(`/sessions/${night}/marks`);
  assert.match(sheet.text, new RegExp(`name="minutes-${booking.papered}"`));
  const slip = await web.postForm(`/sessions/${night}/marks`, { csrf, [`mark-${booking.marked}`]: 'attended', [`mark-${booking.papered}`]: 'partial' });
  assert.equal(slip.status, 400);
  assert.match(slip.text, new RegExp(`href="#minutes-${booking.papered}"`));
  assert.equal(sql(`SELECT status FROM bookings WHERE id = ${booking.marked}`), 'late');
  // The minutes are in the audit trail and the attendance CSV.
  assert.equal(sql(`SELECT new_value FROM audit_log WHERE entity = 'attendance' AND entity_id = '${booking.leaver}' AND action = 'minutes'`), '90');
  const csv = await web.get(`/sessions/${night}/attendance.csv`);
  assert.match(csv.text, new RegExp(`^${booking.leaver},leaver Person,.*,partial,no,90$`, 'm'));
});

test('after the end the duty issues each certificate with one e-mail, once; none for an absence', async () => {
  setClock(END + 60);
  for (const n of ['scanner', 'marked', 'leaver']) await waitFor(`${n}'s certificate e-mail`, () => mails(people[n].email) === 1);
  const body = sql(`SELECT body FROM outbox WHERE to_email = '${people.scanner.email}' AND subject = '${READY}'`);
  assert.ok(body.includes(`/certificates/${booking.scanner}`), body);
  assert.ok(body.includes(`/evaluations/${booking.scanner}`), body);

  // A mark entered afterwards from the paper sheet is certified by the next run; by then the duty has
  // run again, and still nobody has a second certificate or e-mail.
  const web = await loggedIn(stack, 'trainer@lantern.example');
  const sheet = await web.get(`/sessions/${night}/marks`);
  const saved = await web.postForm(`/sessions/${night}/marks`, { csrf: web.csrfFrom(sheet.text), [`mark-${booking.papered}`]: 'partial', [`minutes-${booking.papered}`]: '45' });
  assert.equal(saved.status, 303, saved.text);
  await waitFor('the paper sheet\'s certificate e-mail', () => mails(people.papered.email) === 1);
  for (const n of ['scanner', 'marked', 'leaver', 'papered']) {
    assert.equal(mails(people[n].email), 1, n);
    assert.equal(sql(`SELECT count(*) FROM certificates WHERE booking_id = ${booking[n]}`), '1', n);
  }
  assert.equal(sql('SELECT count(*) FROM certificates_due'), '0', 'nothing left for the duty');
  // Marked absent before the end: no certificate, no e-mail, and the page says so.
  assert.equal(sql(`SELECT count(*) FROM certificates WHERE booking_id = ${booking.changed}`), '0');
  assert.equal(mails(people.changed.email), 0);
  const changedWeb = await people.changed.web();
  assert.equal((await changedWeb.get(`/certificates/${booking.changed}`)).status, 409);

  // The certificate states the session's length, or the time attended for someone who left early.
  const scannerWeb = await people.scanner.web();
  const cert = await scannerWeb.get(`/certificates/${booking.scanner}`);
  assert.equal(cert.status, 200);
  assert.match(cert.text, /scanner Person/);
  assert.match(cert.text, /\(4 hours 30 minutes\)/);
  const leaver = await (await people.leaver.web()).get(`/certificates/${booking.leaver}`);
  assert.equal(leaver.status, 200);
  assert.match(leaver.text, /for 1 hour 30 minutes of its 4 hours 30 minutes/);
  const viaApi = await people.leaver.api.get(`/api/v1/bookings/${booking.leaver}/certificate`);
  assert.equal(viaApi.status, 200);
  assert.equal(viaApi.json.minutes, 90);
  assert.equal(viaApi.json.partial, true);
  assert.equal((await people.scanner.api.get(`/api/v1/bookings/${booking.scanner}/certificate`)).json.minutes, 270);
  const code = sql(`SELECT code FROM certificates WHERE booking_id = ${booking.scanner}`);
  const verify = await fetch(`${stack.base}/verify/${code}`);
  assert.equal(verify.status, 200);
  assert.match(await verify.text(), /This certificate is genuine/);
  // The evaluation is open now.
  const form = await scannerWeb.get(`/evaluations/${booking.scanner}`);
  assert.equal(form.status, 200);
  assert.match(form.text, /how confident are you to take action/);
  const record = await people.scanner.api.get('/api/v1/me/training');
  assert.equal(record.json.find((x) => x.booking === booking.scanner).certificate, 'issued');
});

test('the evaluations O5.7 counts are all given after the session ended', async () => {
  setClock(END + 120);
  const answers = { usefulness: 4, recognise_before: 2, recognise_after: 4, act_before: 2, act_after: 5 };
  assert.equal((await people.scanner.api.post(`/api/v1/bookings/${booking.scanner}/evaluation`, answers)).status, 201);
  assert.equal((await people.leaver.api.post(`/api/v1/bookings/${booking.leaver}/evaluation`, answers)).status, 201);
  // The one tried during the session was refused (above): every evaluation of it came after its end.
  assert.equal(sql(`SELECT count(*) FROM evaluations e JOIN bookings b ON b.id = e.booking_id JOIN sessions s ON s.id = b.session_id
    WHERE s.id = ${night} AND e.submitted_at < s.ends_at`), '0');
  assert.equal(sql(`SELECT count(*) FROM evaluations e JOIN bookings b ON b.id = e.booking_id WHERE b.session_id = ${night}`), '2');
});

test('an admin withdraws a certificate: audited, /verify says so and when, the PDF is refused', async () => {
  setClock(END + 180);
  const code = sql(`SELECT code FROM certificates WHERE booking_id = ${booking.scanner}`);
  const web = await loggedIn(stack, 'admin@lantern.example');
  const cert = await web.get(`/certificates/${booking.scanner}`);
  assert.match(cert.text, new RegExp(`href="/certificates/${booking.scanner}/withdraw"`));
  const confirm = await web.get(`/certificates/${booking.scanner}/withdraw`);
  assert.equal(confirm.status, 200);
  assert.match(confirm.text, /Withdraw this certificate\?/);
  const csrf = web.csrfFrom(confirm.text);
  const noReason = await web.postForm(`/certificates/${booking.scanner}/withdraw`, { csrf, reason: '  ' });
  assert.equal(noReason.status, 400);
  assert.match(noReason.text, /href="#reason"/);
  assert.equal(sql(`SELECT CAST(withdrawn_at IS NULL AS INTEGER) FROM certificates WHERE booking_id = ${booking.scanner}`), '1');
  const done = await web.postForm(`/certificates/${booking.scanner}/withdraw`, { csrf, reason: 'Marked in error: left after ten minutes' });
  assert.equal(done.status, 303);
  const shown = await web.get(done.headers.get('location'));
  assert.match(shown.text, /This certificate was withdrawn/);
  assert.match(shown.text, /Marked in error: left after ten minutes/);
  // Audited: who, what, why.
  assert.equal(sql(`SELECT u.email || '|' || l.action || '|' || l.new_value FROM audit_log l JOIN users u ON u.id = l.actor_id
    WHERE l.entity = 'certificate' AND l.entity_id = '${booking.scanner}'`), 'admin@lantern.example|withdraw|withdrawn: Marked in error: left after ten minutes');
  // The public page says it was withdrawn and when, not why.
  const verify = await fetch(`${stack.base}/verify/${code}`);
  assert.equal(verify.status, 410);
  const vt = await verify.text();
  assert.match(vt, /This certificate was withdrawn/);
  const day = new Date((END + 180) * 1000).toLocaleDateString('en-GB', { day: 'numeric', month: 'long', year: 'numeric', timeZone: 'Europe/London' });
  assert.ok(vt.includes(day), `the date ${day} on the page`);
  assert.doesNotMatch(vt, /genuine|Marked in error/);
  // The practitioner's certificate and PDF are refused; the training record shows it withdrawn.
  const scannerWeb = await people.scanner.web();
  assert.equal((await scannerWeb.get(`/certificates/${booking.scanner}`)).status, 410);
  const pdf = await scannerWeb.get(`/certificates/${booking.scanner}/certificate.pdf`);
  assert.equal(pdf.status, 410);
  assert.doesNotMatch(pdf.headers.get('content-type'), /pdf/);
  assert.equal((await people.scanner.api.get(`/api/v1/bookings/${booking.scanner}/certificate`)).status, 410);
  const record = await scannerWeb.get('/training');
  assert.match(record.text, /Withdrawn<\/strong> on \d{1,2} [A-Z][a-z]+ \d{4}</);
  assert.equal((await people.scanner.api.get('/api/v1/me/training')).json.find((x) => x.booking === booking.scanner).certificate, 'withdrawn');
  // Marking them again issues nothing new: the one certificate stays withdrawn.
  assert.equal((await mark(booking.scanner, { status: 'late' })).status, 200);
  assert.equal((await fetch(`${stack.base}/verify/${code}`)).status, 410);

  // The API: admins only, with a reason, once.
  const url = `/api/v1/bookings/${booking.marked}/certificate/withdraw`;
  assert.equal((await trainer.post(url, { reason: 'x' })).status, 403);
  assert.equal((await people.marked.api.post(url, { reason: 'x' })).status, 403);
  const bad = await admin.post(url, {});
  assert.equal(bad.status, 422);
  assert.equal(bad.json.field, 'reason');
  const ok = await admin.post(url, { reason: 'Duplicate record' });
  assert.equal(ok.status, 200, ok.text);
  assert.equal(ok.json.code, sql(`SELECT code FROM certificates WHERE booking_id = ${booking.marked}`));
  assert.equal((await fetch(`${stack.base}/verify/${ok.json.code}`)).status, 410);
  assert.equal((await admin.post(url, { reason: 'Again' })).status, 409);
  assert.equal((await admin.post(`/api/v1/bookings/${booking.changed}/certificate/withdraw`, { reason: 'None' })).status, 404);
  assert.equal(sql("SELECT count(*) FROM audit_log WHERE entity = 'certificate' AND action = 'withdraw'"), '2');
});
