// QR check-in by someone who must sign in first (spec §5): a good scan while signed out becomes a
// signed check-in promise carried through the sign-in's next, good for 10 minutes, which lands the
// person checked in. The server's clock is moved through LANTERN_CLOCK_FILE.
import test, { before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startStack, api, tokenFor, loggedIn, decodeQrSvg, sqlite, Client, csrfFrom } from './lib.mjs';

const clockFile = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'lantern-clock-')), 'now');
const T0 = Math.floor(Date.now() / 1000 / 30) * 30 + 30 * 60 * 24 * 14; // a slot boundary 14 days ahead
const setClock = (t) => fs.writeFileSync(clockFile, String(t));
setClock(T0);

let stack, admin, trainer;
const sql = (q) => sqlite(stack.dbPath, q);
const isoZ = (t) => new Date(t * 1000).toISOString().replace('.000', '');
const PASSWORD = 'practitioner-password';

// A session starting 10 minutes after T0, so check-in (from 30 minutes before) is open at T0.
async function session() {
  const r = await admin.post('/api/v1/sessions', {
    course: 'dash-risk-assessment-and-marac', starts_at: isoZ(T0 + 600), ends_at: isoZ(T0 + 600 + 4 * 3600),
    capacity: 20, venue: { name: 'Braintree Town Hall', address: 'Market Square', postcode: 'CM7 3YG', area: 'braintree' },
    trainers: ['trainer@lantern.example'],
  });
  assert.equal(r.status, 201, JSON.stringify(r.json));
  return r.json.id;
}

async function practitioner(email) {
  const r = await admin.post('/api/v1/users', { email, name: 'Scan Person', role: 'practitioner', org: '3', password: PASSWORD });
  assert.equal(r.status, 201, JSON.stringify(r.json));
  return email;
}

// The path on the trainer's screen now, read from its QR code.
async function scannedPath(id) {
  const frag = await trainer.get(`/sessions/${id}/check-in/qr`);
  assert.equal(frag.status, 200, frag.text);
  return new URL(decodeQrSvg(frag.text)).pathname;
}

const bookingOf = (email, id) => sql(`SELECT b.status || ':' || b.walk_in FROM bookings b JOIN users u ON u.id = b.user_id
  WHERE u.email = '${email}' AND b.session_id = ${id}`);

// A signed-out phone opens the scanned address; returns the sign-in page it is sent to.
async function scanSignedOut(phone, scanned) {
  const res = await phone.get(scanned, { 'Sec-Fetch-Site': 'none' });
  assert.equal(res.status, 303, res.text.slice(0, 300));
  const to = res.headers.get('location');
  assert.match(to, /^\/login\?next=\/checkin\/\d+\/scanned\/\d+-[0-9a-f]{32}$/);
  return to;
}

// Signs in on the page at loginPath and follows the redirect as a browser would.
async function signInAndFollow(phone, loginPath, email) {
  const form = await phone.get(loginPath);
  const next = new URLSearchParams(loginPath.split('?')[1]).get('next');
  const res = await phone.postForm('/login', { email, password: PASSWORD, next, csrf: csrfFrom(form.text) });
  assert.equal(res.status, 303, res.text.slice(0, 300));
  assert.equal(res.headers.get('location'), next);
  return phone.get(next, { 'Sec-Fetch-Site': 'same-origin' });
}

before(async () => {
  stack = await startStack({ env: { LANTERN_CLOCK_FILE: clockFile }, demo: true });
  admin = api(stack.base, await tokenFor(stack, 'admin@lantern.example'));
  trainer = await loggedIn(stack, 'trainer@lantern.example');
});
after(async () => {
  await stack?.stop();
  fs.rmSync(path.dirname(clockFile), { recursive: true, force: true });
});

