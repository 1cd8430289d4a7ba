// Suppression reaches every export (spec §6: a figure resting on fewer than 10 responses is suppressed
// "in the UI, the API and every export"): for each figure the JSON API marks suppressed, in every area
// of a breakdown, the CSV has no value, numerator or denominator and says it is suppressed, and the ADX
// file has no dataValue for it at all. Shown figures read the same in all three. The demo's surveys
// give the case: a post run of 6 responses in Basildon beside larger runs in Southend.
import test, { before, after } from 'node:test';
import assert from 'node:assert/strict';
import { api, loggedIn, startStack, tokenFor } from './lib.mjs';
import { periodsAt } from './periods.mjs';

let stack, analyst, web, loadedAt;
before(async () => {
  stack = await startStack({ demo: true });
  loadedAt = Date.now(); // the demo's survey answers are dated when it ran
  analyst = api(stack.base, await tokenFor(stack, 'analyst@lantern.example'));
  web = await loggedIn(stack, 'analyst@lantern.example');
});
after(async () => { await stack?.stop(); });

/** CSV text -> one object per row, by the header's names. */
function csvRows(text) {
  const lines = text.trim().split('\r\n');
  const cellsOf = (line) => line.match(/("([^"]|"")*"|[^,]*)(,|$)/g).slice(0, -1)
    .map((c) => c.replace(/,$/, '').replace(/^"|"$/g, '').replace(/""/g, '"'));
  const header = cellsOf(lines[0]);
  return lines.slice(1).map((line) => Object.fromEntries(cellsOf(line).map((v, i) => [header[i], v])));
}

/** ADX text -> Map of "indicator area" -> value, for every dataValue in every group. */
function adxValues(text) {
  const values = new Map();
  for (const g of text.matchAll(/<group orgUnit="([^"]+)"[^>]*>([\s\S]*?)<\/group>/g)) {
    for (const v of g[2].matchAll(/<dataValue dataElement="([^"]+)" value="([^"]+)"/g)) values.set(`${v[1]} ${g[1]}`, v[2]);
  }
  return values;
}

// Each period the demo's records fall in, for Greater Essex and every area below it.
for (const kind of ['year', 'month', 'fy', 'quarter', 'ay']) {
  test(`a figure suppressed in the JSON is blank in the CSV and absent from the ADX (this ${kind})`, async () => {
    const period = periodsAt(loadedAt)[kind];
    const query = `period=${period}&area=greater-essex&breakdown=1`;
    const json = await analyst.get(`/api/v1/indicators?${query}`);
    assert.equal(json.status, 200, json.text);
    const csvFiles = [await analyst.get(`/api/v1/indicators?${query}&format=csv`), await web.get(`/indicators/export?${query}&format=csv`)];
    const adxFiles = [await analyst.get(`/api/v1/indicators?${query}&format=adx`), await web.get(`/indicators/export?${query}&format=adx`)];
    for (const f of [...csvFiles, ...adxFiles]) assert.equal(f.status, 200, f.text);

    let suppressed = 0, shown = 0;
    for (const file of csvFiles) {
      const rows = new Map(csvRows(file.text).map((r) => [`${r.indicator} ${r.area}`, r]));
      assert.equal(rows.size, json.json.length, 'one CSV row per figure');
      for (const fig of json.json) {
        const row = rows.get(`${fig.id} ${fig.area}`);
        if (fig.suppressed) {
          assert.equal(fig.value, null, `${fig.id} ${fig.area}: a suppressed value in the JSON`);
          assert.deepEqual([row.value, row.numerator, row.denominator, row.suppressed], ['', '', '', 'true'],
            `${fig.id} ${fig.area} is suppressed, yet the CSV says ${JSON.stringify(row)}`);
          suppressed++;
        } else {
          assert.equal(row.value === '' ? null : Number(row.value), fig.value, `${fig.id} ${fig.area}`);
          if (fig.value !== null) shown++;
        }
      }
    }
    for (const file of adxFiles) {
      const values = adxValues(file.text);
      for (const fig of json.json) {
        const key = `${fig.id} ${fig.area}`;
        if (fig.suppressed || fig.value === null) assert.ok(!values.has(key), `${key} has no figure to show, yet the ADX says ${values.get(key)}`);
        else assert.equal(Number(values.get(key)), fig.value, key);
      }
    }
    // The demo gives both kinds in every period holding today: the small Basildon run is suppressed.
    assert.ok(json.json.some((f) => f.id === 'O1.5' && f.area === 'basildon' && f.suppressed), 'Basildon\'s O1.5 rests on 6 responses');
    assert.ok(suppressed > 0 && shown > 0, `${suppressed} suppressed and ${shown} shown figures checked`);
  });
}
