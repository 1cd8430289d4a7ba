// Kept venues (issue 15): a session's venue is chosen from the venues used before, or added as a new
// one that is then kept. Migration 018 makes a kept venue of every venue sessions were already held
// at, without changing any session's own details. The API takes a venue id or a new venue, and
// GET /api/v1/venues lists them for those who create sessions.

import test, { after, before, describe } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { addUser, api, loggedIn, mailTo, onPostgres, ROOT, sqlite, startStack, tempDataDir, tokenFor } from './lib.mjs';
import { createDatabase, dropDatabase, psqlArgs } from './postgres.mjs';

const PASSWORD = 'lantern-test-password';
const DAY = 86400;

let stack;
let admin; // web, signed in
let adminApi;
let trainerApi;
let database; // on PostgreSQL, made here so that it starts at version 17

const sql = (q) => sqlite(stack.dbPath, q);
const venueCount = () => Number(sql('SELECT count(*) FROM venues'));

/** The schema version lantern keeps (on PostgreSQL in table schema_version: app/db_pg.c). */
const schemaVersion = (db) => sqlite(db, onPostgres ? 'SELECT version FROM schema_version' : 'PRAGMA user_version');

/** A database at schema version 17 (before the venues), from the migration files themselves, as
 * lantern applies them: each in one transaction with its version (on PostgreSQL app/sql/pg's, after
 * the SQLite functions of compat.sql). */
function databaseBeforeVenues(db) {
  const dir = path.join(ROOT, 'app', 'sql', ...(onPostgres ? ['pg'] : []));
  const scripts = fs.readdirSync(dir).filter((f) => /^\d{3}_.*\.sql$/.test(f) && Number(f.slice(0, 3)) < 18).sort();
  assert.ok(scripts.length >= 16, 'the migrations before 018 are there');
  const version = (n) => (onPostgres ? `UPDATE schema_version SET version = ${n};` : `PRAGMA user_version=${n};`);
  const text = (onPostgres ? `${fs.readFileSync(path.join(dir, 'compat.sql'), 'utf8')}\n` +
    'CREATE TABLE schema_version (version bigint NOT NULL); INSERT INTO schema_version VALUES (0);\n' : '') +
    scripts.map((f) => `BEGIN;\n${fs.readFileSync(path.join(dir, f), 'utf8')}\n${version(Number(f.slice(0, 3)))}\nCOMMIT;\n`).join('');
  if (onPostgres) execFileSync('psql', psqlArgs(db), { input: text, stdio: ['pipe', 'ignore', 'pipe'] });
  else execFileSync('sqlite3', [db], { input: text });
  assert.equal(schemaVersion(db), '17');
}

/** Sessions as version 17 kept them: venue details typed on each. */
function oldSessions(dbPath) {
  const now = Math.floor(Date.now() / 1000);
  const row = (start, name, address, postcode, access, area) => `('recognising-and-responding', ${start}, ` +
    `${start + 3 * 3600}, 10, '${name}', '${address}', '${postcode}', ${access ? `'${access}'` : 'NULL'}, '${area}', ${now})`;
  sqlite(dbPath, 'INSERT INTO sessions (course_id, starts_at, ends_at, capacity, venue_name, venue_address,' +
    ' venue_postcode, venue_access, area, created_at) VALUES ' + [
    row(now - 40 * DAY, ' civic suite ', '1 Example Sq, Southend', 'ss26aa', null, 'southend'),
    row(now - 20 * DAY, 'Civic Suite', '1 Example Square, Southend-on-Sea', 'SS2 6AA', 'Lift to all floors', 'southend'),
    row(now + 20 * DAY, 'Grays Community Hall', '7 Example Lane, Grays', 'RM17 6AA', null, 'thurrock'),
  ].join(', '));
}

/** A local "YYYY-MM-DDTHH:MM" days from now at 10:00 (a form's datetime-local). */
function localInput(days, hour = 10) {
  const d = new Date(Date.now() + days * DAY * 1000);
  const date = new Intl.DateTimeFormat('en-CA', { timeZone: 'Europe/London' }).format(d);
  return `${date}T${String(hour).padStart(2, '0')}:00`;
}

