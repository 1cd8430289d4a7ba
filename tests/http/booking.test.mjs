// Booking rules of spec §4 through the real nginx and FastCGI server: capacity under concurrency,
// the first-come first-served waiting list, promotion, one live booking, windows and cut-offs,
// reserved places, notifications with iCalendar, the calendar feed and discretion.
import test, { before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startStack, api, tokenFor, Client, waitUntil, sqlite, mailTo, loggedIn } from './lib.mjs';
import { parseIcs } from './ics.mjs';
import { wrongCounts } from './writes.mjs';

let stack, admin;
const sql = (q) => sqlite(stack.dbPath, q);
// Every message for `email`, oldest first, calendar files written as the mail command gets them.
const outbox = (email) => mailTo(stack, email);
const lastMail = async (email) => (await outbox(email)).at(-1);
const iso = (d) => d.toISOString().slice(0, 16); // UTC, with Z added below
const inDays = (days, hours = 10) => {
  const d = new Date(Date.now() + days * 86400e3);
  d.setUTCHours(hours, 0, 0, 0);
  return d;
};

async function createSession(overrides = {}) {
  const start = overrides.start ?? inDays(14);
  const body = {
    course: 'recognising-and-responding',
    starts_at: iso(start) + ':00Z',
    ends_at: iso(new Date(start.getTime() + 3 * 3600e3)) + ':00Z',
    capacity: 10,
    venue: { name: 'Civic Centre', address: 'Victoria Avenue', postcode: 'SS2 6ER', area: 'southend' },
    trainers: ['trainer@lantern.example'],
    ...overrides.body,
  };
  const res = await admin.post('/api/v1/sessions', body);
  assert.equal(res.status, 201, JSON.stringify(res.json));
  return res.json.id;
}

// Practitioners made through the admin API, each with an API token of their own.
async function practitioners(n, prefix, org = 2) {
  const made = await Promise.all(
    Array.from({ length: n }, (_, i) =>
      admin.post('/api/v1/users', {
        email: `${prefix}${i}@example.org`, name: `Practitioner ${prefix}${i}`,
        role: 'practitioner', org: String(org), password: 'correct-horse-battery',
      })),
  );
  for (const r of made) assert.equal(r.status, 201, JSON.stringify(r.json));
  const out = [];
  for (let i = 0; i < n; i++) {
    const email = `${prefix}${i}@example.org`;
    out.push({ email, api: api(stack.base, await tokenFor(stack, email)) });
  }
  return out;
}

// Historic attendance as an admin enters it: through the API, so its audit trail and triggers run.
async function markAttended(bookingId) {
  const res = await admin.put(`/api/v1/bookings/${bookingId}/attendance`, { status: 'attended' });
  assert.equal(res.status, 200, JSON.stringify(res.json));
  assert.equal(sql(`SELECT old_value || '>' || new_value FROM audit_log WHERE entity = 'attendance'
    AND entity_id = '${bookingId}' ORDER BY id DESC LIMIT 1`), 'booked>attended');
}

// The server's clock: real time, frozen for the run, moved on by the release test.
const clockDir = fs.mkdtempSync(path.join(os.tmpdir(), 'lantern-clock-'));
const clockFile = path.join(clockDir, 'now');
const setClock = (t) => fs.writeFileSync(clockFile, String(Math.floor(t)));

before(async () => {
  setClock(Date.now() / 1000);
  stack = await startStack({ env: { LANTERN_CLOCK_FILE: clockFile }, demo: true });
  admin = api(stack.base, await tokenFor(stack, 'admin@lantern.example'));
});
after(async () => {
  await stack?.stop();
  fs.rmSync(clockDir, { recursive: true, force: true });
});

