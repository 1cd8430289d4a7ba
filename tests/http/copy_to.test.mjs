// Moving up from SQLite to PostgreSQL (`lantern copy-to`, app/copy_to.c). The demo, built on SQLite
// and copied while its stack runs into a new PostgreSQL database, serves every indicator (several
// periods and areas), both exports and the dashboard's figures the same from a stack on each; a booking
// made on PostgreSQL afterwards gets a fresh id. A target that holds data is refused and left as it
// was; a copy stopped midway by a row PostgreSQL refuses, or killed, leaves the target empty.
//
// It copies between the engines itself, so it runs once: in make test-http's SQLite pass, with
// PostgreSQL databases of its own (postgres.mjs starts a cluster when the run has none).

import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import path from 'node:path';
import {
  LANTERN, ROOT, addUser, api, loggedIn, onPostgres, runLantern, sqlite, sqliteJson, startStack, tempDataDir, tokenFor, waitUntil,
} from './lib.mjs';
import { createDatabase, psql } from './postgres.mjs';
import { periodsAt } from './periods.mjs';

const once = { skip: onPostgres && 'copies SQLite into PostgreSQL itself: runs in the SQLite pass' };

// The tables `lantern init` fills by itself (app/copy_to.c's FILLED_BY_INIT): a new database has rows
// there. Any other row is data.
const FILLED_BY_INIT = new Set(['areas', 'area_tree', 'sectors', 'session_span', 'data_versions', 'secrets', 'schema_version']);
const AREAS = ['greater-essex', 'essex', 'southend', 'thurrock', 'basildon', 'colchester', 'tendring'];
const YEAR_MS = 365 * 86400e3;

let sq; // the demo on SQLite
let pg; // a stack on the PostgreSQL copy
let target; // the copy's URI

/** Every table of the PostgreSQL database at `uri` with its row count: { name: n }. */
function rowCounts(uri) {
  const out = psql(uri, `SELECT c.relname, (xpath('/row/n/text()', query_to_xml(format('SELECT count(*) AS n FROM %I',
    c.relname), false, true, '')))[1]::text FROM pg_class c WHERE c.relkind = 'r'
    AND c.relnamespace = current_schema()::regnamespace ORDER BY 1`);
  return Object.fromEntries(out.split('\n').filter(Boolean).map((l) => l.split('|')).map(([t, n]) => [t, Number(n)]));
}

/** The tables of `uri` holding rows `lantern init` does not put there. */
function tablesWithData(uri) {
  return Object.entries(rowCounts(uri)).filter(([t, n]) => n > 0 && !FILLED_BY_INIT.has(t)).map(([t]) => t);
}

/** A copy of the demo's SQLite database (lantern backup: consistent while its stack runs), to change. */
async function demoCopy(name) {
  const file = path.join(tempDataDir(), name);
  const r = await runLantern(sq.dbPath, ['backup', file]);
  assert.equal(r.code, 0, r.stderr);
  return file;
}

before(async () => {
  if (onPostgres) return;
  sq = await startStack({ demo: true });
  target = createDatabase();
  // Copied while the SQLite stack runs (its background duties write as they please).
  const r = await runLantern(sq.dbPath, ['copy-to', target]);
  assert.equal(r.code, 0, r.stderr);
  pg = await startStack({ database: target });
});

after(async () => {
  await pg?.stop();
  await sq?.stop();
});