/** The fields of the "Add a session" form, minus the venue. */
function sessionForm(days, extra) {
  return { course: 'recognising-and-responding', starts_at: localInput(days), ends_at: localInput(days, 13),
    capacity: '12', trainers: 'trainer@test.example', venue_room: 'Room 2', ...extra };
}

const iso = (days, hour = 10) => new Date(Date.now() + days * DAY * 1000 + hour * 3600e3).toISOString().replace(/\.\d+Z$/, 'Z');

function apiSession(extra) {
  return { course: 'recognising-and-responding', starts_at: iso(30), ends_at: iso(30, 13), capacity: 10,
    trainers: ['trainer@test.example'], ...extra };
}

before(async () => {
  const dataDir = tempDataDir();
  database = onPostgres ? createDatabase() : undefined;
  const dbPath = database ?? path.join(dataDir, 'lantern.db');
  databaseBeforeVenues(dbPath);
  oldSessions(dbPath);
  stack = await startStack({ dataDir, database }); // nginx/run runs `lantern init`, which applies 018
  await addUser(stack, { email: 'admin@test.example', role: 'admin' });
  await addUser(stack, { email: 'trainer@test.example', role: 'trainer' });
  await addUser(stack, { email: 'analyst@test.example', role: 'analyst' });
  const settings = path.join(dataDir, 'settings.csv');
  fs.writeFileSync(settings, 'urn,name,phase,area,y7,y8,y9,y10,y11,y12,y13\n100001,Oak Academy,secondary,southend,,,180,,,,\n');
  assert.equal((await stack.cli(['schools', 'import', settings])).code, 0);
  await addUser(stack, { email: 'school@test.example', role: 'school', school: '100001' });
  admin = await loggedIn(stack, 'admin@test.example', PASSWORD);
  adminApi = api(stack.base, await tokenFor(stack, 'admin@test.example'));
  trainerApi = api(stack.base, await tokenFor(stack, 'trainer@test.example'));
});

after(async () => {
  if (stack) await stack.stop();
  if (database) dropDatabase(database);
});

describe('migration 018', () => {
  test('every venue sessions were held at is kept once, with its latest details', async () => {
    // Migrated to the newest migration there is, 018 and every one after it.
    const newest = Math.max(...fs.readdirSync(path.join(ROOT, 'app', 'sql')).filter((f) => /^\d{3}_\w+\.sql$/.test(f))
      .map((f) => Number(f.slice(0, 3))));
    assert.ok(newest >= 18);
    assert.equal(schemaVersion(stack.dbPath), String(newest));
    assert.equal(sql("SELECT group_concat(name || '|' || postcode || '|' || area || '|' || coalesce(access, '-'), ';')" +
      ' FROM (SELECT * FROM venues ORDER BY name) kept'),
    'Civic Suite|SS2 6AA|southend|Lift to all floors;Grays Community Hall|RM17 6AA|thurrock|-');
  });

  test('sessions keep their own details and point at their venue', async () => {
    assert.equal(sql('SELECT count(*) FROM sessions WHERE venue_id IS NULL'), '0');
    assert.equal(sql("SELECT group_concat('[' || venue_name || ']|' || venue_address || '|' || venue_postcode, ';') FROM" +
      ' (SELECT * FROM sessions ORDER BY id) held'),
    '[ civic suite ]|1 Example Sq, Southend|ss26aa;[Civic Suite]|1 Example Square, Southend-on-Sea|SS2 6AA;' +
      '[Grays Community Hall]|7 Example Lane, Grays|RM17 6AA');
    assert.equal(sql('SELECT count(DISTINCT venue_id) FROM sessions WHERE id IN (1, 2)'), '1');
    // The page of the oldest session still shows what its attendees were told.
    const page = await admin.get('/sessions/1');
    assert.equal(page.status, 200);
    assert.match(page.text, /1 Example Sq, Southend/);
  });
});