test('100 concurrent bookings for 10 places: exactly 10 booked, the rest waitlisted in arrival order', async () => {
  const id = await createSession();
  const people = await practitioners(100, 'crowd');
  const results = await Promise.all(people.map((p) => p.api.post(`/api/v1/sessions/${id}/bookings`, {})));
  for (const r of results) assert.equal(r.status, 201, JSON.stringify(r.json));
  const booked = results.filter((r) => r.json.status === 'booked');
  const waiting = results.filter((r) => r.json.status === 'waitlisted');
  assert.equal(booked.length, 10);
  assert.equal(waiting.length, 90);
  for (const r of booked) assert.equal(r.json.waitlist_position, null);
  // Positions are 1..90, and follow the order the server took the requests in (booking ids).
  const byId = [...waiting].sort((a, b) => a.json.id - b.json.id).map((r) => r.json.waitlist_position);
  assert.deepEqual(byId, Array.from({ length: 90 }, (_, i) => i + 1));
  const session = await admin.get(`/api/v1/sessions/${id}`);
  assert.equal(session.json.seats_left, 0);
  assert.equal(session.json.booked, 10);
  assert.equal(session.json.waitlisted, 90);

  // Cancelling a booked place promotes position 1, who is told so.
  const first = waiting.find((r) => r.json.waitlist_position === 1);
  const firstEmail = people[results.indexOf(first)].email;
  const canceller = people[results.indexOf(booked[0])];
  const cancel = await canceller.api.delete(`/api/v1/bookings/${booked[0].json.id}`);
  assert.equal(cancel.status, 200, JSON.stringify(cancel.json));
  assert.equal(cancel.json.promoted, 1);
  assert.equal(sql(`SELECT status FROM bookings WHERE id = ${first.json.id}`), 'booked');
  const mail = await lastMail(firstEmail);
  assert.match(mail.subject, /^A place is now yours/);
  assert.match(mail.attachment_type, /text\/calendar/);
  // Everyone else moved up one.
  const second = waiting.find((r) => r.json.waitlist_position === 2);
  const mine = await people[results.indexOf(second)].api.get('/api/v1/me/bookings');
  assert.equal(mine.json.find((b) => b.id === second.json.id).waitlist_position, 1);
  assert.equal(sql(`SELECT count(*) FROM bookings WHERE session_id = ${id} AND status = 'booked'`), '10');
});

test('one live booking per person; cancelled people may book again', async () => {
  const id = await createSession();
  const [p] = await practitioners(1, 'once');
  const a = await p.api.post(`/api/v1/sessions/${id}/bookings`, {});
  assert.equal(a.status, 201);
  const again = await p.api.post(`/api/v1/sessions/${id}/bookings`, {});
  assert.equal(again.status, 409);
  assert.equal(again.json.field, 'email');
  assert.equal((await p.api.delete(`/api/v1/bookings/${a.json.id}`)).status, 200);
  const rebook = await p.api.post(`/api/v1/sessions/${id}/bookings`, {});
  assert.equal(rebook.status, 201);
  assert.equal(rebook.json.status, 'booked');
});

test('booking window and cancellation cut-off are enforced with a clear message', async () => {
  const later = inDays(30);
  const notYet = await createSession({ body: { booking_opens_at: iso(inDays(10)) + ':00Z' } });
  const closed = await createSession({ body: { booking_closes_at: iso(inDays(-1)) + ':00Z' } });
  const cutoff = await createSession({ start: later, body: { cancel_cutoff_at: iso(inDays(-1)) + ':00Z' } });
  const [p] = await practitioners(1, 'window');
  const a = await p.api.post(`/api/v1/sessions/${notYet}/bookings`, {});
  assert.equal(a.status, 409);
  assert.match(a.json.error, /opens on/);
  const b = await p.api.post(`/api/v1/sessions/${closed}/bookings`, {});
  assert.equal(b.status, 409);
  assert.match(b.json.error, /closed on/);
  const c = await p.api.post(`/api/v1/sessions/${cutoff}/bookings`, {});
  assert.equal(c.status, 201);
  const d = await p.api.delete(`/api/v1/bookings/${c.json.id}`);
  assert.equal(d.status, 409);
  assert.match(d.json.error, /cut-off/);
  // An admin may still cancel it.
  assert.equal((await admin.delete(`/api/v1/bookings/${c.json.id}`)).status, 200);
});