test('copy-to migrates the target and copies every row of every table in foreign-key order, saying so', once, async () => {
  // A still copy of the demo, with a value holding everything COPY's text format escapes.
  const still = await demoCopy('still.db');
  sqlite(still, `INSERT INTO audit_log (at, entity, entity_id, action, new_value) VALUES (1, 'test', 'x', 'escapes',
    'tab' || char(9) || 'backslash \\ and \\N, cr' || char(13) || 'lf' || char(10) || 'café ✓')`);
  // And a real that 15 digits would not give back (SQLite prints 0.3).
  sqlite(still, "UPDATE indicator_targets SET value = 0.1 + 0.2 WHERE indicator = 'O1.1' AND kind = 'baseline'");
  const into = createDatabase();
  const r = await runLantern(still, ['copy-to', into]);
  assert.equal(r.code, 0, r.stderr);
  assert.equal(psql(into, 'SELECT version FROM schema_version'), sqlite(still, 'PRAGMA user_version'));
  const tables = r.stderr.split('\n').map((l) => l.match(/copy-to: \[(\d+)\/(\d+)\] (\w+): (\d+) rows?$/)).filter(Boolean);
  const names = sqlite(still, "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite%' ORDER BY name").split('\n');
  assert.deepEqual(tables.map((m) => m[3]).sort(), names, `a line for every table:\n${r.stderr}`);
  assert.deepEqual(tables.map((m) => Number(m[1])), names.map((_, i) => i + 1), 'numbered in order');
  assert.ok(tables.every((m) => Number(m[2]) === names.length));
  assert.match(r.stderr, /copy-to: copied \d+ rows of \d+ tables in [\d.]+ s/);
  // The planner has statistics for every copied table at once, not when autovacuum comes round.
  assert.equal(psql(into, `SELECT string_agg(relname, ',' ORDER BY relname) FROM pg_stat_user_tables
    WHERE last_analyze IS NULL AND last_autoanalyze IS NULL`), '', 'every table analysed');
  // Foreign-key order: every table after the tables it refers to.
  const position = Object.fromEntries(tables.map((m, i) => [m[3], i]));
  const refs = psql(into, `SELECT c.relname, f.relname FROM pg_constraint k JOIN pg_class c ON c.oid = k.conrelid
    JOIN pg_class f ON f.oid = k.confrelid WHERE k.contype = 'f' AND c.relname <> f.relname`).split('\n');
  assert.ok(refs.length > 20);
  for (const [table, refersTo] of refs.map((l) => l.split('|'))) {
    assert.ok(position[refersTo] < position[table], `${refersTo} before ${table}`);
  }
  // Every row: each table as many as SQLite has, and as many as copy-to said.
  const counts = rowCounts(into);
  for (const m of tables) {
    const table = m[3];
    assert.equal(counts[table], Number(sqlite(still, `SELECT count(*) FROM ${table}`)), `${table}: every row`);
    assert.equal(counts[table], Number(m[4]), `${table}: the rows copy-to reported`);
  }
  assert.ok(counts.bookings > 50 && counts.sessions > 10, 'the demo has data to compare');
  // Text arrives as it was: e-mails of many lines, and every character COPY escapes.
  for (const query of ['SELECT id, to_email, subject, body FROM outbox ORDER BY id',
    "SELECT new_value FROM audit_log WHERE action = 'escapes'"]) {
    assert.deepEqual(sqliteJson(into, query), sqliteJson(still, query), query);
  }
  assert.match(sqliteJson(into, "SELECT new_value FROM audit_log WHERE action = 'escapes'")[0].new_value, /\t.*\\N.*\r.*\n.*✓/s);
  const exact = "SELECT count(*) FROM indicator_targets WHERE indicator = 'O1.1' AND kind = 'baseline' AND value = 0.1 + 0.2";
  assert.equal(sqlite(still, exact), '1');
  assert.equal(psql(into, exact.replace('0.1 + 0.2', '0.1::float8 + 0.2::float8')), '1', 'a real arrives with every digit');
});

