// The settings import takes what the pages show (issue 15): each coded column (phase, area) accepts
// its code or its name as lantern's pages print it, in any case and with spaces around; the import
// page offers a template file and lists every accepted code and name; a bad row is still named by
// its line and field, and a refused file still changes nothing.

import test, { after, before, describe } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { addUser, Client, csrfFrom, loggedIn, sqlite, startStack } from './lib.mjs';

const PASSWORD = 'lantern-test-password';
const HEADER = 'urn,name,phase,area,y7,y8,y9,y10,y11,y12,y13';

let stack;
let admin;
let n = 0;

const sql = (q) => sqlite(stack.dbPath, q);
const settingsCount = () => Number(sql('SELECT count(*) FROM settings'));

function csvFile(text) {
  const file = path.join(stack.dataDir, `names-${++n}.csv`);
  fs.writeFileSync(file, text);
  return file;
}
const importCsv = (text) => stack.cli(['schools', 'import', csvFile(text)]);

/** Posts a CSV file to the upload page with the page's form token. */
async function upload(text) {
  const page = await admin.get('/schools/import');
  assert.equal(page.status, 200);
  const form = new FormData();
  form.append('csrf', csrfFrom(page.text));
  form.append('file', new Blob([text], { type: 'text/csv' }), 'settings.csv');
  return admin.request('POST', '/schools/import', { body: form });
}

before(async () => {
  stack = await startStack();
  await addUser(stack, { email: 'admin@test.example', role: 'admin' });
  await addUser(stack, { email: 'trainer@test.example', role: 'trainer' });
  admin = await loggedIn(stack, 'admin@test.example', PASSWORD);
});

after(async () => {
  if (stack) await stack.stop();
});

describe('names as well as codes', () => {
  test('the upload page takes the names the pages show, in any case, with spaces around', async () => {
    const res = await upload(`${HEADER}\r\n` +
      '710001,Named Academy,Secondary,Southend-on-Sea,100,,,,,,\r\n' +
      '710002,Shouting School, SECONDARY , SOUTHEND-ON-SEA ,,,,,,,\r\n' +
      '710003,Quiet College,sixth form,castle point,,,,,,40,\r\n' +
      '710004,Unit One,Alternative provision (including PRUs),Epping Forest,,,,,,,\r\n' +
      '710005,Unit Two,PRU,epping-forest,,,,,,,\r\n' +
      '710006,Coded School,all-through,thurrock,,,,,,,\r\n' +
      '710007,Further On,Further education college,Uttlesford,,,,,,,\r\n' +
      '710008,Higher Up,higher education,  Tendring,,,,,,,\r\n');
    assert.equal(res.status, 200, res.text.slice(0, 1500));
    assert.match(res.text, /8 settings: 8 added, 0 updated/);
    assert.equal(sql("SELECT group_concat(urn || ':' || phase || ':' || area, ' ') FROM (SELECT * FROM settings" +
      " WHERE urn LIKE '7100%' ORDER BY urn) imported"),
    '710001:secondary:southend 710002:secondary:southend 710003:sixth-form:castle-point ' +
      '710004:alternative-provision:epping-forest 710005:alternative-provision:epping-forest ' +
      '710006:all-through:thurrock 710007:fe-college:uttlesford 710008:he:tendring');
    // The setting's page shows the names back, as they were typed.
    const page = await admin.get('/schools/710001');
    assert.match(page.text, /Southend-on-Sea/);
    assert.match(page.text, /Secondary/);
  });

  test('the command line takes names too', async () => {
    const r = await importCsv(`${HEADER}\n720001,Line School,Special,Harlow,,,,,,,\n`);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(sql("SELECT phase || ':' || area FROM settings WHERE urn = '720001'"), 'special:harlow');
  });

  test('a name that is not quite a name is refused with its line and field, and nothing changes', async () => {
    const before = settingsCount();
    const res = await upload(`${HEADER}\n730001,Good,Secondary,Basildon,,,,,,,\n` +
      '730002,Typo Phase,Secondry,Basildon,,,,,,,\n' +
      '730003,Typo Area,Secondary,Southend on See,,,,,,,\n' +
      '730004,Too Wide,Secondary,Essex,,,,,,,\n');
    assert.equal(res.status, 422);
    assert.match(res.text, /3 rows have problems. Nothing has been changed./);
    assert.match(res.text, /<li>line 3: Phase &quot;Secondry&quot; is not one of secondary/);
    assert.match(res.text, /<li>line 4: Area &quot;Southend on See&quot; is not one of lantern&#39;s areas/);
    assert.match(res.text, /<li>line 5: Area &quot;essex&quot; covers several areas: use one of basildon/);
    assert.equal(settingsCount(), before, 'a refused file changed nothing');
    assert.equal(sql("SELECT count(*) FROM settings WHERE urn = '730001'"), '0');
  });
});

describe('the template and the list of codes', () => {
  test('the import page links a template and lists every phase and area code with its name', async () => {
    const page = await admin.get('/schools/import');
    assert.match(page.text, /href="\/schools\/import\/template.csv"/);
    for (const [code, name] of [['secondary', 'Secondary'], ['alternative-provision', 'Alternative provision \\(including PRUs\\)'],
      ['fe-college', 'Further education college'], ['he', 'Higher education'], ['southend', 'Southend-on-Sea'],
      ['castle-point', 'Castle Point'], ['uttlesford', 'Uttlesford']]) {
      assert.match(page.text, new RegExp(`<td[^>]*class="govuk-table__cell"><code>${code}</code></td>` +
        `<td[^>]*class="govuk-table__cell">${name}`), `${code} is listed with ${name}`);
    }
    // Only the areas a setting can be in: not the county or Greater Essex.
    assert.doesNotMatch(page.text, /<code>essex<\/code>/);
    assert.doesNotMatch(page.text, /<code>greater-essex<\/code>/);
  });

  test('the template is a CSV download of the header and one example row', async () => {
    const res = await admin.get('/schools/import/template.csv');
    assert.equal(res.status, 200);
    assert.match(res.headers.get('content-type'), /^text\/csv/);
    assert.match(res.headers.get('content-disposition'), /attachment; filename="settings-template.csv"/);
    const lines = res.text.trim().split(/\r?\n/);
    assert.equal(lines.length, 2);
    assert.equal(lines[0], HEADER);
    assert.equal(lines[1].split(',').length, 11);
  });

  test('the example row, sent back unchanged, is refused so it never becomes a setting', async () => {
    const template = (await admin.get('/schools/import/template.csv')).text;
    const before = settingsCount();
    const res = await upload(template);
    assert.equal(res.status, 422);
    assert.match(res.text, /line 2: this is the template&#39;s example row/);
    assert.equal(settingsCount(), before);
    // With the example replaced, the same file imports.
    const mine = template.replace(/^999999,[^,]*/m, '740001,My Academy');
    const ok = await upload(mine);
    assert.equal(ok.status, 200, ok.text.slice(0, 800));
    assert.equal(sql("SELECT phase || ':' || area FROM settings WHERE urn = '740001'"), 'secondary:southend');
  });

  test('only admins get the template', async () => {
    const trainer = await loggedIn(stack, 'trainer@test.example', PASSWORD);
    assert.equal((await trainer.get('/schools/import/template.csv')).status, 403);
    const anon = await new Client(stack.base).get('/schools/import/template.csv');
    assert.equal(anon.status, 303);
  });
});