test('admins book on behalf of a named practitioner; others cannot book for anyone else', async () => {
  const id = await createSession();
  const [p, q] = await practitioners(2, 'behalf');
  const r = await admin.post(`/api/v1/sessions/${id}/bookings`, { email: p.email });
  assert.equal(r.status, 201);
  assert.equal(r.json.email, p.email);
  const unknown = await admin.post(`/api/v1/sessions/${id}/bookings`, { email: 'nobody@example.org' });
  assert.equal(unknown.status, 422);
  assert.equal(unknown.json.field, 'email');
  // A practitioner's "email" is ignored: they book themselves.
  const self = await q.api.post(`/api/v1/sessions/${id}/bookings`, { email: p.email });
  assert.equal(self.status, 201);
  assert.equal(self.json.email, q.email);
  // Nobody else's booking can be cancelled by a practitioner.
  const other = await q.api.delete(`/api/v1/bookings/${r.json.id}`);
  assert.equal(other.status, 404);
  const trainer = api(stack.base, await tokenFor(stack, 'trainer@lantern.example'));
  assert.equal((await trainer.post(`/api/v1/sessions/${id}/bookings`, {})).status, 403);
});

test('reserved places: held for a sector until release, capacity never exceeded', async () => {
  // 4 places, 2 held for health (org 2 is the demo NHS trust) until well after now.
  const id = await createSession({
    body: { capacity: 4, reserved_sector: 'health', reserved_places: 2, reserved_until: iso(inDays(7)) + ':00Z' },
  });
  const police = await practitioners(3, 'police', 1);
  const health = await practitioners(3, 'health', 2);
  const r = [];
  for (const p of police) r.push((await p.api.post(`/api/v1/sessions/${id}/bookings`, {})).json.status);
  assert.deepEqual(r, ['booked', 'booked', 'waitlisted']);
  const h = [];
  for (const p of health) h.push((await p.api.post(`/api/v1/sessions/${id}/bookings`, {})).json.status);
  assert.deepEqual(h, ['booked', 'booked', 'waitlisted']);
  assert.equal(sql(`SELECT count(*) FROM bookings WHERE session_id = ${id} AND status = 'booked'`), '4');
});

test('every booking and cancellation queues an e-mail with an .ics, neutral unless the person opts in', async () => {
  const id = await createSession();
  const [p] = await practitioners(1, 'discreet');
  const b = await p.api.post(`/api/v1/sessions/${id}/bookings`, {});
  const row = await lastMail(p.email);
  assert.match(row.subject, /^Booking confirmed: Training session/);
  assert.match(row.attachment, /BEGIN:VCALENDAR/);
  assert.match(row.attachment, /SUMMARY:Training session/);
  assert.doesNotMatch(row.subject + row.body + row.attachment, /Recognising and responding/);
  await p.api.delete(`/api/v1/bookings/${b.json.id}`);
  const cancel = await lastMail(p.email);
  assert.match(cancel.subject, /^Booking cancelled/);
  assert.match(cancel.attachment, /METHOD:CANCEL/);
  assert.match(cancel.attachment, /STATUS:CANCELLED/);
});