test('every indicator, both exports and the dashboard are the same from the copy', once, async () => {
  const token = async (stack) => api(stack.base, await tokenFor(stack, 'analyst@lantern.example'));
  const [a, b] = [await token(sq), await token(pg)];
  const now = Date.now();
  const periods = new Set();
  for (const at of [now, now - YEAR_MS]) for (const p of Object.values(periodsAt(at))) periods.add(p);
  let figures = 0;
  for (const period of periods) {
    for (const area of AREAS) {
      const q = `/api/v1/indicators?period=${period}&area=${area}`;
      const [x, y] = await Promise.all([a.get(q), b.get(q)]);
      assert.equal(x.status, 200, `${q}: ${x.text}`);
      assert.equal(y.status, 200, `${q} on PostgreSQL: ${y.text}`);
      assert.deepEqual(y.json, x.json, q);
      figures += x.json.filter((r) => typeof r.value === 'number' && r.value > 0).length;
    }
  }
  assert.ok(figures > 100, `the comparison has figures to compare (${figures} above zero)`);
  const fy = periodsAt(now).fy;
  for (const format of ['csv', 'adx']) {
    for (const area of ['greater-essex', 'basildon']) {
      const q = `/api/v1/indicators?period=${fy}&area=${area}&format=${format}&breakdown=1`;
      const [x, y] = await Promise.all([a.get(q), b.get(q)]);
      assert.equal(x.status, 200, `${q}: ${x.text}`);
      assert.equal(y.text, x.text, q);
      assert.match(x.text, format === 'csv' ? /O1\.4/ : /dataElement="O1\.4"/);
    }
  }
  // The dashboard page and its export, as the analyst sees them (the forms' CSRF tokens aside).
  const [wa, wb] = [await loggedIn(sq, 'analyst@lantern.example'), await loggedIn(pg, 'analyst@lantern.example')];
  const page = (text) => text.replace(/name="csrf" value="[^"]*"/g, 'name="csrf"');
  for (const q of [`/indicators?period=${fy}&area=greater-essex`, `/indicators?period=${periodsAt(now - YEAR_MS).fy}&area=essex`,
    `/indicators/export?period=${fy}&area=greater-essex&format=csv`]) {
    const [x, y] = [await wa.get(q), await wb.get(q)];
    assert.equal(x.status, 200, q);
    assert.match(x.text, /Practitioners trained/, `${q} shows the figures`);
    assert.equal(page(y.text), page(x.text), q);
  }
});

test('a booking made on PostgreSQL after the copy gets a fresh id', once, async () => {
  const top = Number(psql(target, 'SELECT max(id) FROM bookings'));
  const org = Number(psql(target, 'SELECT min(id) FROM organisations'));
  const people = Number(psql(target, 'SELECT max(id) FROM users'));
  const person = await addUser(pg, { email: 'moved-up@example.org', role: 'practitioner', org });
  assert.match(person.stdout, new RegExp(`^added user ${people + 1} `), 'a new person follows the copied ones too');
  const me = api(pg.base, await tokenFor(pg, person.email));
  const day = (ms) => new Date(ms).toISOString().slice(0, 10);
  const list = await me.get(`/api/v1/sessions?from=${day(Date.now())}&to=${day(Date.now() + 90 * 86400e3)}&limit=1000`);
  assert.equal(list.status, 200, list.text);
  let booked;
  for (const s of list.json) {
    const r = await me.post(`/api/v1/sessions/${s.id}/bookings`, {});
    if (r.status === 201) {
      booked = r.json;
      break;
    }
    assert.ok(r.status < 500, `booking session ${s.id}: ${r.status} ${r.text}`);
  }
  assert.ok(booked, 'a session to book');
  assert.equal(booked.id, top + 1, 'the first new booking follows the copied ones');
  assert.equal(psql(target, `SELECT count(*) FROM bookings WHERE id = ${booked.id}`), '1');
});

test('a copy taken while the server takes scans is one snapshot, and the server goes on writing', once, async () => {
  // After the comparisons above: these scans are the SQLite stack's alone.
  const code = sqlite(sq.dbPath, 'SELECT code FROM placements ORDER BY id LIMIT 1');
  const scans = () => Number(sqlite(sq.dbPath, 'SELECT count(*) FROM scans'));
  const before = scans();
  let stop = false;
  const refused = [];
  const stream = (async () => {
    while (!stop) {
      const res = await fetch(`${sq.base}/c/${code}`, { redirect: 'manual' });
      await res.arrayBuffer();
      if (res.status >= 400) refused.push(res.status);
    }
  })();
  await waitUntil(() => scans() > before, 'the first scans to be written');
  const into = createDatabase();
  const r = await runLantern(sq.dbPath, ['copy-to', into]);
  const copied = Number(psql(into, 'SELECT count(*) FROM scans'));
  await waitUntil(() => scans() > copied + 10, 'scans after the copy');
  stop = true;
  await stream;
  assert.equal(r.code, 0, r.stderr);
  assert.deepEqual(refused, [], 'every scan answered while the copy ran');
  assert.ok(copied > before, 'the copy holds scans made before it began');
  // One snapshot: the daily totals the triggers keep agree with the rows they count (a table read
  // later than another would hold scans the other lacks).
  const local = "SET TimeZone = 'Europe/London'; ";
  assert.equal(psql(into, `${local}SELECT area, day, n FROM scan_daily WHERE n > 0 ORDER BY 1, 2`),
    psql(into, `${local}SELECT p.area, date(c.scanned_at, 'unixepoch', 'localtime'), count(*) FROM scans c
      JOIN placements p ON p.id = c.placement_id GROUP BY 1, 2 ORDER BY 1, 2`));
});

