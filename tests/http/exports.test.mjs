// The same figures in every form, and suppression in each (spec §6: a figure resting on fewer than 10
// responses is suppressed "in the UI, the API and every export"; §8: the dashboard shows each value
// and a breakdown by area, and every figure exports as CSV, JSON and ADX): for each figure the JSON API
// marks suppressed, in every area of a breakdown, the CSV has no value, numerator or denominator and
// says it is suppressed, the ADX file has no dataValue for it, and the dashboard says "Suppressed" (or
// "No responses" when there was not one answer).
// Shown figures read the same everywhere. The demo's surveys give the case: a post run of 6 responses
// in Basildon beside larger runs in Southend.
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

/** What the dashboard should write for a figure of the JSON API. */
function shownAs(fig) {
  if (fig.suppressed) return fig.no_responses ? /^No responses$/ : /^Suppressed/;
  if (fig.value === null) return /^(Not yet provided|No records)$/;
  const digits = Number.isInteger(fig.value) && fig.unit !== '%' ? String(fig.value) : fig.value.toFixed(1);
  return new RegExp(`^${digits.replace('.', '\\.')}${fig.unit === '%' ? '%' : ''}$`);
}

for (const area of ['greater-essex', 'essex']) {
  test(`the dashboard for ${area} and its breakdown by area show the API's figures, and hide suppressed ones`, async () => {
    const period = periodsAt(loadedAt).fy;
    const page = await web.get(`/indicators?period=${period}&area=${area}`);
    assert.equal(page.status, 200);
    const json = (await analyst.get(`/api/v1/indicators?period=${period}&area=${area}&breakdown=1`)).json;
    const figure = (id, at) => json.find((f) => f.id === id && f.area === at);
    // Each indicator's own section.
    for (const fig of json.filter((f) => f.area === area)) {
      const section = page.text.match(new RegExp(`<section[^>]*id="${fig.id.replace('.', '\\.')}"[\\s\\S]*?</section>`))?.[0] ?? '';
      const value = section.match(/lantern-indicator__value"><span[^>]*>([^<]*)</)?.[1].trim();
      assert.match(value ?? '', shownAs(fig), `${fig.id} ${area}: ${value} for ${JSON.stringify(fig)}`);
    }
    // The breakdown: a column per area directly below, a row per indicator.
    const table = page.text.split('id="breakdown"')[1];
    const columns = [...table.split('</thead>')[0].matchAll(/href="\/indicators\?period=[^&]+&amp;area=([^"]+)"/g)].map((m) => m[1]);
    assert.ok(columns.length >= 3, `breakdown columns: ${columns}`);
    let suppressed = 0, rows = 0;
    for (const row of table.split('</thead>')[1].split('</tbody>')[0].matchAll(/<tr[^>]*><th[^>]*>(\S+) [\s\S]*?<\/tr>/g)) {
      const cells = [...row[0].matchAll(/<td[^>]*>([^<]*)<\/td>/g)].map((c) => c[1].trim());
      assert.equal(cells.length, columns.length, row[1]);
      for (const [k, at] of columns.entries()) {
        const fig = figure(row[1], at);
        assert.match(cells[k], shownAs(fig), `${row[1]} ${at}: ${cells[k]} for ${JSON.stringify(fig)}`);
        if (fig.suppressed) suppressed++;
      }
      rows++;
    }
    assert.equal(rows, 15, 'a breakdown row per indicator');
    if (area === 'essex') assert.ok(suppressed > 0, 'Basildon\'s O1.5 is suppressed in the breakdown');
  });
}