test('cancelling a session cancels its bookings and sends each person a calendar cancellation of their invitation', async () => {
  const id = await createSession({ body: { capacity: 1 } });
  const people = await practitioners(2, 'cancelled');
  const statuses = [];
  for (const p of people) statuses.push((await p.api.post(`/api/v1/sessions/${id}/bookings`, {})).json.status);
  assert.deepEqual(statuses, ['booked', 'waitlisted']);
  const trainer = api(stack.base, await tokenFor(stack, 'trainer@lantern.example'));
  assert.equal((await trainer.post(`/api/v1/sessions/${id}/cancel`, {})).status, 403);
  const r = await admin.post(`/api/v1/sessions/${id}/cancel`, {});
  assert.equal(r.status, 200);
  assert.equal(sql(`SELECT count(*) FROM bookings WHERE session_id = ${id} AND status <> 'cancelled'`), '0');
  for (const [i, p] of people.entries()) {
    // The outbox, oldest first: the invitation (booked, or tentative on the waiting list), then the notice.
    const mail = await outbox(p.email);
    assert.equal(mail.length, 2, `${p.email}: ${mail.map((m) => m.subject).join('; ')}`);
    const [invitation, notice] = mail;
    assert.match(invitation.subject, i === 0 ? /^Booking confirmed/ : /^On the waiting list/);
    assert.match(notice.subject, /^Session cancelled/);
    assert.match(notice.body, /this session has been cancelled/);
    assert.equal(notice.attachment_name, 'session.ics');
    assert.match(notice.attachment_type, /^text\/calendar; method=CANCEL$/);
    // A calendar removes the entry it holds: the same UID, METHOD:CANCEL, STATUS:CANCELLED, and a
    // sequence no older than the invitation's.
    const sent = parseIcs(invitation.attachment);
    const cancel = parseIcs(notice.attachment);
    assert.equal(sent.METHOD, 'REQUEST');
    assert.equal(cancel.METHOD, 'CANCEL');
    assert.equal(sent.events.length, 1);
    assert.equal(cancel.events.length, 1);
    const [was, now] = [sent.events[0], cancel.events[0]];
    assert.equal(was.UID, `session-${id}@lantern.example`);
    assert.equal(now.UID, was.UID);
    assert.equal(was.STATUS, i === 0 ? 'CONFIRMED' : 'TENTATIVE');
    assert.equal(now.STATUS, 'CANCELLED');
    assert.equal(now.DTSTART, was.DTSTART);
    assert.ok(Number(now.SEQUENCE) >= Number(was.SEQUENCE), `SEQUENCE ${now.SEQUENCE} after ${was.SEQUENCE}`);
  }
  const s = await admin.get(`/api/v1/sessions/${id}`);
  assert.equal(s.json.status, 'cancelled');
  const late = await people[0].api.post(`/api/v1/sessions/${id}/bookings`, {});
  assert.equal(late.status, 409);
});

test('moving a session in time or place tells everyone booked or waiting, with the calendar entry brought up to date; other changes tell nobody', async () => {
  const start = inDays(21);
  const id = await createSession({ start, body: { capacity: 1 } });
  const people = await practitioners(3, 'moved');
  const statuses = [];
  for (const p of people) statuses.push((await p.api.post(`/api/v1/sessions/${id}/bookings`, {})).json.status);
  assert.deepEqual(statuses, ['booked', 'waitlisted', 'waitlisted']);
  // The third leaves the waiting list: nobody tells them of a session they are no longer on.
  const theirs = sql(`SELECT id FROM bookings WHERE session_id = ${id} AND user_id = (SELECT id FROM users WHERE email = '${people[2].email}')`);
  assert.equal((await people[2].api.delete(`/api/v1/bookings/${theirs}`)).status, 200);
  const count = async (p) => (await outbox(p.email)).length;
  const before = await Promise.all(people.map(count));
  const basicUtc = (d) => d.toISOString().replace(/[-:]/g, '').replace(/\.\d{3}/, '');

  // A change of capacity, trainers or booking window moves nobody: no message.
  const same = await admin.put(`/api/v1/sessions/${id}`, { capacity: 1, booking_closes_at: iso(inDays(20)) + ':00Z' });
  assert.equal(same.status, 200, same.text);
  assert.deepEqual(await Promise.all(people.map(count)), before, 'nobody told of a change that does not move the session');

  // A day later: the booked and the waiting are told, each with the entry they hold, at the new time.
  const later = new Date(start.getTime() + 86400e3);
  const moved = await admin.put(`/api/v1/sessions/${id}`, {
    starts_at: iso(later) + ':00Z', ends_at: iso(new Date(later.getTime() + 3 * 3600e3)) + ':00Z',
  });
  assert.equal(moved.status, 200, moved.text);
  for (const [i, p] of people.slice(0, 2).entries()) {
    const mail = await outbox(p.email);
    assert.equal(mail.length, before[i] + 1, `${p.email}: ${mail.map((m) => m.subject).join('; ')}`);
    const notice = mail.at(-1);
    assert.match(notice.subject, /^Session changed: /);
    assert.match(notice.body, /moved to another date or time\. The details below are the new ones; your place is kept\./);
    const event = parseIcs(notice.attachment).events[0];
    assert.equal(event.UID, `session-${id}@lantern.example`);
    assert.equal(event.DTSTART, basicUtc(later));
    assert.equal(event.STATUS, i === 0 ? 'CONFIRMED' : 'TENTATIVE');
  }
  assert.equal(await count(people[2]), before[2], 'the one who cancelled is not told');

  // Another venue: told again, with the new place.
  const elsewhere = await admin.put(`/api/v1/sessions/${id}`, {
    venue: { name: 'Beecroft Gallery', address: 'Victoria Avenue', postcode: 'SS2 6EX', area: 'southend' },
  });
  assert.equal(elsewhere.status, 200, elsewhere.text);
  for (const [i, p] of people.slice(0, 2).entries()) {
    const mail = await outbox(p.email);
    assert.equal(mail.length, before[i] + 2);
    assert.match(mail.at(-1).body, /moved to another place\.[\s\S]*Beecroft Gallery, Victoria Avenue SS2 6EX/);
    assert.match(parseIcs(mail.at(-1).attachment).events[0].LOCATION, /^Beecroft Gallery/);
  }

  // Through the web form too: the trainer moves it an hour on, and the two are told.
  const web = await loggedIn(stack, 'trainer@lantern.example');
  const form = await web.get(`/sessions/${id}/edit`);
  assert.equal(form.status, 200);
  const field = (name) => form.text.match(new RegExp(`name="${name}"[^>]*value="([^"]*)"`))?.[1] ?? '';
  const hourOn = (v) => {
    const [d, t] = v.split('T');
    return `${d}T${String(Number(t.slice(0, 2)) + 1).padStart(2, '0')}${t.slice(2)}`;
  };
  const saved = await web.postForm(`/sessions/${id}/edit`, {
    csrf: web.csrfFrom(form.text), course: 'recognising-and-responding', capacity: '1',
    starts_at: hourOn(field('starts_at')), ends_at: hourOn(field('ends_at')),
    venue_choice: 'new', venue_name: 'Beecroft Gallery', venue_address: 'Victoria Avenue', venue_postcode: 'SS2 6EX',
    area: 'southend', trainers: 'trainer@lantern.example',
  });
  assert.equal(saved.status, 303, saved.text.slice(0, 400));
  for (const [i, p] of people.slice(0, 2).entries())
    assert.equal((await outbox(p.email)).length, before[i] + 3, `${p.email} told of the web change`);
});

