// Externally sourced figures (spec §8: entered per period and area by analysts, with their source and
// note): the audit trail keeps each version whole and exact, a correction keeps the note unless it
// brings a new one or removes it, and the CSV and ADX exports carry the source and note.
import test, { before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startStack, api, tokenFor, sqlite, addUser, loggedIn } from './lib.mjs';
import { londonTimeText } from './periods.mjs';

const FY = 'FY2025-26';
// SQLite's quote(), which says NULL apart from text, in SQL both engines take.
const quoted = (col) => `coalesce('''' || replace(${col}, '''', '''''') || '''', 'NULL')`;
let stack, analyst;

before(async () => {
  stack = await startStack();
  await addUser(stack, { email: 'analyst@lantern.example', name: 'The analyst', role: 'analyst', password: 'lantern-demo' });
  analyst = api(stack.base, await tokenFor(stack, 'analyst@lantern.example'));
});
after(async () => { await stack?.stop(); });

// The audit rows of one figure, oldest first, with their before and after parsed.
const audits = (id) => sqlite(stack.dbPath, `SELECT action, coalesce(old_value, 'null'), new_value FROM audit_log`
  + ` WHERE entity = 'external-figure' AND entity_id = '${id}' ORDER BY id`).split('\n').filter(Boolean).map((line) => {
  const [action, ...rest] = line.split('|');
  const text = rest.join('|'); // the JSON of both, which may hold '|'
  const split = text.indexOf('}|{') >= 0 ? text.indexOf('}|{') + 1 : text.indexOf('|');
  return { action, oldText: text.slice(0, split), newText: text.slice(split + 1) };
});

test('each version of a figure is in the audit trail whole and exact; a correction keeps the note unless told', async () => {
  const url = `/api/v1/figures/O1.7/${FY}/essex`;
  const first = await analyst.put(url, { value: 1234567, source: 'Essex Police', note: 'Provisional' });
  assert.equal(first.status, 200, JSON.stringify(first.json));
  assert.deepEqual([first.json.value, first.json.source, first.json.note], [1234567, 'Essex Police', 'Provisional']);

  // A correction with no note: the value and source change, the note stays.
  const second = await analyst.put(url, { value: 12.345678, source: 'Essex Police, revised' });
  assert.equal(second.status, 200, JSON.stringify(second.json));
  assert.deepEqual([second.json.value, second.json.source, second.json.note], [12.345678, 'Essex Police, revised', 'Provisional']);

  // Saying so removes it; a value of 17 significant digits survives the trip.
  const third = await analyst.put(url, { value: 0.30000000000000004, source: 'Essex Police, revised', note: null });
  assert.equal(third.status, 200, JSON.stringify(third.json));
  assert.equal(third.json.note, null);
  // (The API answers with 15 significant digits; what is kept is the number sent.)
  assert.equal(sqlite(stack.dbPath, `SELECT CAST(value = 0.30000000000000004 AS INTEGER) FROM external_figures WHERE indicator = 'O1.7'`), '1');
  assert.equal(sqlite(stack.dbPath, `SELECT ${quoted('note')} FROM external_figures WHERE indicator = 'O1.7'`), 'NULL');

  const rows = audits(`O1.7/${FY}/essex`);
  assert.deepEqual(rows.map((r) => r.action), ['create', 'update', 'update']);
  // Exact numbers in the fewest digits: never 1.23457e+06 or 12.3457.
  assert.match(rows[0].newText, /"value": 1234567,/);
  assert.match(rows[1].newText, /"value": 12.345678,/);
  assert.match(rows[2].newText, /"value": 0.30000000000000004,/);
  const parsed = rows.map((r) => [JSON.parse(r.oldText), JSON.parse(r.newText)]);
  assert.deepEqual(parsed[0], [null, { value: 1234567, source: 'Essex Police', note: 'Provisional' }]);
  assert.deepEqual(parsed[1], [{ value: 1234567, source: 'Essex Police', note: 'Provisional' },
    { value: 12.345678, source: 'Essex Police, revised', note: 'Provisional' }]);
  assert.deepEqual(parsed[2], [{ value: 12.345678, source: 'Essex Police, revised', note: 'Provisional' },
    { value: 0.30000000000000004, source: 'Essex Police, revised', note: null }]);

  // A note that is not text is refused, and the error says how to keep or remove one.
  const bad = await analyst.put(url, { value: 3, source: 'Essex Police', note: 5 });
  assert.equal(bad.status, 422);
  assert.equal(bad.json.field, 'note');
  assert.match(bad.json.error, /Leave it out to keep the note/);
  assert.equal(audits(`O1.7/${FY}/essex`).length, 3);
});

