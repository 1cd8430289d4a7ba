// One configured public address (issue 12): every absolute link lantern makes (e-mails, calendar
// entries and feeds, certificates, printed and on-screen QR codes, survey and check-in addresses) is
// built on `lantern serve --base-url`, never on the request's Host header. Every request here is sent
// with a foreign Host (and the forwarding headers a proxy might add), and the configured address must
// be in every link while the foreign host appears nowhere.
import test, { before, after } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {
  LANTERN, startStack, Client, tokenFor, sqlite, decodeQrSvg, decodeQrSvgAll, decodePdfQr, decodePdfQrAll, waitFor,
  waitUntil, mailCatcher,
} from './lib.mjs';

const BASE = 'https://training.lantern.example:8443'; // not where the stack listens: only configuration says it
const EVIL = 'lantern-support.evil.example';

let stack;
const seen = []; // every body received, checked for EVIL at the end
// The server's mailer hands messages over, writing their calendar files then: what it sends is checked.
const mail = mailCatcher();
before(async () => {
  stack = await startStack({ demo: true, baseUrl: BASE, env: { LANTERN_SENDMAIL: mail.sendmail } });
});
// The message handed over to `to` whose subject starts with `subject`.
const handedOver = (to, subject) => waitUntil(() => mail.messages().find((m) =>
  m.startsWith(`To: ${to}\n`) && m.includes(`\nSubject: ${subject}`)), `a message "${subject}" to ${to} handed over`);
after(async () => { await stack?.stop(); });

// A request to the stack with a foreign Host (fetch cannot set Host, so node:http).
function forged(method, urlPath, { token, cookie, json } = {}) {
  const headers = { Host: EVIL, 'X-Forwarded-Host': EVIL, 'X-Forwarded-Proto': 'http', Forwarded: `host=${EVIL}` };
  if (token) headers.Authorization = `Bearer ${token}`;
  if (cookie) headers.Cookie = cookie;
  const body = json === undefined ? undefined : JSON.stringify(json);
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  return new Promise((resolve, reject) => {
    const req = http.request({ host: '127.0.0.1', port: stack.port, method, path: urlPath, headers }, (res) => {
      const chunks = [];
      res.on('data', (c) => chunks.push(c));
      res.on('end', () => {
        const buf = Buffer.concat(chunks);
        const text = buf.toString('latin1');
        seen.push(`${method} ${urlPath}: ${text}`);
        let data;
        try { data = JSON.parse(text); } catch { data = undefined; }
        resolve({ status: res.statusCode, headers: res.headers, buf, text, json: data });
      });
    });
    req.on('error', reject);
    req.end(body);
  });
}

const iso = (ms) => new Date(ms).toISOString().replace(/\.\d+Z$/, 'Z');
const sql = (q) => sqlite(stack.dbPath, q);
const escaped = (s) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

async function session(token, startMs, hours = 3) {
  const res = await forged('POST', '/api/v1/sessions', {
    token,
    json: {
      course: 'recognising-and-responding', starts_at: iso(startMs), ends_at: iso(startMs + hours * 3600e3),
      capacity: 10, trainers: ['trainer@lantern.example'],
      venue: { name: 'Civic Centre', address: 'Victoria Avenue', postcode: 'SS2 6ER', area: 'southend' },
    },
  });
  assert.equal(res.status, 201, res.text);
  return res.json.id;
}

test('lantern serve refuses a missing or malformed --base-url, naming it', () => {
  const data = fs.mkdtempSync(path.join(os.tmpdir(), 'lantern-baseurl-'));
  try {
    const db = path.join(data, 'lantern.db');
    assert.equal(spawnSync(LANTERN, ['--db', db, 'init']).status, 0);
    for (const bad of [null, 'lantern.example.org', 'ftp://lantern.example.org', 'https://lantern.example.org/',
      'https://lantern.example.org/app', 'https://lantern.example.org?x=1', 'https://me@lantern.example.org',
      'https://lantern.example.org:99999']) {
      const args = ['--db', db, 'serve', '--socket', path.join(data, 's.sock')];
      if (bad !== null) args.push('--base-url', bad);
      const r = spawnSync(LANTERN, args, { encoding: 'utf8', timeout: 20_000 });
      assert.equal(r.status, 2, `${bad}: ${r.stderr}`);
      assert.match(r.stderr, /--base-url/, String(bad));
      assert.equal(fs.existsSync(path.join(data, 's.sock')), false, 'it never listened');
    }
  } finally {
    fs.rmSync(data, { recursive: true, force: true });
  }
});