test('an overlapping booking is allowed but warned about', async () => {
  const start = inDays(20);
  const a = await createSession({ start });
  const b = await createSession({ start: new Date(start.getTime() + 3600e3) });
  const [p] = await practitioners(1, 'overlap');
  const first = await p.api.post(`/api/v1/sessions/${a}/bookings`, {});
  assert.equal(first.json.warning, undefined);
  const second = await p.api.post(`/api/v1/sessions/${b}/bookings`, {});
  assert.equal(second.status, 201);
  assert.match(second.json.warning, /overlaps/);
});

test('the overlap warning names a session that began hours before, and not one that just ended or was cancelled', async () => {
  const start = inDays(22, 13);
  const at = (hours) => new Date(start.getTime() + hours * 3600e3);
  const target = await createSession({ start });
  // Six hours, from five hours before the target's start: a long session overlaps from far back.
  const long = await createSession({ start: at(-5), body: { ends_at: iso(at(1)) + ':00Z' } });
  const adjacent = await createSession({ start: at(-3) }); // ends as the target begins
  const [early, next, changed] = await practitioners(3, 'overlap-edges');
  assert.equal((await early.api.post(`/api/v1/sessions/${long}/bookings`, {})).json.warning, undefined);
  assert.match((await early.api.post(`/api/v1/sessions/${target}/bookings`, {})).json.warning ?? '', /overlaps/);
  assert.equal((await next.api.post(`/api/v1/sessions/${adjacent}/bookings`, {})).json.warning, undefined);
  assert.equal((await next.api.post(`/api/v1/sessions/${target}/bookings`, {})).json.warning, undefined);
  const gone = await changed.api.post(`/api/v1/sessions/${long}/bookings`, {});
  assert.equal((await changed.api.delete(`/api/v1/bookings/${gone.json.id}`)).status, 200);
  assert.equal((await changed.api.post(`/api/v1/sessions/${target}/bookings`, {})).json.warning, undefined);
});

