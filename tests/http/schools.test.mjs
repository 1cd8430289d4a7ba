// Risk Avert (issue 5) through the real stack: settings imported from CSV (command line and upload
// page), deliveries and coverage figures on a known data set, and the anonymous pupil survey with
// its suppression rule, its no-cookie pupil page and its QR code.

import test, { after, before, describe } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { addUser, answerSurvey, api, Client, csrfFrom, loggedIn, sqlite, startStack, tokenFor } from './lib.mjs';

const PASSWORD = 'lantern-test-password';
const HEADER = 'urn,name,phase,area,y7,y8,y9,y10,y11,y12,y13';

let stack;
let n = 0;

/** Runs SQL against the stack's database (lib.mjs's sqlite: either engine). */
function sql(query) {
  return sqlite(stack.dbPath, query);
}

const settingsCount = () => Number(sql('SELECT count(*) FROM settings'));

/** Writes text to a new file in the stack's data directory; returns its path. */
function csvFile(text) {
  const file = path.join(stack.dataDir, `import-${++n}.csv`);
  fs.writeFileSync(file, text);
  return file;
}

const importCsv = (text) => stack.cli(['schools', 'import', csvFile(text)]);

/** Today's date in London, YYYY-MM-DD. */
function londonDate(offsetDays = 0) {
  const d = new Date(Date.now() + offsetDays * 86400_000);
  return new Intl.DateTimeFormat('en-CA', { timeZone: 'Europe/London' }).format(d);
}

before(async () => {
  stack = await startStack();
  const r = await importCsv(`${HEADER}\n` +
    '100001,Oak Academy,secondary,southend,180,182,175,170,168,,\n' +
    '100002,Elm School,secondary,basildon,100,100,100,100,100,,\n' +
    '100009,Birch Sixth Form,sixth-form,thurrock,,,,,,300,280\n');
  assert.equal(r.code, 0, r.stderr);
  await addUser(stack, { email: 'admin@test.example', role: 'admin' });
  await addUser(stack, { email: 'trainer@test.example', role: 'trainer' });
  await addUser(stack, { email: 'trainer2@test.example', role: 'trainer' });
  await addUser(stack, { email: 'analyst@test.example', role: 'analyst' });
  await addUser(stack, { email: 'school@test.example', role: 'school', school: '100001' });
  await addUser(stack, { email: 'elm@test.example', role: 'school', school: '100002' });
});

after(async () => {
  if (stack) await stack.stop();
});