describe('choosing a venue on the session form', () => {
  test('the form offers the venues used before and a new venue, neither chosen yet', async () => {
    const page = await admin.get('/sessions/new');
    assert.equal(page.status, 200);
    assert.match(page.text, /<input class="govuk-radios__input" id="venue" name="venue" type="radio" value="saved" data-aria-controls="conditional-venue">/);
    assert.match(page.text, /id="venue-new" name="venue" type="radio" value="new" data-aria-controls="conditional-venue-new"/);
    assert.match(page.text, /<select class="govuk-select" id="venue_id" name="venue_id">/);
    const id = sql("SELECT id FROM venues WHERE name = 'Grays Community Hall'");
    assert.match(page.text, new RegExp(`<option value="${id}">Grays Community Hall, RM17 6AA</option>`));
    // The new venue's fields are in the page (without JavaScript they all show).
    assert.match(page.text, /id="conditional-venue-new"[^>]*>[\s\S]*name="venue_name"[\s\S]*name="venue_postcode"/);
    assert.doesNotMatch(page.text, /value="(saved|new)"[^>]* checked/);
  });

  test('a venue used before: the session takes its details and no venue is added', async () => {
    const before = venueCount();
    const id = sql("SELECT id FROM venues WHERE name = 'Civic Suite'");
    const res = await admin.submit('/sessions/new', sessionForm(14, { venue: 'saved', venue_id: id }), '/sessions/new');
    assert.equal(res.status, 303, res.text.slice(0, 1500));
    const sid = res.headers.get('location').match(/\/sessions\/(\d+)/)[1];
    assert.equal(sql(`SELECT venue_id || '|' || venue_name || '|' || venue_address || '|' || area || '|' || venue_room || '|' || venue_access FROM sessions WHERE id = ${sid}`),
      `${id}|Civic Suite|1 Example Square, Southend-on-Sea|southend|Room 2|Lift to all floors`);
    assert.equal(venueCount(), before);
  });

  test('a new venue is kept, and the next session can choose it', async () => {
    const before = venueCount();
    const res = await admin.submit('/sessions/new', sessionForm(15, { venue: 'new', venue_name: 'Maldon Town Hall',
      venue_address: 'Market Hill, Maldon', venue_postcode: 'CM9 4PZ', venue_access: 'Ramp at the side', area: 'maldon' }),
    '/sessions/new');
    assert.equal(res.status, 303, res.text.slice(0, 1500));
    assert.equal(venueCount(), before + 1);
    const id = sql("SELECT id FROM venues WHERE name = 'Maldon Town Hall'");
    assert.equal(sql(`SELECT address || '|' || postcode || '|' || access || '|' || area FROM venues WHERE id = ${id}`),
      'Market Hill, Maldon|CM9 4PZ|Ramp at the side|maldon');
    const page = await admin.get('/sessions/new');
    assert.match(page.text, new RegExp(`<option value="${id}">Maldon Town Hall, CM9 4PZ</option>`));
    // Typing the same venue again (another case, another spacing) is the same venue.
    const again = await admin.submit('/sessions/new', sessionForm(16, { venue: 'new', venue_name: 'maldon town hall',
      venue_address: 'Market Hill, Maldon', venue_postcode: 'cm94pz', area: 'maldon' }), '/sessions/new');
    assert.equal(again.status, 303);
    assert.equal(venueCount(), before + 1);
  });

  test('without the radio (no JavaScript, forgotten), the filled fields decide', async () => {
    const id = sql("SELECT id FROM venues WHERE name = 'Grays Community Hall'");
    const res = await admin.submit('/sessions/new', sessionForm(17, { venue_id: id }), '/sessions/new');
    assert.equal(res.status, 303, res.text.slice(0, 1500));
    const sid = res.headers.get('location').match(/\/sessions\/(\d+)/)[1];
    assert.equal(sql(`SELECT venue_id || '|' || area FROM sessions WHERE id = ${sid}`), `${id}|thurrock`);
  });

  test('a choice left unmade is named: the radio, or the venue in the list', async () => {
    let res = await admin.submit('/sessions/new', sessionForm(18, {}), '/sessions/new');
    assert.equal(res.status, 400);
    assert.match(res.text, /<a href="#venue">Choose a venue used before, or a new venue<\/a>/);
    assert.doesNotMatch(res.text, /Enter the venue&#39;s name/, 'one error for one missing choice');
    res = await admin.submit('/sessions/new', sessionForm(18, { venue: 'saved', venue_id: '' }), '/sessions/new');
    assert.equal(res.status, 400);
    assert.match(res.text, /<a href="#venue_id">Choose a venue from the list, or choose a new venue and enter its details<\/a>/);
    assert.match(res.text, /value="saved" data-aria-controls="conditional-venue" checked/, 'the choice made is kept');
    res = await admin.submit('/sessions/new', sessionForm(18, { venue: 'new', venue_name: 'Somewhere' }), '/sessions/new');
    assert.equal(res.status, 400);
    assert.match(res.text, /<a href="#venue_address">Enter the venue&#39;s address<\/a>/);
    assert.match(res.text, /value="Somewhere"/);
  });

  test('editing a session shows its venue chosen', async () => {
    const id = sql("SELECT id FROM venues WHERE name = 'Grays Community Hall'");
    const page = await admin.get('/sessions/3/edit');
    assert.equal(page.status, 200);
    assert.match(page.text, /value="saved" data-aria-controls="conditional-venue" checked/);
    assert.match(page.text, new RegExp(`<option value="${id}" selected>`));
    // A session whose own details differ from its kept venue's (migrated from older text) shows
    // them as typed, so saving does not change them unasked.
    const old = await admin.get('/sessions/1/edit');
    assert.match(old.text, /value="new" data-aria-controls="conditional-venue-new" checked/);
    assert.match(old.text, /1 Example Sq, Southend<\/textarea>/);
  });
});

describe('confirming a school\'s request', () => {
  const request = async () => {
    const school = api(stack.base, await tokenFor(stack, 'school@test.example'));
    const made = await school.post('/api/v1/session-requests', { course: 'risk-avert', module: 'healthy-relationships',
      year_group: 9, pupils_expected: 120, preferred_dates: 'May' });
    assert.equal(made.status, 201, made.text);
    return made.json.id;
  };

  test('suggests the school as a new venue, then, once kept, as a venue used before', async () => {
    const first = await request();
    let page = await admin.get(`/requests/${first}/confirm`);
    assert.equal(page.status, 200);
    assert.match(page.text, /value="new" data-aria-controls="conditional-venue-new" checked/);
    assert.match(page.text, /name="venue_name" type="text" value="Oak Academy"/);
    assert.doesNotMatch(page.text, /name="area"/, 'a pupil session is in the school\'s area');
    const res = await admin.submit(`/requests/${first}/confirm`, { starts_at: localInput(20), ends_at: localInput(20, 11),
      trainers: 'trainer@test.example', venue: 'new', venue_name: 'Oak Academy', venue_address: '1 Oak Lane, Southend',
      venue_postcode: 'SS1 2AA', venue_room: 'Hall' });
    assert.equal(res.status, 303, res.text.slice(0, 1500));
    const id = sql("SELECT id FROM venues WHERE name = 'Oak Academy'");
    assert.equal(sql(`SELECT area FROM venues WHERE id = ${id}`), 'southend');
    page = await admin.get(`/requests/${await request()}/confirm`);
    assert.match(page.text, /value="saved" data-aria-controls="conditional-venue" checked/);
    assert.match(page.text, new RegExp(`<option value="${id}" selected>Oak Academy, SS1 2AA</option>`));
  });
});

describe('the venues API', () => {
  test('GET /api/v1/venues lists the kept venues for those who create sessions', async () => {
    const res = await trainerApi.get('/api/v1/venues');
    assert.equal(res.status, 200);
    const grays = res.json.find((v) => v.name === 'Grays Community Hall');
    assert.ok(grays, JSON.stringify(res.json));
    assert.deepEqual(Object.keys(grays).sort(), ['access', 'address', 'area', 'id', 'name', 'postcode']);
    assert.equal(grays.area, 'thurrock');
    const analyst = api(stack.base, await tokenFor(stack, 'analyst@test.example'));
    assert.equal((await analyst.get('/api/v1/venues')).status, 403);
  });

  test('a session made with a venue id takes that venue', async () => {
    const grays = (await adminApi.get('/api/v1/venues')).json.find((v) => v.name === 'Grays Community Hall');
    let res = await trainerApi.post('/api/v1/sessions', apiSession({ venue_id: grays.id }));
    assert.equal(res.status, 201, res.text);
    assert.equal(res.json.venue.id, grays.id);
    assert.equal(res.json.venue.name, 'Grays Community Hall');
    assert.equal(res.json.venue.area, 'thurrock');
    res = await trainerApi.post('/api/v1/sessions', apiSession({ venue: { id: grays.id } }));
    assert.equal(res.status, 201, res.text);
    assert.equal(res.json.venue.postcode, 'RM17 6AA');
  });

  test('a session made with a new venue keeps it; an unknown venue id is named', async () => {
    const before = venueCount();
    let res = await adminApi.post('/api/v1/sessions', apiSession({ venue: { name: 'Harlow Playhouse',
      address: 'Playhouse Square, Harlow', postcode: 'CM20 1LS', area: 'harlow' } }));
    assert.equal(res.status, 201, res.text);
    assert.ok(res.json.venue.id > 0);
    assert.equal(venueCount(), before + 1);
    const listed = (await adminApi.get('/api/v1/venues')).json.find((v) => v.id === res.json.venue.id);
    assert.equal(listed.name, 'Harlow Playhouse');
    res = await adminApi.post('/api/v1/sessions', apiSession({ venue_id: 99999 }));
    assert.equal(res.status, 422);
    assert.equal(res.json.field, 'venue_id');
  });
});

describe('correcting a venue', () => {
  test('an admin corrects a venue: its sessions to come follow and their people are told; past sessions keep theirs', async () => {
    const org = await adminApi.post('/api/v1/organisations', { name: 'Rochford Housing', sector: 'housing', area: 'rochford' });
    assert.equal(org.status, 201, org.text);
    await addUser(stack, { email: 'pat@test.example', name: 'Pat Practitioner', role: 'practitioner', org: String(org.json.id) });
    const pat = api(stack.base, await tokenFor(stack, 'pat@test.example'));
    const place = { name: 'Rochford Library', address: 'Back Lane, Rochford', postcode: 'SS4 1AX', area: 'rochford' };
    const first = await adminApi.post('/api/v1/sessions', apiSession({ venue: place }));
    assert.equal(first.status, 201, first.text);
    const venueId = first.json.venue.id;
    // Another to come, with access notes of its own; and one that has been held there already.
    const own = await adminApi.post('/api/v1/sessions', apiSession({ starts_at: iso(40), ends_at: iso(40, 13),
      venue: { id: venueId, access: 'Use the side door for this one' } }));
    assert.equal(own.status, 201, own.text);
    const held = await adminApi.post('/api/v1/sessions', apiSession({ starts_at: iso(-10), ends_at: iso(-10, 13), venue_id: venueId }));
    assert.equal(held.status, 201, held.text);
    assert.equal((await pat.post(`/api/v1/sessions/${first.json.id}/bookings`, {})).status, 201);
    const mails = async () => mailTo(stack, 'pat@test.example');
    const before = (await mails()).length;

    // The list names it with its sessions to come; the form shows what it holds.
    const list = await admin.get('/admin/venues');
    assert.equal(list.status, 200);
    assert.match(list.text, new RegExp(`<a class="govuk-link" href="/admin/venues/${venueId}">Rochford Library</a></td>` +
      '<td[^>]*>Back Lane, Rochford, SS4 1AX</td><td[^>]*>2</td>'));
    const form = await admin.get(`/admin/venues/${venueId}`);
    assert.equal(form.status, 200);
    assert.match(form.text, /2 sessions to come are here/);
    assert.match(form.text, /name="postcode"[^>]*value="SS4 1AX"/);
    // A blank postcode is named, and nothing changes.
    const fields = { name: 'Rochford Library', address: 'Back Lane, Rochford', postcode: '', access: '', area: 'rochford' };
    const bad = await admin.submit(`/admin/venues/${venueId}`, fields);
    assert.equal(bad.status, 400);
    assert.match(bad.text, /<a href="#postcode">Enter the venue&#39;s postcode<\/a>/);
    assert.equal(sql(`SELECT postcode FROM venues WHERE id = ${venueId}`), 'SS4 1AX');

    // The right address: the venue and the two sessions to come take it; Pat is told.
    const saved = await admin.submit(`/admin/venues/${venueId}`, { ...fields, address: '3 Back Lane, Rochford', postcode: 'SS4 1AY' });
    assert.equal(saved.status, 303, saved.text.slice(0, 300));
    assert.equal(saved.headers.get('location'), '/admin/venues?done=2');
    assert.match((await admin.get('/admin/venues?done=2')).text, /2 sessions to come now have the new details/);
    const copies = () => sql(`SELECT group_concat(venue_address || '|' || venue_postcode || '|' || coalesce(venue_access, '-'), ';')` +
      ` FROM (SELECT * FROM sessions WHERE id IN (${first.json.id}, ${own.json.id}, ${held.json.id}) ORDER BY id) s`);
    assert.equal(copies(), '3 Back Lane, Rochford|SS4 1AY|-;3 Back Lane, Rochford|SS4 1AY|Use the side door for this one;' +
      'Back Lane, Rochford|SS4 1AX|-');
    const told = await mails();
    assert.equal(told.length, before + 1, told.map((m) => m.subject).join('; '));
    assert.match(told.at(-1).subject, /^Session changed: /);
    assert.match(told.at(-1).body, /moved to another place\.[\s\S]*3 Back Lane, Rochford SS4 1AY/);

    // Through the API: access notes for the venue reach the session that had none of its own, and
    // tell nobody (the place is the same).
    const put = await adminApi.put(`/api/v1/venues/${venueId}`, { access: 'Step-free from the car park' });
    assert.equal(put.status, 200, put.text);
    assert.equal(put.json.access, 'Step-free from the car park');
    assert.equal(put.json.postcode, 'SS4 1AY', 'what was not sent is kept');
    assert.equal(put.json.sessions_updated, 2);
    assert.equal(copies(), '3 Back Lane, Rochford|SS4 1AY|Step-free from the car park;' +
      '3 Back Lane, Rochford|SS4 1AY|Use the side door for this one;Back Lane, Rochford|SS4 1AX|-');
    assert.equal((await mails()).length, before + 1, 'nobody told of access notes');
    assert.equal((await trainerApi.get(`/api/v1/venues/${venueId}`)).json.access, 'Step-free from the car park');

    // Two venues cannot become one; roles; an unknown venue.
    const clash = await adminApi.put(`/api/v1/venues/${venueId}`, { name: 'grays community hall', postcode: 'rm17 6aa' });
    assert.equal(clash.status, 422);
    assert.equal(clash.json.field, 'name');
    assert.equal((await trainerApi.put(`/api/v1/venues/${venueId}`, { access: 'x' })).status, 403);
    const trainerWeb = await loggedIn(stack, 'trainer@test.example', PASSWORD);
    assert.equal((await trainerWeb.get('/admin/venues')).status, 403);
    assert.equal((await adminApi.get('/api/v1/venues/99999')).status, 404);
    assert.equal((await admin.get('/admin/venues/99999')).status, 404);
    assert.match(sql(`SELECT new_value FROM audit_log WHERE entity = 'venue' AND entity_id = '${venueId}' ORDER BY id DESC LIMIT 1`),
      /^Rochford Library, 3 Back Lane, Rochford SS4 1AY \(rochford\)$/);
  });
});