test('the CSV and ADX exports carry the exact value, the source and the note', async () => {
  await analyst.put(`/api/v1/figures/O5.8/${FY}/southend`, { value: 1234567.123456, source: 'Community safety, "annual" return', note: 'Excludes, for now, March' });
  const csv = await analyst.get(`/api/v1/indicators?period=${FY}&area=southend&format=csv`);
  assert.equal(csv.status, 200);
  const lines = csv.text.trim().split('\r\n');
  const header = lines[0].split(',');
  assert.deepEqual(header.slice(-2), ['source', 'note']);
  const row = lines.find((l) => l.startsWith('O5.8,'));
  const cells = row.match(/("([^"]|"")*"|[^,]*)(,|$)/g).map((c) => c.replace(/,$/, '').replace(/^"|"$/g, '').replace(/""/g, '"'));
  assert.equal(cells[header.indexOf('value')], '1234567.123456');
  assert.equal(cells[header.indexOf('source')], 'Community safety, "annual" return');
  assert.equal(cells[header.indexOf('note')], 'Excludes, for now, March');
  // A figure of lantern's own has no source or note.
  const o51 = lines.find((l) => l.startsWith('O5.1,'));
  assert.match(o51, /,,$/);

  const adx = await analyst.get(`/api/v1/indicators?period=${FY}&area=southend&format=adx`);
  assert.equal(adx.status, 200);
  assert.match(adx.text, /<dataValue dataElement="O5.8" value="1234567.123456">\s*<annotation>Source: Community safety, &quot;annual&quot; return\. Note: Excludes, for now, March<\/annotation>\s*<\/dataValue>/);
  // The command line writes the same.
  const cli = await stack.cli(['indicators', '--period', FY, '--area', 'southend', '--format', 'csv']);
  assert.equal(cli.code, 0, cli.stderr);
  assert.equal(cli.stdout, csv.text);
});

test('the web form keeps the note when it is left blank, removes it when asked, and lists exact values', async () => {
  const web = await loggedIn(stack, 'analyst@lantern.example');
  const form = await web.get('/indicators/figures');
  const csrf = web.csrfFrom(form.text);
  const post = (fields) => web.postForm('/indicators/figures', { csrf, indicator: 'O1.6', period: FY, area: 'essex', source: 'Essex Police', ...fields });
  const note = () => sqlite(stack.dbPath, `SELECT ${quoted('note')} FROM external_figures WHERE indicator = 'O1.6' AND area = 'essex'`);
  assert.equal((await post({ value: '2500000', note: 'First count' })).status, 303);
  assert.equal((await post({ value: '2500001', note: '' })).status, 303);
  assert.equal(note(), "'First count'");
  const both = await post({ value: '2500002', note: 'Another', remove_note: '1' });
  assert.equal(both.status, 400);
  assert.match(both.text, /href="#note"/);
  assert.equal((await post({ value: '2500003', note: '', remove_note: '1' })).status, 303);
  assert.equal(note(), 'NULL');
  const rows = audits(`O1.6/${FY}/essex`).map((r) => JSON.parse(r.newText));
  assert.deepEqual(rows.map((r) => [r.value, r.note]), [[2500000, 'First count'], [2500001, 'First count'], [2500003, null]]);
  // The list of figures entered shows them exactly.
  const list = (await web.get('/indicators/figures')).text;
  assert.match(list, />2500003</);
  assert.doesNotMatch(list, /e\+0/);
});

test('who entered a figure and when: on the record, and on the dashboard and drill-down with its source and note', async () => {
  const id = `O5.8/${FY}/thurrock`;
  const from = Math.floor(Date.now() / 1000);
  const put = await analyst.put(`/api/v1/figures/${id}`, { value: 42, source: 'Thurrock community safety', note: 'Fourth quarter only' });
  const to = Math.ceil(Date.now() / 1000);
  assert.equal(put.status, 200, JSON.stringify(put.json));
  // The audit row and the figure name the analyst and the moment of the change.
  const [at, who, enteredAt, enteredBy] = sqlite(stack.dbPath, `SELECT a.at, u.email, f.entered_at, e.email FROM audit_log a
    JOIN users u ON u.id = a.actor_id JOIN external_figures f ON f.indicator = 'O5.8' AND f.area = 'thurrock'
    JOIN users e ON e.id = f.entered_by WHERE a.entity = 'external-figure' AND a.entity_id = '${id}'`).split('|');
  assert.equal(who, 'analyst@lantern.example');
  assert.equal(enteredBy, who);
  assert.ok(Number(at) >= from && Number(at) <= to, `recorded at ${at}, changed between ${from} and ${to}`);
  assert.equal(enteredAt, at);

  const web = await loggedIn(stack, 'analyst@lantern.example');
  const dash = await web.get(`/indicators?period=${FY}&area=thurrock`);
  assert.match(dash.text, /<section[^>]*id="O5\.8"[\s\S]*?Source<\/dt>\s*<dd[^>]*>Thurrock community safety\. Fourth quarter only</);
  const drill = await web.get(`/indicators/O5.8?period=${FY}&area=thurrock`);
  assert.equal(drill.status, 200);
  // The records counted: the figure itself, in the table headed Figure, Source, Note, Entered by, When.
  const row = drill.text.split('>Entered by</th>')[1]?.match(/<tbody[^>]*>\s*(<tr[\s\S]*?<\/tr>)/)?.[1] ?? '';
  const cells = [...row.matchAll(/<td[^>]*>([\s\S]*?)<\/td>/g)].map((c) => c[1].trim());
  assert.deepEqual(cells, ['42', 'Thurrock community safety', 'Fourth quarter only', 'The analyst', londonTimeText(Number(at))]);
});