describe('settings from CSV on the command line', () => {
  test('a good file: byte-order mark, CRLF, quoted fields with commas and "" escapes, blank rolls', async () => {
    const text = `\uFEFF${HEADER}\r\n` +
      '200001,"Oak Academy, Southend",secondary,southend,180,182,175,170,168,,\r\n' +
      '200002,"The ""New"" School",all-through,basildon,150,,152,140,138,90,85\r\n' +
      ' 200003 , Harbour College ,fe-college,thurrock,,,,,,,\r\n' +
      ',,,,,,,,,,\r\n'; // spreadsheets leave rows of empty cells at the end
    const r = await importCsv(text);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /3 settings, 3 added, 0 updated/);
    assert.equal(sql("SELECT name FROM settings WHERE urn = '200001'"), 'Oak Academy, Southend');
    assert.equal(sql("SELECT name FROM settings WHERE urn = '200002'"), 'The "New" School');
    assert.equal(sql("SELECT CAST(y8 IS NULL AS INTEGER), y9, y13 FROM settings WHERE urn = '200002'"), '1|152|85');
    assert.equal(sql("SELECT name, phase, area, CAST(y7 IS NULL AS INTEGER) FROM settings WHERE urn = '200003'"),
      'Harbour College|fe-college|thurrock|1');
  });

  test('re-importing updates settings by URN', async () => {
    const r = await importCsv(`${HEADER}\n` +
      '200003,Harbour College of FE,fe-college,thurrock,,,,,,400,\n' +
      '200004,New Special School,special,harlow,10,10,10,10,10,5,5\n');
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /2 settings, 1 added, 1 updated/);
    assert.equal(sql("SELECT name, y12 FROM settings WHERE urn = '200003'"), 'Harbour College of FE|400');
  });

  const badRows = [
    ['a URN that is not 6 digits', '12345,X,secondary,southend,,,,,,,', /line 3: URN "12345" is not 6 digits/],
    ['a URN with a letter', '12345A,X,secondary,southend,,,,,,,', /line 3: URN "12345A" is not 6 digits/],
    ['an unknown phase', '300002,X,primary,southend,,,,,,,', /line 3: Phase "primary" is not one of secondary/],
    ['an unknown area', '300003,X,secondary,atlantis,,,,,,,', /line 3: Area "atlantis" is not one of lantern's areas/],
    ['an area that is not a leaf', '300004,X,secondary,essex,,,,,,,', /line 3: Area "essex" covers several areas: use one of basildon, /],
    ['a duplicate URN', '300001,Again,secondary,southend,,,,,,,', /line 3: URN 300001 is also on line 2/],
    ['a negative roll', '300005,X,secondary,southend,1,-5,,,,,', /line 3: Year 8 roll "-5" is negative/],
    ['a roll that is not a number', '300006,X,secondary,southend,1,2,lots,,,,', /line 3: Year 9 roll "lots" is not a whole number/],
    ['a roll with a decimal point', '300007,X,secondary,southend,1.5,,,,,,', /line 3: Year 7 roll "1.5" is not a whole number/],
    ['too few columns', '300008,X,secondary,southend,,,,,,', /line 3: it has 10 fields; every row needs 11/],
    ['too many columns', '300009,X,secondary,southend,,,,,,,,', /line 3: it has 12 fields; every row needs 11/],
    ['a blank name', '300010,,secondary,southend,,,,,,,', /line 3: Enter the setting's name/],
    ['a malformed quote', '300011,"X"y,secondary,southend,,,,,,,', /line 3: the CSV is malformed: there is text after a closing quote/],
  ];
  for (const [what, row, want] of badRows) {
    test(`a file with ${what} is refused, naming the line, and writes nothing`, async () => {
      const before = settingsCount();
      const r = await importCsv(`${HEADER}\n300001,Good,secondary,southend,,,,,,,\n${row}\n`);
      assert.equal(r.code, 1, r.stdout);
      assert.match(r.stderr, want);
      assert.match(r.stderr, /not imported: 1 row with problems; nothing was changed/);
      assert.equal(settingsCount(), before);
      assert.equal(sql("SELECT count(*) FROM settings WHERE urn = '300001'"), '0');
    });
  }

  test('a wrong header or an empty file is refused', async () => {
    let r = await importCsv('URN,Name,Phase,Area,Y7,Y8,Y9,Y10,Y11,Y12,Y13\n300001,X,secondary,southend,,,,,,,\n');
    assert.equal(r.code, 1);
    assert.match(r.stderr, /line 1: the first line must be exactly the header urn,name,phase,area,y7/);
    r = await importCsv('');
    assert.equal(r.code, 1);
    assert.match(r.stderr, /the file is empty/);
    r = await importCsv(`${HEADER}\n`);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /a header but no settings/);
  });

  test('a mixed file lists every bad row and writes nothing at all', async () => {
    const before = sql('SELECT count(*), group_concat(urn) FROM settings');
    const r = await importCsv(`${HEADER}\r\n` +
      '400001,Good One,secondary,southend,1,2,3,4,5,,\r\n' + // line 2
      '400002,Bad Phase,nursery,southend,,,,,,,\r\n' + // line 3
      '"400003","Good, Two",special,harlow,,,,,,,\r\n' + // line 4
      '400004,"Spans\ntwo lines",secondary,southend,,,,,,,\r\n' + // lines 5-6: a bad name (a line break)
      '400001,Duplicate,secondary,southend,,,,,,,\r\n' + // line 7
      '4000,Short URN,secondary,nowhere,-1,,,,,,\r\n' + // line 8: three problems
      '200001,Oak Academy,secondary,southend,180,182,175,170,168,,\r\n'); // line 9: an update, good
    assert.equal(r.code, 1);
    const lines = r.stderr.split('\n').filter((l) => / line \d+: /.test(l));
    assert.deepEqual(lines.map((l) => Number(l.match(/ line (\d+): /)[1])), [3, 5, 7, 8]);
    assert.match(r.stderr, /line 8: URN "4000" is not 6 digits; Area "nowhere" is not one of lantern's areas; Year 7 roll "-1" is negative/);
    assert.match(r.stderr, /line 7: URN 400001 is also on line 2/);
    assert.match(r.stderr, /4 rows with problems; nothing was changed/);
    assert.equal(sql('SELECT count(*), group_concat(urn) FROM settings'), before);
  });

  test('2,000 settings import in one go, with progress and a summary', async (t) => {
    let text = `${HEADER}\n`;
    for (let i = 0; i < 2000; i++) {
      text += `${500000 + i},"Generated School ${i}, Essex",secondary,chelmsford,${100 + (i % 50)},101,102,103,104,,\n`;
    }
    const started = process.hrtime.bigint();
    const r = await importCsv(text);
    const ms = Number(process.hrtime.bigint() - started) / 1e6;
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /2000 settings, 2000 added, 0 updated/);
    assert.match(r.stderr, /schools import: checking/);
    assert.match(r.stderr, /schools import: writing 100%/);
    assert.equal(sql("SELECT count(*) FROM settings WHERE urn BETWEEN '500000' AND '501999'"), '2000');
    t.diagnostic(`imported 2,000 rows (${text.length} bytes) in ${ms.toFixed(0)} ms`);
    const again = await importCsv(text);
    assert.match(again.stdout, /2000 settings, 0 added, 2000 updated/);
  });
});