test('a target that already holds data is refused and left as it was', once, async () => {
  const busy = createDatabase();
  const cli = (args, opts) => runLantern(busy, args, opts);
  assert.equal((await cli(['init'])).code, 0);
  await addUser({ cli }, { email: 'first@example.org', role: 'admin' });
  const before = { counts: rowCounts(busy), users: psql(busy, 'SELECT id, email FROM users'), secrets: psql(busy, 'SELECT * FROM secrets') };
  const r = await runLantern(sq.dbPath, ['copy-to', busy]);
  assert.equal(r.code, 1, r.stderr);
  assert.match(r.stderr, /the target already holds data \(table \w+ has rows\)/);
  assert.deepEqual({ counts: rowCounts(busy), users: psql(busy, 'SELECT id, email FROM users'), secrets: psql(busy, 'SELECT * FROM secrets') }, before);
  // A database `lantern init` made, and nothing more, is a new one: copied into.
  const fresh = createDatabase();
  assert.equal((await runLantern(fresh, ['init'])).code, 0);
  const ok = await runLantern(sq.dbPath, ['copy-to', fresh]);
  assert.equal(ok.code, 0, ok.stderr);
  assert.equal(psql(fresh, 'SELECT value FROM secrets'), sqlite(sq.dbPath, 'SELECT value FROM secrets'), 'the server key is the source\'s');
});

test('a copy stopped midway by a row PostgreSQL refuses leaves the target empty', once, async () => {
  const bad = await demoCopy('bad.db');
  // Text where PostgreSQL keeps an integer: SQLite stores it, PostgreSQL's COPY refuses it. In the
  // evaluations, which come late in the order, so the tables before them are copied first.
  sqlite(bad, "UPDATE evaluations SET submitted_at = 'next tuesday' WHERE id = (SELECT max(id) FROM evaluations)");
  const into = createDatabase();
  const r = await runLantern(bad, ['copy-to', into]);
  assert.equal(r.code, 1, r.stderr);
  assert.match(r.stderr, /\] bookings: \d+ rows\n/, 'tables before it were copied');
  assert.match(r.stderr, /\] evaluations: the copy stopped here/);
  assert.match(r.stderr, /COPY evaluations, line \d+, column submitted_at/, 'the table, line and column are named');
  assert.doesNotMatch(r.stderr, /next tuesday/, 'the value is not');
  assert.match(r.stderr, /nothing was copied/);
  assert.deepEqual(tablesWithData(into), []);
});

test('a copy killed midway leaves the target empty', once, async () => {
  // The demo and 300,000 audit entries: a table long enough to be caught in the middle of.
  const big = await demoCopy('big.db');
  sqlite(big, `WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 300000)
    INSERT INTO audit_log (at, entity, entity_id, action) SELECT 1700000000 + i, 'filler', i, 'test' FROM n`);
  const into = createDatabase();
  const child = spawn(LANTERN, ['--db', big, 'copy-to', into], { cwd: ROOT, stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  const exited = new Promise((resolve) => child.on('exit', (code, signal) => resolve(signal ?? code)));
  child.stderr.setEncoding('utf8').on('data', (d) => {
    stderr += d;
    if (/audit_log: 100000 of \d+ rows/.test(stderr)) child.kill('SIGKILL');
  });
  assert.equal(await exited, 'SIGKILL', `killed in the middle of audit_log:\n${stderr}`);
  // PostgreSQL rolls the transaction back once it sees the connection gone.
  await waitUntil(() => psql(into, `SELECT count(*) FROM pg_stat_activity WHERE application_name = 'lantern ${child.pid}'`) === '0',
    'the killed copy\'s connection to end');
  assert.deepEqual(tablesWithData(into), []);
});