test('under a foreign Host, every link lantern makes carries the configured address', async () => {
  const admin = await tokenFor(stack, 'admin@lantern.example');
  const practitioner = await tokenFor(stack, 'practitioner@lantern.example');
  const trainer = await tokenFor(stack, 'trainer@lantern.example');
  const lead = await tokenFor(stack, 'campaign@lantern.example');
  const school = await tokenFor(stack, 'school@lantern.example');
  const web = {};
  for (const who of ['practitioner', 'trainer']) {
    // A browser that reached lantern at its public address says so in Origin (checked on every form).
    const c = new Client(stack.base, { origin: BASE });
    await c.login(`${who}@lantern.example`);
    web[who] = c.cookieHeader();
  }

  // A booking: its e-mail and calendar entry link to the session and the bookings page.
  const upcoming = await session(admin, Date.now() + 10 * 86400e3);
  const booked = await forged('POST', `/api/v1/sessions/${upcoming}/bookings`, { token: practitioner, json: {} });
  assert.equal(booked.status, 201, booked.text);
  const confirmation = await handedOver('practitioner@lantern.example', 'Booking confirmed');
  assert.ok(confirmation.includes(`${BASE}/sessions/${upcoming}`), `the e-mail links to the session:\n${confirmation}`);
  assert.ok(confirmation.includes(`${BASE}/bookings`), 'the e-mail links to the bookings page');
  assert.match(confirmation, new RegExp(`URL:${escaped(BASE)}/sessions/${upcoming}\\r?\\n`), 'the .ics links to the session');

  // The calendar feed: its address on the bookings page, and the entries in it.
  const mine = await forged('GET', '/bookings', { cookie: web.practitioner });
  assert.equal(mine.status, 200);
  const feed = mine.text.match(/href="([^"]*)(\/calendar\/[^"]+\.ics)"/);
  assert.ok(feed, 'the bookings page shows the feed address');
  assert.equal(feed[1], BASE);
  const ics = await forged('GET', feed[2]);
  assert.equal(ics.status, 200);
  assert.match(ics.text, new RegExp(`URL:${escaped(BASE)}/sessions/${upcoming}\\r?\\n`));

  // Attendance: the e-mail the server's duty sends once the session has ended (here, at once: it is
  // over already) links to the certificate and the evaluation form.
  const past = await session(admin, Date.now() - 2 * 86400e3);
  const onBehalf = await forged('POST', `/api/v1/sessions/${past}/bookings`, { token: admin, json: { email: 'practitioner@lantern.example' } });
  assert.equal(onBehalf.status, 201, onBehalf.text);
  const bid = onBehalf.json.id;
  assert.equal((await forged('PUT', `/api/v1/bookings/${bid}/attendance`, { token: trainer, json: { status: 'attended' } })).status, 200);
  const readyMail = () => sql(`SELECT body FROM outbox WHERE to_email = 'practitioner@lantern.example'
    AND subject = 'Your certificate is ready' AND body LIKE '%/certificates/${bid}%'`);
  await waitFor('the certificate e-mail', () => readyMail() !== '');
  const evaluation = readyMail();
  assert.ok(evaluation.includes(`${BASE}/evaluations/${bid}`), evaluation);
  assert.ok(evaluation.includes(`${BASE}/certificates/${bid}`), evaluation);

  // The certificate: its verification address in the API, on the page, in its QR code and in the PDF.
  const cert = await forged('GET', `/api/v1/bookings/${bid}/certificate`, { token: practitioner });
  assert.equal(cert.status, 200, cert.text);
  const verify = `${BASE}/verify/${sql(`SELECT code FROM certificates WHERE booking_id = ${bid}`)}`;
  assert.equal(cert.json.verify_url, verify);
  const certPage = await forged('GET', `/certificates/${bid}`, { cookie: web.practitioner });
  assert.equal(certPage.status, 200);
  assert.equal(decodeQrSvg(certPage.text), verify);
  const certPdf = await forged('GET', `/certificates/${bid}/certificate.pdf`, { cookie: web.practitioner });
  assert.equal(certPdf.status, 200);
  assert.equal(decodePdfQr(certPdf.buf), verify);

  // A placement: the printed address and the QR code on the SVG and the PDF.
  const placed = await forged('POST', '/api/v1/campaigns/sixteen-days-2026/placements', {
    token: lead,
    json: { material: 'poster', place: 'Library', area: 'southend', quantity: 1, placed_on: new Date().toISOString().slice(0, 10) },
  });
  assert.equal(placed.status, 201, placed.text);
  const scanUrl = `${BASE}/c/${placed.json.code}`;
  assert.equal(placed.json.url, scanUrl);
  const svg = await forged('GET', placed.json.svg, { token: lead });
  assert.equal(svg.status, 200);
  assert.deepEqual(decodeQrSvgAll(svg.text), [scanUrl]);
  const poster = await forged('GET', placed.json.pdf_a4, { token: lead });
  assert.equal(poster.status, 200);
  assert.deepEqual(decodePdfQrAll(poster.buf), [scanUrl]);
  const printed = spawnSync('pdftotext', ['-', '-'], { input: poster.buf, encoding: 'utf8' }).stdout;
  assert.ok(printed.includes(scanUrl), 'the address printed under the code');

  // A pupil survey run: the address pupils use, on its page and in its QR code.
  const run = await forged('POST', '/api/v1/survey-runs', {
    token: trainer, json: { urn: '900001', year_group: 9, phase: 'pre', pupils_expected: 30 },
  });
  assert.equal(run.status, 201, run.text);
  const runUrl = `${BASE}/s/${run.json.code}`;
  assert.equal(run.json.url, runUrl);
  const runPage = await forged('GET', `/survey-runs/${run.json.id}`, { cookie: web.trainer });
  assert.equal(runPage.status, 200);
  assert.ok(runPage.text.includes(runUrl), 'the run page shows the address');
  assert.equal(decodeQrSvg((await forged('GET', `/survey-runs/${run.json.id}/qr.svg`, { cookie: web.trainer })).text), runUrl);

  // Check-in during a session: the address on the trainer's screen and in its QR code.
  const now = await session(admin, Date.now() - 10 * 60e3);
  const screen = await forged('GET', `/sessions/${now}/check-in`, { cookie: web.trainer });
  assert.equal(screen.status, 200);
  const checkin = decodeQrSvg(screen.text);
  assert.match(checkin, new RegExp(`^${escaped(BASE)}/checkin/${now}/[0-9a-f]{16}$`));
  assert.ok(screen.text.includes(`Or open ${checkin}`), 'the address is spelled out under the code');

  // A school's request, confirmed: the school's e-mail links to the new session.
  const made = await forged('POST', '/api/v1/session-requests', {
    token: school,
    json: { course: 'risk-avert', module: 'healthy-relationships', year_group: 9, pupils_expected: 120, preferred_dates: 'May' },
  });
  assert.equal(made.status, 201, made.text);
  const start = Date.now() + 30 * 86400e3;
  const confirmed = await forged('POST', `/api/v1/session-requests/${made.json.id}/confirm`, {
    token: trainer,
    json: {
      starts_at: iso(start), ends_at: iso(start + 3600e3), trainers: ['trainer@lantern.example'],
      venue: { name: 'Demo Academy', address: '20 Test Avenue', postcode: 'SS1 1AA' },
    },
  });
  assert.equal(confirmed.status, 201, confirmed.text);
  const schoolMail = await handedOver('school@lantern.example', 'Session confirmed');
  assert.ok(schoolMail.includes(`${BASE}/sessions/${confirmed.json.id}`), schoolMail);
  assert.match(schoolMail, new RegExp(`URL:${escaped(BASE)}/sessions/${confirmed.json.id}\\r?\\n`), 'its .ics too');

  // Nothing anywhere carries the foreign host: no answer, no queued e-mail or attachment.
  const leaks = seen.filter((s) => s.includes(EVIL)).map((s) => s.slice(0, 200));
  assert.deepEqual(leaks, [], 'a response carried the Host header');
  assert.equal(sql(`SELECT count(*) FROM outbox WHERE instr(body || coalesce(attachment, ''), '${EVIL}') > 0`), '0');
  assert.ok(Number(sql(`SELECT count(*) FROM outbox WHERE instr(body || coalesce(attachment, ''), '${BASE}') > 0`)) >= 4);
  assert.deepEqual(mail.messages().filter((m) => m.includes(EVIL)), [], 'a message handed over carried the Host header');
});