describe('settings from the upload page', () => {
  /** Posts a CSV (as a file, or pasted) to the upload page with the page's form token. */
  async function upload(c, text, { paste = false } = {}) {
    const page = await c.get('/schools/import');
    assert.equal(page.status, 200);
    const form = new FormData();
    form.append('csrf', csrfFrom(page.text));
    if (paste) form.append('csv', text);
    else form.append('file', new Blob([text], { type: 'text/csv' }), 'settings.csv');
    return c.request('POST', '/schools/import', { body: form });
  }

  test('an admin uploads a good file', async () => {
    const c = await loggedIn(stack, 'admin@test.example', PASSWORD);
    const res = await upload(c, `\uFEFF${HEADER}\r\n600001,"Upload Academy, Rochford",secondary,rochford,90,,,,,,\r\n`);
    assert.equal(res.status, 200, res.text.slice(0, 500));
    assert.match(res.text, /The settings have been imported/);
    assert.match(res.text, /1 settings: 1 added, 0 updated/);
    assert.equal(sql("SELECT name, y7 FROM settings WHERE urn = '600001'"), 'Upload Academy, Rochford|90');
  });

  test('a bad file is refused whole, listing each bad row on the page', async () => {
    const c = await loggedIn(stack, 'admin@test.example', PASSWORD);
    const before = settingsCount();
    const res = await upload(c, `${HEADER}\n600002,Fine,secondary,rochford,,,,,,,\n60000X,Bad,secondary,rochford,,,,,,,\n` +
      '600003,Bad too,secondary,rochford,,,-3,,,,\n');
    assert.equal(res.status, 422);
    assert.match(res.text, /There is a problem/);
    assert.match(res.text, /The file was not imported: 2 rows have problems. Nothing has been changed./);
    assert.match(res.text, /<li>line 3: URN &quot;60000X&quot; is not 6 digits<\/li>/);
    assert.match(res.text, /<li>line 4: Year 9 roll &quot;-3&quot; is negative<\/li>/);
    assert.match(res.text, /href="#file"/);
    assert.equal(settingsCount(), before);
  });

  test('pasted CSV works too; nothing at all is a field error', async () => {
    const c = await loggedIn(stack, 'admin@test.example', PASSWORD);
    let res = await upload(c, `${HEADER}\n600004,Pasted School,special,maldon,,,,,,,\n`, { paste: true });
    assert.equal(res.status, 200);
    assert.equal(sql("SELECT name FROM settings WHERE urn = '600004'"), 'Pasted School');
    res = await upload(c, '', { paste: true });
    assert.equal(res.status, 422);
    assert.match(res.text, /Choose a CSV file, or paste its contents/);
  });

  test('only admins may import; the form needs its token', async () => {
    const school = await loggedIn(stack, 'school@test.example', PASSWORD);
    assert.equal((await school.get('/schools/import')).status, 403);
    const admin = await loggedIn(stack, 'admin@test.example', PASSWORD);
    const form = new FormData();
    form.append('file', new Blob([`${HEADER}\n600005,X,secondary,maldon,,,,,,,\n`]), 'x.csv');
    const res = await admin.request('POST', '/schools/import', { body: form });
    assert.equal(res.status, 403);
    assert.equal(sql("SELECT count(*) FROM settings WHERE urn = '600005'"), '0');
  });
});

describe('setting pages', () => {
  test('a school user is taken to their own setting; staff see the list', async () => {
    const school = await loggedIn(stack, 'school@test.example', PASSWORD);
    const res = await school.get('/schools');
    assert.equal(res.status, 303);
    assert.equal(res.headers.get('location'), '/schools/100001');
    const page = await school.get('/schools/100001');
    assert.equal(page.status, 200);
    assert.match(page.text, /<h1 class="govuk-heading-l">Oak Academy<\/h1>/);
    assert.match(page.text, /href="\/schools\/100001\/deliveries\/new"/);
    assert.doesNotMatch(page.text, /Change this setting/);
    const analyst = await loggedIn(stack, 'analyst@test.example', PASSWORD);
    const list = await analyst.get('/schools?phase=sixth-form');
    assert.equal(list.status, 200);
    assert.match(list.text, /Birch Sixth Form/);
    assert.doesNotMatch(list.text, /Oak Academy/);
    assert.equal((await analyst.get('/schools?phase=nursery')).status, 400);
    assert.equal((await analyst.get('/schools/100001/edit')).status, 403);
  });

  test('an admin adds and changes a setting through the one check', async () => {
    const admin = await loggedIn(stack, 'admin@test.example', PASSWORD);
    let res = await admin.submit('/schools/new', { urn: '100001', name: 'Copy', phase: 'secondary', area: 'southend' });
    assert.equal(res.status, 400);
    assert.match(res.text, /There is already a setting with URN 100001/);
    res = await admin.submit('/schools/new', { urn: '399001', name: 'Willow School', phase: 'special', area: 'essex',
      y7: 'ten' });
    assert.equal(res.status, 400);
    assert.match(res.text, /<a href="#area">Area &quot;essex&quot; covers several areas/);
    assert.match(res.text, /<a href="#y7">Year 7 roll &quot;ten&quot; is not a whole number<\/a>/);
    res = await admin.submit('/schools/new', { urn: '399001', name: 'Willow School', phase: 'special', area: 'maldon',
      y7: ' 12 ' });
    assert.equal(res.status, 303);
    res = await admin.submit('/schools/399001/edit', { name: 'Willow Special School', phase: 'special', area: 'maldon',
      y7: '', y8: '14' });
    assert.equal(res.status, 303);
    assert.equal(sql("SELECT name, CAST(y7 IS NULL AS INTEGER), y8 FROM settings WHERE urn = '399001'"), 'Willow Special School|1|14');
    assert.equal((await admin.get('/schools/123456/edit')).status, 404);
    assert.equal(sql("SELECT count(*) FROM audit_log WHERE entity = 'setting' AND entity_id = '399001'"), '2');
  });
});