test('the web: a practitioner books, sees the booking and its calendar feed, and cancels', async () => {
  const id = await createSession();
  const web = new Client(stack.base);
  await web.login('practitioner@lantern.example', 'lantern-demo');
  const page = await web.get(`/sessions/${id}`);
  assert.equal(page.status, 200);
  const book = await web.postForm(`/sessions/${id}/book`, { csrf: web.csrfFrom(page.text) });
  assert.equal(book.status, 303);
  assert.match(book.headers.get('location'), new RegExp(`/sessions/${id}\\?done=booked`));
  const mine = await web.get('/bookings');
  assert.match(mine.text, new RegExp(`href="/sessions/${id}"`));
  // The whole address, on the configured one (nginx/run's default: where the stack listens).
  const [, feedBase, feedPath] = mine.text.match(/href="([^"]*)(\/calendar\/[^"]+\.ics)"/);
  assert.equal(feedBase, stack.base);
  // The feed needs no cookie, and names no course unless the person opts in.
  const feed = await fetch(stack.base + feedPath);
  assert.equal(feed.status, 200);
  assert.match(feed.headers.get('content-type'), /text\/calendar/);
  const ics = await feed.text();
  assert.match(ics, new RegExp(`UID:session-${id}@`));
  assert.match(ics, /SUMMARY:Training session/);
  assert.equal(feed.headers.get('set-cookie'), null);
  // A guessed or altered address finds nothing.
  assert.equal((await fetch(stack.base + feedPath.replace(/-[0-9a-f]{4}/, '-0000'))).status, 404);
  // Opting in shows course names; resetting the address revokes the old one.
  await web.postForm('/bookings/preferences', { csrf: web.csrfFrom(mine.text), show_course_names: '1' });
  assert.match(await (await fetch(stack.base + feedPath)).text(), /SUMMARY:Recognising and responding/);
  await web.postForm('/bookings/calendar/reset', { csrf: web.csrfFrom(mine.text) });
  assert.equal((await fetch(stack.base + feedPath)).status, 404);

  const bookingId = sql(`SELECT b.id FROM bookings b JOIN users u ON u.id = b.user_id WHERE u.email = 'practitioner@lantern.example' AND b.session_id = ${id}`);
  const cancel = await web.postForm(`/bookings/${bookingId}/cancel`, { csrf: web.csrfFrom(mine.text) });
  assert.equal(cancel.status, 303);
  assert.equal(sql(`SELECT status FROM bookings WHERE id = ${bookingId}`), 'cancelled');
});

test('training record lists attendance with refresher due dates', async () => {
  // A historic session an admin entered, with the practitioner marked as attended.
  // Long enough ago to be history, recent enough that a 24-month refresher is not yet near.
  const start = new Date(Date.now() - 60 * 86400e3);
  start.setUTCHours(10, 0, 0, 0);
  const day = start.toISOString().slice(0, 10);
  const due = new Date(start);
  due.setUTCMonth(due.getUTCMonth() + 24);
  const id = await createSession({ start });
  const [p] = await practitioners(1, 'record');
  const b = await admin.post(`/api/v1/sessions/${id}/bookings`, { email: p.email });
  assert.equal(b.status, 201);
  await markAttended(b.json.id);
  const record = await p.api.get('/api/v1/me/training');
  assert.equal(record.status, 200);
  assert.equal(record.json.length, 1);
  assert.equal(record.json[0].course, 'recognising-and-responding');
  assert.equal(record.json[0].date, day);
  assert.equal(record.json[0].refresher_due, due.toISOString().slice(0, 10)); // 24-month refresher
  assert.equal(record.json[0].refresher_status, 'current');
});