test('a signed-out scan survives a slow sign-in and lands the person checked in', async () => {
  setClock(T0);
  const id = await session();
  const email = await practitioner('slow-signin@example.org');
  const phone = new Client(stack.base);
  const loginPath = await scanSignedOut(phone, await scannedPath(id));
  const form = await phone.get(loginPath);
  assert.equal(form.status, 200);
  assert.match(form.text, /<h1 class="govuk-heading-l">Sign in to check in to [^<]+ at Braintree Town Hall<\/h1>/);
  assert.equal(bookingOf(email, id), '', 'nobody is checked in before signing in');
  // Four minutes of typing: the code on the screen has long changed.
  setClock(T0 + 240);
  const landed = await signInAndFollow(phone, loginPath, email);
  assert.equal(landed.status, 200, landed.text.slice(0, 400));
  assert.match(landed.text, /You are checked in/);
  assert.equal(bookingOf(email, id), 'attended:1');
  // Opening it again changes nothing.
  const again = await phone.get(new URLSearchParams(loginPath.split('?')[1]).get('next'), { 'Sec-Fetch-Site': 'same-origin' });
  assert.equal(again.status, 200);
  assert.equal(sql(`SELECT count(*) FROM bookings b JOIN users u ON u.id = b.user_id WHERE u.email = '${email}'`), '1');
});

test('a booked attendee who signs in after scanning is marked attended', async () => {
  setClock(T0);
  const id = await session();
  const email = await practitioner('booked-signin@example.org');
  const r = await api(stack.base, await tokenFor(stack, email)).post(`/api/v1/sessions/${id}/bookings`, {});
  assert.equal(r.status, 201, JSON.stringify(r.json));
  const phone = new Client(stack.base);
  const loginPath = await scanSignedOut(phone, await scannedPath(id));
  setClock(T0 + 599);
  const landed = await signInAndFollow(phone, loginPath, email);
  assert.equal(landed.status, 200, landed.text.slice(0, 400));
  assert.equal(bookingOf(email, id), 'attended:0');
});

test('a scan is a promise for 10 minutes only, and only as lantern made it', async () => {
  setClock(T0);
  const id = await session();
  const email = await practitioner('too-slow@example.org');
  const phone = new Client(stack.base);
  const loginPath = await scanSignedOut(phone, await scannedPath(id));
  const next = new URLSearchParams(loginPath.split('?')[1]).get('next');
  setClock(T0 + 601);
  const late = await signInAndFollow(phone, loginPath, email);
  assert.equal(late.status, 410);
  assert.match(late.text, /Your scan has expired/);
  assert.match(late.text, /good for 10 minutes/);
  assert.equal(bookingOf(email, id), '');

  // A promise with its time moved, or moved to another session, was not made here.
  setClock(T0);
  const [, time, mac] = next.match(/\/scanned\/(\d+)-([0-9a-f]{32})$/);
  const other = await session();
  for (const forged of [`/checkin/${id}/scanned/${Number(time) + 300}-${mac}`, `/checkin/${other}/scanned/${time}-${mac}`]) {
    const res = await phone.get(forged, { 'Sec-Fetch-Site': 'same-origin' });
    assert.equal(res.status, 410, forged);
    assert.match(res.text, /not one lantern made/);
  }
  // The sign-in page says nothing about a forged one.
  const anon = new Client(stack.base);
  const form = await anon.get(`/login?next=${encodeURIComponent(`/checkin/${other}/scanned/${time}-${mac}`)}`);
  assert.match(form.text, /<h1 class="govuk-heading-l">Sign in to lantern<\/h1>/);
  assert.equal(bookingOf(email, id) + bookingOf(email, other), '');

  // From another site a promise only asks; the POST checks in.
  const ask = await phone.get(next, { 'Sec-Fetch-Site': 'cross-site' });
  assert.equal(ask.status, 200);
  assert.match(ask.text, /Check in to this session\?/);
  assert.equal(bookingOf(email, id), '');
  const post = await phone.postForm(next, { csrf: csrfFrom(ask.text) });
  assert.equal(post.status, 200, post.text.slice(0, 300));
  assert.equal(bookingOf(email, id), 'attended:1');
});

test('a stale code scanned signed out is refused at once, before any typing', async () => {
  setClock(T0);
  const id = await session();
  const scanned = await scannedPath(id);
  setClock(T0 + 60);
  const phone = new Client(stack.base);
  const res = await phone.get(scanned, { 'Sec-Fetch-Site': 'none' });
  assert.equal(res.status, 410);
  assert.match(res.text, /This code has expired/);
  // Signed out, other pages still send you to sign in.
  const roster = await phone.get(`/sessions/${id}/check-in`);
  assert.equal(roster.status, 303);
  assert.match(roster.headers.get('location'), /^\/login\?next=/);
});