describe('deliveries and coverage', () => {
  let trainer;
  let school;
  const delivery = (urn, body, client = trainer) => client.post(`/api/v1/schools/${urn}/deliveries`, body);

  before(async () => {
    trainer = api(stack.base, await tokenFor(stack, 'trainer@test.example'));
    school = api(stack.base, await tokenFor(stack, 'school@test.example'));
  });

  test('recording deliveries (trainer, and the school for itself) answers with the delivery', async () => {
    const made = [
      ['social-norms', 7, '2025-09-15', 170],
      ['social-norms', 8, '2025-09-15', 91],
      ['healthy-relationships', 9, '2025-10-01', 100],
      ['healthy-relationships', 9, '2026-01-20', 60],
      ['consent-and-online', 10, '2025-08-31', 150], // the academic year before
    ];
    for (const [module, year, date, pupils] of made) {
      const r = await delivery('100001', { module, year_group: year, delivered_on: date, pupils_reached: pupils });
      assert.equal(r.status, 201, r.text);
      assert.deepEqual(Object.keys(r.data).sort(),
        ['course', 'delivered_on', 'id', 'module', 'pupils_reached', 'session', 'urn', 'year_group']);
      assert.equal(r.data.urn, '100001');
      assert.equal(r.data.module, module);
      assert.equal(r.data.year_group, year);
      assert.equal(r.data.delivered_on, date);
      assert.equal(r.data.pupils_reached, pupils);
      assert.equal(r.data.session, null);
    }
    // The last day of the academic year, recorded by the school's own user.
    const own = await delivery('100001', { module: 'consent-and-online', year_group: 10, delivered_on: '2026-08-31',
      pupils_reached: 85 }, school);
    assert.equal(own.status, 201, own.text);
    assert.equal(sql('SELECT count(*) FROM deliveries'), '6');
  });

  test('coverage for AY2025-26: cells, dates, pupils reached and share of each roll', async () => {
    const r = await trainer.get('/api/v1/schools/100001/coverage?period=AY2025-26');
    assert.equal(r.status, 200, r.text);
    const c = r.data;
    assert.equal(c.period, 'AY2025-26');
    assert.equal(c.first_day, '2025-09-01');
    assert.equal(c.last_day, '2026-08-31');
    assert.equal(c.pupils_reached, 170 + 91 + 100 + 60 + 85);
    assert.equal(c.deliveries.length, 5);
    const years = Object.fromEntries(c.year_groups.map((y) => [y.year_group, y]));
    assert.deepEqual(years[7], { year_group: 7, roll: 180, modules_delivered: 1, most_reached: 170, share_of_roll: 94.4 });
    assert.deepEqual(years[8], { year_group: 8, roll: 182, modules_delivered: 1, most_reached: 91, share_of_roll: 50 });
    assert.deepEqual(years[9], { year_group: 9, roll: 175, modules_delivered: 1, most_reached: 160, share_of_roll: 91.4 });
    assert.deepEqual(years[10], { year_group: 10, roll: 170, modules_delivered: 1, most_reached: 85, share_of_roll: 50 });
    assert.deepEqual(years[11], { year_group: 11, roll: 168, modules_delivered: 0, most_reached: 0, share_of_roll: 0 });
    assert.deepEqual(years[12], { year_group: 12, roll: null, modules_delivered: 0, most_reached: 0, share_of_roll: null });
    const cell = (module, year) => c.modules.find((m) => m.id === module).year_groups.find((y) => y.year_group === year);
    assert.deepEqual(cell('social-norms', 7), { year_group: 7, suits: true, pupils_reached: 170, share_of_roll: 94.4,
      dates: ['2025-09-15'] });
    assert.deepEqual(cell('healthy-relationships', 9), { year_group: 9, suits: true, pupils_reached: 160,
      share_of_roll: 91.4, dates: ['2025-10-01', '2026-01-20'] });
    assert.deepEqual(cell('consent-and-online', 10).dates, ['2026-08-31']);
    assert.equal(cell('social-norms', 10).suits, false);
    assert.equal(cell('small-group', 9).pupils_reached, 0);

    const before = await trainer.get('/api/v1/schools/100001/coverage?period=AY2024-25');
    assert.equal(before.data.pupils_reached, 150);
    assert.equal(before.data.year_groups.find((y) => y.year_group === 10).share_of_roll, 88.2);
    const quarter = await trainer.get('/api/v1/schools/100001/coverage?period=FY2025-26-Q3');
    assert.equal(quarter.data.pupils_reached, 100); // October to December 2025
  });

  test('the coverage page shows the same figures', async () => {
    const c = await loggedIn(stack, 'school@test.example', PASSWORD);
    const res = await c.get('/schools/100001/coverage?period=AY2025-26');
    assert.equal(res.status, 200);
    assert.match(res.text, /170 pupils<\/strong><br><span class="govuk-body-s">94.4% of 180 on roll/);
    assert.match(res.text, /160 pupils<\/strong><br><span class="govuk-body-s">91.4% of 175 on roll/);
    assert.match(res.text, /20 January 2026/);
    assert.match(res.text, /506 pupils reached in all/);
  });

  test('each bad field is refused by name', async () => {
    const good = { module: 'social-norms', year_group: 7, delivered_on: '2025-10-01', pupils_reached: 10 };
    const cases = [
      [{ module: 'no-such-module' }, 'module'],
      [{ module: 'social-norms', year_group: 10 }, 'year_group'], // the module is for Years 7 to 9
      [{ year_group: 6 }, 'year_group'],
      [{ year_group: 'seven' }, 'year_group'],
      [{ delivered_on: londonDate(2) }, 'delivered_on'],
      [{ delivered_on: '2025-02-30' }, 'delivered_on'],
      [{ pupils_reached: -1 }, 'pupils_reached'],
      [{ pupils_reached: '12abc' }, 'pupils_reached'],
      [{ pupils_reached: 400 }, 'pupils_reached'], // far above Year 7's roll of 180
    ];
    for (const [change, field] of cases) {
      const r = await delivery('100001', { ...good, ...change });
      assert.equal(r.status, 422, `${JSON.stringify(change)}: ${r.text}`);
      assert.equal(r.data.field, field, JSON.stringify(change));
      assert.ok(r.data.error);
    }
    const text = await trainer.request('POST', '/api/v1/schools/100001/deliveries', undefined);
    assert.equal(text.status, 415);
    assert.equal((await delivery('999999', good)).status, 404);
  });

  test('a school user cannot record for another school', async () => {
    const before = sql('SELECT count(*) FROM deliveries');
    const body = { module: 'social-norms', year_group: 7, delivered_on: '2025-10-01', pupils_reached: 10 };
    const r = await delivery('100002', body, school);
    assert.equal(r.status, 404);
    const web = await loggedIn(stack, 'school@test.example', PASSWORD);
    assert.equal((await web.get('/schools/100002/deliveries/new')).status, 404);
    assert.equal((await web.get('/schools/100002')).status, 404);
    const own = await web.get('/schools/100001/deliveries/new');
    const res = await web.postForm('/schools/100002/deliveries/new', { ...body, csrf: csrfFrom(own.text) });
    assert.equal(res.status, 404);
    const analyst = api(stack.base, await tokenFor(stack, 'analyst@test.example'));
    assert.equal((await delivery('100001', body, analyst)).status, 403);
    assert.equal(sql('SELECT count(*) FROM deliveries'), before);
  });

  test('the web form records a delivery and explains a mistake', async () => {
    const web = await loggedIn(stack, 'school@test.example', PASSWORD);
    let res = await web.submit('/schools/100001/deliveries/new',
      { module: 'social-norms', year_group: '11', delivered_on: '2025-11-01', pupils_reached: '20' });
    assert.equal(res.status, 400);
    assert.match(res.text, /<a href="#year_group">This module is not for that year group: choose one it suits<\/a>/);
    assert.match(res.text, /govuk-form-group--error/);
    res = await web.submit('/schools/100001/deliveries/new',
      { module: 'small-group', year_group: '10', delivered_on: '2025-11-01', pupils_reached: '8' });
    assert.equal(res.status, 303);
    assert.equal(res.headers.get('location'), '/schools/100001?done=delivery');
    assert.equal(sql("SELECT pupils_reached, CAST(recorded_by IS NOT NULL AS INTEGER) FROM deliveries WHERE module_id = 'small-group'"), '8|1');
  });

  test('the settings list filters by area (with the areas below it), phase and delivering this year', async () => {
    const today = londonDate();
    const r = await delivery('100002', { module: 'social-norms', year_group: 7, delivered_on: today, pupils_reached: 90 });
    assert.equal(r.status, 201, r.text);
    const urns = async (q) => (await trainer.get(`/api/v1/schools${q}`)).data.map((s) => s.urn).filter((u) => u < '200000');
    assert.deepEqual(await urns('?area=essex'), ['100002']);
    assert.deepEqual(await urns('?area=greater-essex'), ['100009', '100002', '100001']);
    assert.deepEqual(await urns('?area=southend'), ['100001']);
    assert.deepEqual(await urns('?phase=sixth-form'), ['100009']);
    assert.deepEqual(await urns('?delivering=yes'), ['100002']);
    assert.deepEqual(await urns('?delivering=no&area=greater-essex'), ['100009', '100001']);
    const elm = (await trainer.get('/api/v1/schools?area=basildon')).data.find((s) => s.urn === '100002');
    assert.equal(elm.delivering, true);
    assert.equal(elm.pupils_reached, 90);
    assert.equal(elm.y7, 100);
    const bad = await trainer.get('/api/v1/schools?area=atlantis');
    assert.equal(bad.status, 400);
    assert.equal(bad.data.field, 'area');
    // A school user sees only their own setting.
    assert.deepEqual((await school.get('/api/v1/schools')).data.map((s) => s.urn), ['100001']);
  });

  test('the area overview lists who does not deliver yet', async () => {
    const web = await loggedIn(stack, 'trainer@test.example', PASSWORD);
    const notYet = async (area) => {
      const res = await web.get(`/schools/areas?area=${area}`);
      assert.equal(res.status, 200);
      return res.text.split('Not delivering yet in')[1];
    };
    assert.match(await notYet('thurrock'), /Birch Sixth Form/);
    assert.match(await notYet('southend'), /Oak Academy/); // its deliveries were in earlier years
    assert.doesNotMatch(await notYet('basildon'), /Elm School/);
    const overview = await web.get('/schools/areas?area=basildon');
    assert.match(overview.text, /<th [^>]*scope="row" class="govuk-table__header">Basildon<\/th><td[^>]* class="govuk-table__cell govuk-table__cell--numeric">1 of 1<\/td>/);
    const list = await web.get('/schools?delivering=no&area=thurrock');
    assert.match(list.text, /Birch Sixth Form/);
  });
});