test('unused reserved places open to the waiting list when the reservation lapses', async () => {
  const now = Date.now() / 1000;
  const until = new Date((now + 3600) * 1000);
  const id = await createSession({
    body: { capacity: 2, reserved_sector: 'health', reserved_places: 1, reserved_until: until.toISOString().replace(/\.\d+Z$/, 'Z') },
  });
  const [first, second] = await practitioners(2, 'lapse', 1);
  assert.equal((await first.api.post(`/api/v1/sessions/${id}/bookings`, {})).json.status, 'booked');
  const waiting = await second.api.post(`/api/v1/sessions/${id}/bookings`, {});
  assert.equal(waiting.json.status, 'waitlisted');
  setClock(now + 3601);
  // The server's background duty runs every few seconds: wait for it (the bound only ends a failure).
  const status = () => sql(`SELECT status FROM bookings WHERE id = ${waiting.json.id}`);
  try {
    await waitUntil(() => status() !== 'waitlisted', 'the release duty');
  } finally {
    setClock(now);
  }
  assert.equal(status(), 'booked');
  assert.match(sql(`SELECT subject FROM outbox WHERE to_email = '${second.email}' ORDER BY id DESC LIMIT 1`), /^A place is now yours/);
  assert.equal(sql(`SELECT count(*) FROM bookings WHERE session_id = ${id} AND status = 'booked'`), '2');
});

test('a place freed by a lapsed reservation goes to the waiting list, not to a newcomer who books just after', async () => {
  // 2 places, 1 held for health until T: a police officer takes the open place, the next waits.
  const now = Date.now() / 1000;
  const until = Math.floor(now) + 3600;
  const id = await createSession({
    body: { capacity: 2, reserved_sector: 'health', reserved_places: 1, reserved_until: new Date(until * 1000).toISOString().replace(/\.\d+Z$/, 'Z') },
  });
  const [first, waiter, newcomer] = await practitioners(3, 'release', 1);
  assert.equal((await first.api.post(`/api/v1/sessions/${id}/bookings`, {})).json.status, 'booked');
  const waiting = await waiter.api.post(`/api/v1/sessions/${id}/bookings`, {});
  assert.equal(waiting.json.status, 'waitlisted');
  // T arrives and a newcomer books at once, before the server's 5-second duty has looked.
  setClock(until);
  let late;
  try {
    late = await newcomer.api.post(`/api/v1/sessions/${id}/bookings`, {});
  } finally {
    setClock(now);
  }
  assert.equal(late.status, 201, JSON.stringify(late.json));
  assert.equal(late.json.status, 'waitlisted', 'the released place went to the newcomer, past the waiting list');
  assert.equal(late.json.waitlist_position, 1);
  assert.equal(sql(`SELECT status FROM bookings WHERE id = ${waiting.json.id}`), 'booked');
  assert.match(sql(`SELECT subject FROM outbox WHERE to_email = '${waiter.email}' ORDER BY id DESC LIMIT 1`), /^A place is now yours/);
  assert.equal(sql(`SELECT count(*) FROM bookings WHERE session_id = ${id} AND status = 'booked'`), '2');
  // Released once: the server's duty has nothing left to do for it.
  assert.notEqual(sql(`SELECT reserve_released_at FROM sessions WHERE id = ${id}`), '');
  assert.match(sql(`SELECT group_concat(action) FROM audit_log WHERE entity = 'booking' AND entity_id = '${waiting.json.id}'`), /promote/);
});