describe('pupil survey', () => {
  let trainer;
  let trainer2;
  let admin;

  /** 10 responses whose figures are known: q1 70%, q2 100%, q3 30%, q4 80%, s1 90%, s2 50%,
   * s3 100%, s4 60%, good understanding 30% (responses 0, 1 and 2). */
  const answer = (i) => ({
    q1: i < 7 ? 4 : 2, q2: 5, q3: i < 3 ? 5 : 3, q4: i < 8 ? 4 : 1,
    s1: i < 9 ? 'unhealthy' : 'healthy', s2: i < 5 ? 'healthy' : 'not-sure', s3: 'unhealthy',
    s4: i < 6 ? 'healthy' : 'unhealthy',
  });
  const respond = (code, body) => answerSurvey(stack.base, code, body);
  const open = (body, who = trainer) => who.post('/api/v1/survey-runs', body);

  before(async () => {
    trainer = api(stack.base, await tokenFor(stack, 'trainer@test.example'));
    trainer2 = api(stack.base, await tokenFor(stack, 'trainer2@test.example'));
    admin = api(stack.base, await tokenFor(stack, 'admin@test.example'));
  });

  test('opening a run gives a short code and the absolute address pupils use', async () => {
    const r = await open({ urn: '100001', year_group: 9, phase: 'post', capacity: 30 });
    assert.equal(r.status, 201, r.text);
    assert.match(r.data.code, /^[0-9a-hjkmnp-tv-z]{8}$/);
    assert.equal(r.data.url, `${stack.base}/s/${r.data.code}`);
    assert.equal(r.data.phase, 'post');
    assert.equal(r.data.capacity, 30); // one answer per pupil present, and no more
    assert.equal(r.data.max_responses, 30);
    assert.equal(r.data.open, true);
    assert.match(r.data.closes_at, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d[+-]\d\d:\d\d$/);
  });

  test('opening needs each field; only staff may open one', async () => {
    let r = await open({ urn: '100001', year_group: 9 });
    assert.equal(r.status, 422);
    assert.equal(r.data.field, 'phase');
    r = await open({ urn: '100001', year_group: 9, phase: 'pre' }); // the roll is no capacity: the room's count is
    assert.equal(r.status, 422);
    assert.equal(r.data.field, 'capacity');
    r = await open({ urn: '424242', year_group: 9, phase: 'pre' });
    assert.equal(r.data.field, 'urn');
    const school = api(stack.base, await tokenFor(stack, 'school@test.example'));
    assert.equal((await open({ urn: '100001', year_group: 9, phase: 'pre' }, school)).status, 403);
  });

  test('results are released only once the run is closed with 10 or more; until then only the count shows', async () => {
    const run = (await open({ urn: '100001', year_group: 9, phase: 'post', capacity: 30 })).data;
    const figures = (phase) => [...phase.statements.map((s) => s.agreeing), ...phase.scenarios.map((s) => s.right),
      phase.good_understanding];
    const web = await loggedIn(stack, 'trainer@test.example', PASSWORD);
    // Read after every answer, as a school lead trying to isolate one pupil would: while the run is
    // open, at 9, 10 or 11 answers, nothing but the count is ever shown.
    for (let i = 0; i < 11; i++) {
      const r = await respond(run.code, answer(i));
      assert.equal(r.status, 201, r.text);
      assert.equal(r.headers.getSetCookie().length, 0);
      if (i < 8) continue;
      const res = await trainer.get(`/api/v1/survey-runs/${run.id}/results`);
      assert.equal(res.status, 200, res.text);
      assert.equal(res.data.post.responses, i + 1);
      assert.equal(res.data.post.suppressed, true);
      assert.equal(res.data.run.released, false);
      for (const f of figures(res.data.post)) assert.deepEqual(f, { value: null, n: i + 1, suppressed: true });
      for (const f of figures(res.data.pre)) assert.deepEqual(f, { value: null, n: 0, suppressed: true });
      const page = await web.get(`/survey-runs/${run.id}/results`);
      assert.equal(page.status, 200);
      assert.match(page.text, /Results not released yet/);
      assert.equal(page.text.match(/fewer than 10 responses<\/span>/g).length, 9);
      assert.doesNotMatch(page.text, /\d\.\d%/);
      const csv = await web.get(`/survey-runs/${run.id}/results.csv`);
      assert.match(csv.headers.get('content-type'), /^text\/csv/);
      const rows = csv.text.trim().split('\r\n').slice(1).filter((l) => l.includes(',post,'));
      assert.equal(rows.length, 9);
      for (const row of rows) assert.match(row, new RegExp(`,${i + 1},true,,fewer than 10 responses$`));
      // Nor does any total count it while it is open.
      assert.equal((await trainer.get('/api/v1/survey-results?urn=100001')).data.post.responses, 0);
    }

    // Closed, with 11: every figure shows, exactly.
    assert.equal((await trainer.post(`/api/v1/survey-runs/${run.id}/close`)).status, 200);
    let res = await trainer.get(`/api/v1/survey-runs/${run.id}/results`);
    const post = res.data.post;
    assert.equal(post.responses, 11);
    assert.equal(post.suppressed, false);
    assert.equal(res.data.run.released, true);
    assert.deepEqual(post.statements.map((s) => s.agreeing.value), [63.6, 100, 27.3, 72.7]);
    assert.deepEqual(post.scenarios.map((s) => s.right.value), [81.8, 45.5, 100, 54.5]);
    assert.deepEqual(post.good_understanding, { value: 27.3, n: 11, suppressed: false });
    assert.deepEqual(post.statements.map((s) => s.capability), ['identify risky situations',
      'identify signs of safety', 'develop positive peer networks', 'seek support from professionals']);
    assert.equal(res.data.run.responses, 11);

    const page = await web.get(`/survey-runs/${run.id}/results`);
    assert.doesNotMatch(page.text, /Results not released yet/);
    for (const pct of ['63.6%', '100.0%', '27.3%', '72.7%', '81.8%', '45.5%', '54.5%']) assert.ok(page.text.includes(pct), pct);
    const csv = await web.get(`/survey-runs/${run.id}/results.csv`);
    assert.match(csv.text, /,post,good_understanding,,Demonstrate good understanding,11,false,27\.3,\r\n/);
    assert.match(csv.text, /,post,agreeing,q1,Agree they can identify risky situations,11,false,63\.6,\r\n/);

    // A run closed with 9 is never released, and counts in no total.
    const small = (await open({ urn: '100001', year_group: 8, phase: 'post', capacity: 30 })).data;
    for (let i = 0; i < 9; i++) assert.equal((await respond(small.code, answer(i))).status, 201);
    assert.equal((await trainer.post(`/api/v1/survey-runs/${small.id}/close`)).status, 200);
    res = await trainer.get(`/api/v1/survey-runs/${small.id}/results`);
    assert.equal(res.data.run.released, false);
    assert.deepEqual(res.data.post.good_understanding, { value: null, n: 9, suppressed: true });

    // The same responses by setting and period, pre beside post.
    const agg = await trainer.get('/api/v1/survey-results?urn=100001');
    assert.equal(agg.status, 200);
    assert.equal(agg.data.post.responses, 11);
    assert.equal(agg.data.post.good_understanding.value, 27.3);
    assert.equal(agg.data.pre.responses, 0);
    const area = await trainer.get('/api/v1/survey-results?area=southend');
    assert.equal(area.data.post.responses, 11);
    const elsewhere = await trainer.get('/api/v1/survey-results?area=essex');
    assert.equal(elsewhere.data.post.responses, 0);
    const past = await trainer.get('/api/v1/survey-results?urn=100001&period=AY2024-25');
    assert.equal(past.data.post.responses, 0);
    assert.equal((await trainer.get('/api/v1/survey-results?period=AY2025')).data.field, 'period');

    // A school sees its own results, and no other school's.
    const own = api(stack.base, await tokenFor(stack, 'school@test.example'));
    assert.equal((await own.get(`/api/v1/survey-runs/${run.id}/results`)).status, 200);
    const other = api(stack.base, await tokenFor(stack, 'elm@test.example'));
    assert.equal((await other.get(`/api/v1/survey-runs/${run.id}/results`)).status, 404);
    assert.equal((await other.get('/api/v1/survey-results?urn=100001')).data.post.responses, 0);
  });

  test('answers are checked one by one', async () => {
    const run = (await open({ urn: '100001', year_group: 9, phase: 'pre', capacity: 30 })).data;
    const bad = [
      [{ s2: undefined }, 's2'], [{ q1: 6 }, 'q1'], [{ q3: 0 }, 'q3'], [{ q4: 'agree' }, 'q4'],
      [{ s4: 'fine' }, 's4'], [{ q2: 2.5 }, 'q2'],
    ];
    for (const [change, field] of bad) {
      const r = await respond(run.code, { ...answer(0), ...change });
      assert.equal(r.status, 422, JSON.stringify(change));
      assert.equal(r.data.field, field);
    }
    // JSON needs no form token, but another site's page still cannot post it.
    const cross = await api(stack.base).post(`/s/${run.code}`, answer(0), { 'Sec-Fetch-Site': 'cross-site' });
    assert.equal(cross.status, 403);
    assert.equal(sql(`SELECT count(*) FROM survey_responses WHERE run_id = ${run.id}`), '0');
  });

  test('the pupil page: no cookie, no referrer, help at the end, and a form that works without JavaScript', async () => {
    const run = (await open({ urn: '100001', year_group: 8, phase: 'pre', capacity: 30 })).data;
    const pupil = new Client(stack.base);
    const page = await pupil.get(`/s/${run.code}`);
    assert.equal(page.status, 200);
    assert.equal(page.headers.getSetCookie().length, 0);
    assert.equal(page.headers.get('referrer-policy'), 'no-referrer');
    assert.equal(page.headers.get('cache-control'), 'no-store');
    assert.equal(page.text.match(/<fieldset class="govuk-fieldset"/g).length, 8);
    assert.equal(page.text.match(/<legend /g).length, 8);
    assert.equal(page.text.match(/type="radio"/g).length, 4 * 5 + 4 * 3);
    assert.match(page.text, /<meta name="viewport" content="width=device-width/);
    const help = page.text.slice(page.text.indexOf('id="help"'));
    assert.match(help, /trusted? adult|adult you trust/);
    assert.match(help, /Childline free on <a class="govuk-link" href="tel:08001111"><strong>0800 1111<\/strong><\/a>/);
    assert.match(help, /href="tel:999"/);
    assert.doesNotMatch(page.text, /name="(name|email|pupil)"/);
    assert.equal((await pupil.get(`/s/${run.code.toUpperCase()}`)).status, 200); // typed in capitals
    const misread = run.code.replace(/0/g, 'O').replace(/1/g, 'l');
    assert.equal((await pupil.get(`/s/${misread}`)).status, 200); // O for 0, l for 1

    const token = page.text.match(/<input type="hidden" name="token" value="([^"]+)">/)?.[1];
    assert.ok(token, 'the page carries an answer token');
    // Missing answers come back with the error summary and the choices kept.
    let res = await pupil.postForm(`/s/${run.code}`, { q1: '4', token, csrf: csrfFrom(page.text) });
    assert.equal(res.status, 400);
    assert.match(res.text, /<a href="#q2">Choose how much you agree with sentence 2<\/a>/);
    assert.match(res.text, /id="q1-4" name="q1" type="radio" value="4" checked/);
    // A complete form goes through and thanks the pupil, still without a cookie.
    const fields = Object.fromEntries(Object.entries(answer(0)).map(([k, v]) => [k, String(v)]));
    res = await pupil.postForm(`/s/${run.code}`, { ...fields, token, csrf: csrfFrom(page.text) });
    assert.equal(res.status, 303, res.text.slice(0, 300));
    assert.equal(res.headers.get('location'), `/s/${run.code}?sent=1`);
    assert.equal(res.headers.getSetCookie().length, 0);
    const thanks = await pupil.get(res.headers.get('location'));
    assert.match(thanks.text, /<h1 class="govuk-heading-l">Thank you<\/h1>/);
    assert.match(thanks.text, /0800 1111/);
    assert.equal(pupil.setCookies.length, 0);
    // A form without its form token is refused, even with a fresh answer token; JSON needs none.
    const again = await pupil.get(`/s/${run.code}`);
    res = await pupil.postForm(`/s/${run.code}`, { ...fields, token: again.text.match(/name="token" value="([^"]+)"/)[1] });
    assert.equal(res.status, 403);
    assert.equal(sql(`SELECT count(*) FROM survey_responses WHERE run_id = ${run.id}`), '1');
    // Nothing in the logs names the code.
    assert.ok(!stack.output().includes(run.code), 'the survey code reached the logs');
  });

  test('answers after the trainer closes the run are refused, clearly', async () => {
    const run = (await open({ urn: '100001', year_group: 9, phase: 'pre', capacity: 30 })).data;
    assert.equal((await respond(run.code, answer(1))).status, 201);
    assert.equal((await trainer2.post(`/api/v1/survey-runs/${run.id}/close`)).status, 403);
    const closed = await trainer.post(`/api/v1/survey-runs/${run.id}/close`);
    assert.equal(closed.status, 200);
    assert.equal(closed.data.open, false);
    assert.equal((await trainer.post(`/api/v1/survey-runs/${run.id}/close`)).status, 409);
    const r = await respond(run.code, answer(2));
    assert.equal(r.status, 410);
    assert.match(r.data.error, /^This survey has closed\. It is not taking answers any more/);
    const page = await new Client(stack.base).get(`/s/${run.code}`);
    assert.equal(page.status, 410);
    assert.match(page.text, /This survey has closed/);
    assert.match(page.text, /0800 1111/);
    assert.equal(sql(`SELECT count(*) FROM survey_responses WHERE run_id = ${run.id}`), '1');

    // Closing from the trainer's page, and an admin closing another trainer's run.
    const web = await loggedIn(stack, 'trainer@test.example', PASSWORD);
    const other = (await open({ urn: '100001', year_group: 9, phase: 'pre', capacity: 30 })).data;
    const shown = await web.get(`/survey-runs/${other.id}`);
    assert.match(shown.text, new RegExp(`Pupils go to <strong[^>]*>${stack.base}/s/${other.code}</strong>`));
    const res = await web.postForm(`/survey-runs/${other.id}/close`, { csrf: csrfFrom(shown.text) });
    assert.equal(res.status, 303);
    assert.equal((await respond(other.code, answer(0))).status, 410);
    const third = (await open({ urn: '100001', year_group: 9, phase: 'pre', capacity: 30 })).data;
    assert.equal((await admin.post(`/api/v1/survey-runs/${third.id}/close`)).status, 200);
  });

  test('after 24 hours, or once full, a run takes no more answers', async () => {
    const run = (await open({ urn: '100001', year_group: 9, phase: 'pre', capacity: 30 })).data;
    // As if it had been opened 25 hours ago.
    sql(`UPDATE survey_runs SET opened_at = opened_at - 90000, closes_at = closes_at - 90000 WHERE id = ${run.id}`);
    let r = await respond(run.code, answer(0));
    assert.equal(r.status, 410);

    const small = (await open({ urn: '100001', year_group: 9, phase: 'pre', capacity: 6 })).data;
    assert.equal(small.max_responses, 6);
    for (let i = 0; i < 6; i++) assert.equal((await respond(small.code, answer(i))).status, 201);
    r = await respond(small.code, answer(6));
    assert.equal(r.status, 409);
    assert.match(r.data.error, /as many answers as there are pupils/);
    assert.equal((await new Client(stack.base).get(`/s/${small.code}`)).status, 409);

    assert.equal((await respond('zzzzzzzz', answer(0))).status, 404);
    assert.equal((await respond('uuuuuuuu', answer(0))).status, 404); // not a code at all
    assert.equal((await new Client(stack.base).get('/s/not-a-code')).status, 404);
  });

  test("the run's QR code decodes to its /s/{code} address", async () => {
    const run = (await open({ urn: '100001', year_group: 9, phase: 'post', capacity: 30 })).data;
    const web = await loggedIn(stack, 'trainer@test.example', PASSWORD);
    const svg = await web.get(`/survey-runs/${run.id}/qr.svg`);
    assert.equal(svg.status, 200);
    assert.equal(svg.headers.get('content-type'), 'image/svg+xml');
    const svgPath = path.join(stack.dataDir, `qr-${run.id}.svg`);
    const pngPath = path.join(stack.dataDir, `qr-${run.id}.png`);
    fs.writeFileSync(svgPath, svg.text);
    execFileSync('rsvg-convert', ['-w', '400', svgPath, '-o', pngPath]);
    const decoded = execFileSync('zbarimg', ['-q', '--raw', pngPath], { encoding: 'utf8' }).trim();
    assert.equal(decoded, `${stack.base}/s/${run.code}`);
    assert.equal(decoded, run.url);
    // Pupils never need the trainer's page.
    assert.equal((await new Client(stack.base).get(`/survey-runs/${run.id}/qr.svg`)).status, 303);
  });
});