test('held places are shown as left only to the sector they are held for', async () => {
  // 3 places, 2 held for health for a week; one police officer is booked.
  const start = inDays(41);
  const day = start.toISOString().slice(0, 10);
  const id = await createSession({
    start,
    body: { capacity: 3, reserved_sector: 'health', reserved_places: 2, reserved_until: iso(inDays(7)) + ':00Z' },
  });
  const [officer, other] = await practitioners(2, 'heldpolice', 1);
  const [nurse] = await practitioners(1, 'heldhealth', 2);
  assert.equal((await officer.api.post(`/api/v1/sessions/${id}/bookings`, {})).json.status, 'booked');

  const seen = async (who) => (await who.get(`/api/v1/sessions/${id}`)).json;
  assert.equal((await seen(other.api)).seats_left, 0);
  assert.equal((await seen(nurse.api)).seats_left, 2);
  const staff = await seen(admin);
  assert.equal(staff.seats_left, 0);
  assert.deepEqual({ places: staff.reserved.places, held: staff.reserved.held }, { places: 2, held: 2 });
  // The list, and its "places left" filter, say the same.
  const listed = async (who) => (await who.get(`/api/v1/sessions?from=${day}&to=${day}&seats=1`)).json.map((s) => s.id);
  assert.ok(!(await listed(other.api)).includes(id));
  assert.ok((await listed(nurse.api)).includes(id));
  const all = (await other.api.get(`/api/v1/sessions?from=${day}&to=${day}`)).json.find((s) => s.id === id);
  assert.equal(all.seats_left, 0);

  // The pages: the officer is offered the waiting list, the nurse a place.
  const officerWeb = new Client(stack.base);
  await officerWeb.login(other.email, 'correct-horse-battery');
  const nurseWeb = new Client(stack.base);
  await nurseWeb.login(nurse.email, 'correct-horse-battery');
  const officerPage = (await officerWeb.get(`/sessions/${id}`)).text;
  assert.match(officerPage, /Places left<\/dt>\s*<dd[^>]*>\s*0\s*</);
  assert.match(officerPage, /Join the waiting list/);
  const nursePage = (await nurseWeb.get(`/sessions/${id}`)).text;
  assert.match(nursePage, /Places left<\/dt>\s*<dd[^>]*>\s*2\s*</);
  assert.match(nursePage, /Book a place/);
  const row = (html) => html.match(new RegExp(`href="/sessions/${id}"[\\s\\S]*?</tr>`))?.[0] ?? '';
  assert.match(row((await officerWeb.get(`/sessions?from=${day}&to=${day}`)).text), /Full/);
  assert.match(row((await nurseWeb.get(`/sessions?from=${day}&to=${day}`)).text), /2 places left/);
  assert.doesNotMatch((await officerWeb.get(`/sessions?from=${day}&to=${day}&seats=1`)).text, new RegExp(`href="/sessions/${id}"`));

  // The nurse takes a held place; the other officer still waits, and one held place is left for health.
  const nurseBooking = await nurse.api.post(`/api/v1/sessions/${id}/bookings`, {});
  assert.equal(nurseBooking.json.status, 'booked');
  assert.equal((await other.api.post(`/api/v1/sessions/${id}/bookings`, {})).json.status, 'waitlisted');
  assert.equal((await seen(admin)).reserved.held, 1);
  const [colleague] = await practitioners(1, 'heldhealthtwo', 2);
  assert.equal((await seen(colleague.api)).seats_left, 1);

  // The nurse cancels: both places are held for health again.
  assert.equal((await nurse.api.delete(`/api/v1/bookings/${nurseBooking.json.id}`)).status, 200);
  assert.equal((await seen(admin)).reserved.held, 2);
  assert.equal((await seen(colleague.api)).seats_left, 2);
  // The places held for police instead: the police places already booked count against them.
  assert.equal((await admin.put(`/api/v1/sessions/${id}`, { reserved_sector: 'police' })).status, 200);
  const policeBooked = Number(sql(`SELECT count(*) FROM bookings WHERE session_id = ${id} AND status = 'booked' AND sector = 'police'`));
  assert.ok(policeBooked >= 1);
  const staffNow = await seen(admin);
  assert.equal(staffNow.reserved.sector, 'police');
  assert.equal(staffNow.reserved.held, Math.max(0, 2 - policeBooked));
});

test('admins see who is due or overdue a refresher, by organisation', async () => {
  const start = new Date(Date.now() - 700 * 86400e3); // about 23 months ago: a 24-month refresher is due soon
  start.setUTCHours(10, 0, 0, 0);
  const id = await createSession({ start });
  const [p] = await practitioners(1, 'due', 4);
  const b = await admin.post(`/api/v1/sessions/${id}/bookings`, { email: p.email });
  assert.equal(b.status, 201);
  await markAttended(b.json.id);
  const web = new Client(stack.base);
  await web.login('admin@lantern.example');
  const page = await web.get('/admin/training');
  assert.equal(page.status, 200);
  assert.match(page.text, /Thurrock Council Housing[\s\S]*Practitioner due0[\s\S]*Recognising and responding to domestic abuse[\s\S]*Due soon/);
});

// Last, after every booking, cancellation, promotion, release and change of reserve above.
test('every session\'s booked, waiting and reserved-booked counts, kept by triggers, match its bookings', () => {
  assert.ok(Number(sql('SELECT count(*) FROM sessions WHERE reserved_booked > 0')) > 0);
  assert.equal(wrongCounts(stack.dbPath), '0');
});
