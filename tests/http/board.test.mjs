// The Board's dashboard (issue 15): a summary of every indicator first, whose figures are the ones
// each indicator's section shows, with a red/amber/green status in shape, colour and words; the
// period chosen from the periods that exist, opening on the latest quarter that holds a record;
// names rather than codes in the drill-downs; figures to their precision in JSON, CSV and pages;
// dates in the service's style; "No responses" where nothing was answered; and the reach chart
// ending at today with its months labelled every other one at most. The records go in through the
// API with the server's clock moved (LANTERN_CLOCK_FILE); today is 22 November 2026 (FY2026-27-Q3).
import test, { before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startStack, api, answerSurvey, tokenFor, addUser, loggedIn, waitUntil, sqlite, ROOT } from './lib.mjs';

const clockDir = fs.mkdtempSync(path.join(os.tmpdir(), 'lantern-clock-'));
const clockFile = path.join(clockDir, 'now');
const at = (iso) => fs.writeFileSync(clockFile, String(Math.floor(Date.parse(iso) / 1000)));
const TODAY = '2026-11-22T12:00:00Z';
at(TODAY);

const Q = 'FY2025-26-Q4', FY = 'FY2025-26';
let stack, admin, analyst, web;

async function ok(promise, status = 201) {
  const r = await promise;
  assert.equal(r.status, status, `${r.status} ${r.text}`);
  return r.json;
}

before(async () => {
  stack = await startStack({ env: { LANTERN_CLOCK_FILE: clockFile } });
  for (const role of ['admin', 'trainer', 'campaign', 'analyst']) {
    await addUser(stack, { email: `${role}@lantern.example`, name: `The ${role}`, role, password: 'lantern-demo' });
  }
  admin = api(stack.base, await tokenFor(stack, 'admin@lantern.example'));
  analyst = api(stack.base, await tokenFor(stack, 'analyst@lantern.example'));
  web = await loggedIn(stack, 'analyst@lantern.example');
  const imported = await stack.cli(['schools', 'import', path.join(ROOT, 'tests', 'data', 'indicator-settings.csv')]);
  assert.equal(imported.code, 0, imported.stderr);
  const org = await ok(admin.post('/api/v1/organisations', { name: 'Essex Health Trust', sector: 'health', area: 'essex' }));

  // Every record falls in FY2025-26, the last of them in its fourth quarter (January to March 2026).
  await ok(admin.post('/api/v1/schools/100001/deliveries', { module: 'social-norms', year_group: 7, delivered_on: '2025-05-15', pupils_reached: 120 }));
  await ok(admin.post('/api/v1/schools/100002/deliveries', { module: 'healthy-relationships', year_group: 9, delivered_on: '2026-02-10', pupils_reached: 80 }));
  // A session of 9 bookings of which 2 came: an attendance rate of 22.2% (a double that a 17-digit
  // JSON writer prints as 22.199999999999999).
  at('2026-03-01T10:00:00Z');
  const session = await ok(admin.post('/api/v1/sessions', {
    course: 'recognising-and-responding', starts_at: '2026-03-10T10:00:00Z', ends_at: '2026-03-10T12:00:00Z', capacity: 12,
    venue: { name: 'Chelmsford Learning Hub', address: 'High Street', postcode: 'CM1 1AA', area: 'chelmsford' }, trainers: ['trainer@lantern.example'],
  }));
  const bookings = [];
  for (let i = 1; i <= 9; i++) {
    const email = `p${i}@example.org`;
    await ok(admin.post('/api/v1/users', { email, name: `Practitioner ${i}`, role: 'practitioner', org: String(org.id), password: 'practitioner-pass' }));
    bookings.push((await ok(admin.post(`/api/v1/sessions/${session.id}/bookings`, { email }))).id);
  }
  at('2026-03-10T13:00:00Z');
  for (const [i, id] of bookings.entries()) await ok(admin.put(`/api/v1/bookings/${id}/attendance`, { status: i < 2 ? 'attended' : 'absent' }), 200);
  // A pupil survey of 9 responses: never released, so suppressed, but not "no responses".
  at('2026-02-20T10:00:00Z');
  const run = await ok(admin.post('/api/v1/survey-runs', { urn: '100003', year_group: 9, phase: 'post', capacity: 30, minutes: 120 }));
  const answers = { q1: 4, q2: 5, q3: 4, q4: 4, s1: 'unhealthy', s2: 'healthy', s3: 'unhealthy', s4: 'healthy' };
  for (let i = 0; i < 9; i++) {
    const r = await answerSurvey(stack.base, run.code, answers, { 'Sec-Fetch-Site': 'none' });
    assert.ok(r.status < 300, `survey answer ${r.status} ${r.text}`);
  }
  at(TODAY);
  const lead = api(stack.base, await tokenFor(stack, 'campaign@lantern.example'));
  await ok(lead.post('/api/v1/pledges', { employer: 'Basildon Engineering', sector: 'employer', area: 'basildon', signed_on: '2025-06-01', contact_role: 'HR manager' }));
  // Targets for the year, which its quarters are judged against: O5.1 met, O5.3 within 10%, O1.4 not met.
  for (const [id, value] of [['O5.1', 1], ['O5.3', 24], ['O1.4', 150]]) {
    await ok(admin.put(`/api/v1/targets/${id}/target/${FY}/greater-essex`, { value }), 200);
  }
});

after(async () => {
  await stack?.stop();
  fs.rmSync(clockDir, { recursive: true, force: true });
});

/** The text of an HTML fragment, tags removed and spaces collapsed. */
const text = (html) => html.replace(/<[^>]*>/g, ' ').replace(/&amp;/g, '&').replace(/\s+/g, ' ').trim();

/** The summary's rows: { id, cells: [value, year before, target, status], html }. */
function summaryRows(html) {
  const table = html.match(/<table class="govuk-table lantern-summary"[\s\S]*?<\/table>/)?.[0];
  assert.ok(table, 'a summary table');
  return [...table.split('<tbody')[1].matchAll(/<tr[^>]*data-indicator="([^"]+)"[^>]*>([\s\S]*?)<\/tr>/g)].map(([, id, row]) => ({
    id, html: row, link: row.match(/<th[^>]*>\s*<a[^>]*href="([^"]+)"/)?.[1],
    cells: [...row.matchAll(/<td[^>]*>([\s\S]*?)<\/td>/g)].map((c) => text(c[1])),
  }));
}

/** What an indicator's section says: its figure, and each row of its list by key. */
function section(html, id) {
  const s = html.match(new RegExp(`<section class="lantern-indicator" id="${id.replace('.', '\\.')}">([\\s\\S]*?)</section>`))?.[1];
  assert.ok(s, `a section for ${id}`);
  const rows = Object.fromEntries([...s.matchAll(/<dt[^>]*>([\s\S]*?)<\/dt>\s*<dd[^>]*>([\s\S]*?)<\/dd>/g)].map(([, k, v]) => [text(k), v]));
  return { value: text(s.match(/lantern-indicator__value"><span[^>]*>([^<]*)</)[1]), rows };
}

test('the summary comes first and shows each indicator\'s own figures, the year before, target and status', async () => {
  const page = await web.get(`/indicators?period=${Q}&area=greater-essex`);
  assert.equal(page.status, 200);
  // Before every section and before the filters.
  const at = (s) => page.text.indexOf(s);
  assert.ok(at('lantern-summary') > 0 && at('lantern-summary') < at('id="filters"') && at('id="filters"') < at('<section'));
  const rows = summaryRows(page.text);
  const json = (await analyst.get(`/api/v1/indicators?period=${Q}&area=greater-essex`)).json;
  assert.deepEqual(rows.map((r) => r.id), json.map((r) => r.id), 'every indicator, in order');
  for (const row of rows) {
    assert.equal(row.link, `#${row.id}`, `${row.id} links to its section`);
    const s = section(page.text, row.id);
    const [value, prior, target, status] = row.cells;
    // The same figure as the section; a suppressed one says so in fewer words.
    assert.ok(value === s.value || (value === 'Suppressed' && s.value.startsWith('Suppressed: ')), `${row.id}: ${value} / ${s.value}`);
    assert.equal(prior, text(s.rows['A year before (FY2024-25-Q4)']).replace(/^Suppressed: .*/, 'Suppressed'), `${row.id} a year before`);
    assert.equal(`${target} ${status}`.replace('Not set ', ''), text(s.rows.Target).replace('Not set ', ''), `${row.id} target and status`);
    const rag = json.find((r) => r.id === row.id).rag;
    assert.equal(status, { green: 'Met', amber: 'Nearly met', red: 'Not met' }[rag] ?? (target === 'Not set' ? 'No target' : 'No figure'), row.id);
  }
  const byId = Object.fromEntries(rows.map((r) => [r.id, r]));
  // Targets for the year judge its quarter: shape, colour and words together.
  assert.deepEqual(byId['O5.1'].cells, ['1', '0', '1', 'Met']);
  assert.match(byId['O5.1'].html, /govuk-tag--green lantern-rag"><svg class="lantern-rag__shape"[^>]*aria-hidden="true"[^>]*><circle/);
  assert.deepEqual(byId['O5.3'].cells, ['22.2%', 'No records', '24.0%', 'Nearly met']);
  assert.match(byId['O5.3'].html, /govuk-tag--orange lantern-rag"><svg[^>]*><path/);
  assert.deepEqual(byId['O1.4'].cells, ['80', '0', '150', 'Not met']);
  assert.match(byId['O1.4'].html, /govuk-tag--red lantern-rag"><svg[^>]*><rect/);
  assert.deepEqual(byId['O1.2'].cells.slice(2), ['Not set', 'No target']);
  // The 9-response run is suppressed here too; the year before had no responses at all.
  assert.deepEqual(byId['O1.5'].cells.slice(0, 2), ['Suppressed', 'No responses']);
  assert.deepEqual(json.filter((r) => r.rag).map((r) => [r.id, r.rag]), [['O1.4', 'red'], ['O5.1', 'green'], ['O5.3', 'amber']]);
  assert.equal(json.find((r) => r.id === 'O5.3').status, 'off-track', 'nearly met is not on track');
  // The rule is on the page.
  assert.match(page.text, /Nearly met: within 10% of it/);
});

test('"No responses" where nothing was answered; "Suppressed" where fewer than 10 were', async () => {
  const page = await web.get(`/indicators?period=${Q}&area=greater-essex`);
  const o15 = section(page.text, 'O1.5'), o57 = section(page.text, 'O5.7');
  assert.equal(o15.value, 'Suppressed: fewer than 10 responses');
  assert.equal(text(o15.rows['A year before (FY2024-25-Q4)']), 'No responses');
  assert.equal(text(o15.rows['Before the programme (pre)']), 'No responses (0 responses)');
  assert.equal(o57.value, 'No responses', 'the session was not evaluated');
  assert.doesNotMatch(page.text, /Suppressed: fewer than 10 responses<\/dd>/, 'no year before reads "Suppressed"');
  const figure = async (period, id) => (await analyst.get(`/api/v1/indicators?period=${period}&area=greater-essex`)).json.find((r) => r.id === id);
  const now = await figure(Q, 'O1.5'), then = await figure('FY2024-25-Q4', 'O1.5');
  assert.deepEqual([now.suppressed, now.no_responses, now.value], [true, false, null]);
  assert.deepEqual([then.suppressed, then.no_responses, then.pre.no_responses], [true, true, true]);
  assert.equal((await figure(Q, 'O5.7')).no_responses, true);
});

test('the period is chosen from a list of the periods that exist; the dashboard opens on the latest quarter holding a record', async () => {
  const page = await web.get('/indicators');
  assert.equal(page.status, 200);
  const select = page.text.match(/<select class="govuk-select" id="period" name="period"[\s\S]*?<\/select>/)?.[0];
  assert.ok(select, 'a select named period');
  assert.match(page.text, /<label class="govuk-label" for="period">Period<\/label>/);
  const options = [...select.matchAll(/<option value="([^"]+)"( selected)?>([^<]*)<\/option>/g)].map(([, v, sel, label]) => ({ v, sel: !!sel, label }));
  // From the quarter of the first record (May 2025) to today's, newest first; never one not begun.
  assert.deepEqual(options.filter((o) => o.v.includes('-Q')).map((o) => o.v),
    ['FY2026-27-Q3', 'FY2026-27-Q2', 'FY2026-27-Q1', 'FY2025-26-Q4', 'FY2025-26-Q3', 'FY2025-26-Q2', 'FY2025-26-Q1']);
  assert.deepEqual(options.filter((o) => /^FY\d{4}-\d\d$/.test(o.v)).map((o) => o.v), ['FY2026-27', 'FY2025-26']);
  assert.deepEqual(options.filter((o) => o.v.startsWith('AY')).map((o) => o.v), ['AY2026-27', 'AY2025-26', 'AY2024-25']);
  assert.deepEqual(options.filter((o) => /^\d{4}$/.test(o.v)).map((o) => o.v), ['2026', '2025']);
  assert.deepEqual([...select.matchAll(/<optgroup label="([^"]+)">/g)].map((m) => m[1]),
    ['Quarters of financial years', 'Financial years', 'Academic years', 'Calendar years']);
  assert.equal(options.find((o) => o.v === 'FY2026-27-Q3').label, 'FY2026-27-Q3: October to December 2026');
  // The default: the last quarter with a record (the March session), not the last quarter ended (FY2026-27-Q2).
  assert.deepEqual(options.filter((o) => o.sel).map((o) => o.v), [Q]);
  assert.match(page.text, new RegExp(`<span class="govuk-caption-l">Greater Essex, ${Q}</span>`));
  assert.equal((await analyst.get('/api/v1/indicators')).json[0].period, Q, 'the API\'s default is the same');
  // The text form still works for any period name, in the address and the API; one not listed leads the list.
  const month = await web.get('/indicators?period=2026-03&area=essex');
  assert.equal(month.status, 200);
  assert.match(month.text, /<optgroup label="Chosen"><option value="2026-03" selected>2026-03: March 2026<\/option><\/optgroup>/);
  assert.equal((await analyst.get('/api/v1/indicators?period=2026-03')).status, 200);
  const bad = await web.get('/indicators?period=FY2025');
  assert.equal(bad.status, 400);
  assert.match(bad.text, /href="#period"/);
  assert.match(bad.text, /<select class="govuk-select govuk-select--error" id="period"/);
});

test('dates read as the service writes them', async () => {
  const page = await web.get(`/indicators?period=${Q}&area=greater-essex`);
  assert.match(page.text, /<p class="govuk-body">1 January 2026 to 31 March 2026\. Figures count everything/);
  assert.doesNotMatch(page.text, /\b\d{1,2}\/\d{1,2}\/\d{4}\b/, 'no 1/1/2026');
  const drill = await web.get(`/indicators/O1.4?period=${FY}&area=greater-essex`);
  assert.match(drill.text, /<p class="govuk-body">1 April 2025 to 31 March 2026\.<\/p>/);
  assert.match(drill.text, /<td class="govuk-table__cell">15 May 2025<\/td>/);
  assert.doesNotMatch(drill.text, />2025-05-15</);
  const pledges = await web.get(`/indicators/O5.6?period=${FY}&area=greater-essex`);
  assert.match(pledges.text, /<td class="govuk-table__cell">1 June 2025<\/td>/);
});

test('drill-downs name things; the API keeps its codes and adds names', async () => {
  const cells = (html) => [...html.split('What is counted')[1].matchAll(/<td[^>]*>([\s\S]*?)<\/td>/g)].map((c) => text(c[1]));
  const sessions = cells((await web.get(`/indicators/O5.1?period=${Q}&area=greater-essex`)).text);
  assert.ok(sessions.includes('Recognising and responding to domestic abuse'), sessions.join(' | '));
  assert.ok(sessions.includes('Chelmsford'), 'the area by its name');
  assert.ok(!sessions.includes('recognising-and-responding') && !sessions.includes('chelmsford'), sessions.join(' | '));
  const deliveries = cells((await web.get(`/indicators/O1.4?period=${FY}&area=greater-essex`)).text);
  for (const name of ['What most of us really think', 'Healthy and unhealthy relationships', 'Secondary']) assert.ok(deliveries.includes(name), name);
  for (const code of ['social-norms', 'healthy-relationships', 'secondary']) assert.ok(!deliveries.includes(code), code);
  const pledges = cells((await web.get(`/indicators/O5.6?period=${FY}&area=greater-essex`)).text);
  assert.deepEqual(pledges, ['Basildon Engineering', 'Employer', 'Basildon', '1 June 2025']);
  const row = (await analyst.get(`/api/v1/indicators?period=${Q}&area=chelmsford`)).json[0];
  assert.deepEqual([row.area, row.area_name], ['chelmsford', 'Chelmsford']);
});

test('figures to their precision: 22.2 in JSON, CSV and pages, never 22.199999999999999', async () => {
  const raw = await analyst.get(`/api/v1/indicators?period=${Q}&area=greater-essex`);
  assert.match(raw.text, /"id":"O5.3"[^}]*"value":22.2,/);
  assert.doesNotMatch(raw.text, /\d\.\d*9999|\d\.\d*0000\d/, 'no float noise anywhere in the JSON');
  assert.equal(raw.json.find((r) => r.id === 'O5.3').value, 22.2);
  const exported = await web.get(`/indicators/export?period=${Q}&area=greater-essex&format=json`);
  assert.match(exported.text, /"value":22.2,/);
  const cli = await stack.cli(['indicators', '--period', Q, '--format', 'json']);
  assert.match(cli.stdout, /"value":22.2,/);
  // CSV: rates to one decimal even when whole (2 of 5 secondary settings delivered in the year: 40.0).
  const csv = (await analyst.get(`/api/v1/indicators?period=${FY}&area=greater-essex&format=csv`)).text.trim().split('\r\n');
  const header = csv[0].split(',');
  const value = (id) => csv.find((l) => l.startsWith(`${id},`)).match(/("([^"]|"")*"|[^,]*)(,|$)/g)[header.indexOf('value')].replace(/,$/, '');
  assert.equal(value('O5.3'), '22.2');
  assert.equal(value('O1.2'), '40.0');
  assert.equal(value('O1.4'), '200');
  const page = await web.get(`/indicators?period=${Q}&area=greater-essex`);
  assert.equal(section(page.text, 'O5.3').value, '22.2%');
  // Each chart's bars read as the table of the same quarters beside it (a rate of 20 is 20.0%).
  for (const id of ['O1.2', 'O1.4', 'O5.3']) {
    const s = page.text.match(new RegExp(`<section class="lantern-indicator" id="${id.replace('.', '\\.')}">([\\s\\S]*?)</section>`))[1];
    const bars = [...s.matchAll(/<text class="lantern-chart__value[^"]*"[^>]*>([^<]*)<\/text>/g)].map((m) => m[1]);
    const table = s.split('Last eight quarters</caption>')[1];
    const cells = [...table.matchAll(/<td class="govuk-table__cell govuk-table__cell--numeric">([^<]*)<\/td>/g)].map((m) => m[1]);
    assert.equal(bars.length, 8, `${id}: a value or a dash over every quarter`);
    assert.deepEqual(bars.map((b, i) => (b === '–' ? cells[i] : b)), cells, `${id}: the chart's figures are the table's`);
  }
  assert.match(page.text, /<text class="lantern-chart__value"[^>]*>20\.0%<\/text>/, 'a whole rate keeps its decimal');
  assert.match(page.text, /22\.2%<\/span> <span class="govuk-body-s">\(2 of 9\)<\/span>/);
});

test('reach: the chart ends at today and labels every other month at most', async () => {
  at('2026-05-01T09:00:00Z');
  const lead = api(stack.base, await tokenFor(stack, 'campaign@lantern.example'));
  const placement = await ok(lead.post('/api/v1/campaigns/workplace-coercive-control/placements', {
    material: 'poster', place: 'Basildon library', area: 'basildon', quantity: 2, placed_on: '2026-05-01' }));
  for (const when of ['2026-05-02T10:00:00Z', '2026-11-02T10:00:00Z']) {
    at(when);
    assert.equal((await fetch(`${stack.base}/c/${placement.code}`, { redirect: 'manual' })).status, 303);
  }
  await waitUntil(() => Number(sqlite(stack.dbPath, 'SELECT count(*) FROM scans')) >= 2, 'two scans written');
  at(TODAY);
  const year = (await analyst.get('/api/v1/campaigns/workplace-coercive-control/reach?period=FY2026-27')).json;
  assert.deepEqual([year.from, year.to], ['2026-04-01', '2027-04-01'], 'the period asked for');
  assert.deepEqual(year.scans_by_month.map((m) => m.label),
    ['Apr 2026', 'May 2026', 'Jun 2026', 'Jul 2026', 'Aug 2026', 'Sep 2026', 'Oct 2026', 'Nov 2026'], 'no month after today');
  assert.equal(year.scans, 2);
  // Left blank: the campaign so far, to today (not to the campaign's end in March 2027).
  const sofar = (await analyst.get('/api/v1/campaigns/workplace-coercive-control/reach')).json;
  assert.equal(sofar.to, '2026-11-23');
  assert.equal(sofar.scans_by_month.at(-1).label, 'Nov 2026');

  const page = (await loggedIn(stack, 'campaign@lantern.example')).get('/campaigns/workplace-coercive-control/reach?period=FY2026-27');
  const html = (await page).text;
  const svg = html.match(/<svg class="lantern-chart"[\s\S]*?<\/svg>/)[0];
  const labels = [...svg.matchAll(/<text class="lantern-chart__label lantern-chart__label--middle" x="(\d+)"[^>]*>([^<]*)<\/text>/g)].map((m) => [Number(m[1]), m[2]]);
  assert.deepEqual(labels.map((l) => l[1]), ['May 2026', 'Jul 2026', 'Sep 2026', 'Nov 2026'], 'every other month, ending with this one');
  assert.equal(svg.match(/class="lantern-chart__bar"/g).length, 8, 'a bar for each month to today');
  assert.match(html, /From 1 April 2026 to 22 November 2026:/);
  // The dashboard now opens on this quarter: a scan in November is its latest record.
  const dash = await web.get('/indicators');
  assert.match(dash.text, /<option value="FY2026-27-Q3" selected>/);
});

// What people enter is read once a request (app/indicator_reads.c) and never kept past it: an edit
// shows on the very next view, in the summary, the section, the breakdown above and the export.
test('an edited target, baseline or external figure shows on the very next view of the dashboard', async () => {
  const shown = async () => {
    const essex = (await web.get(`/indicators?period=${FY}&area=essex`)).text;
    const [value, , target] = summaryRows(essex).find((r) => r.id === 'O1.7').cells;
    const s = section(essex, 'O1.7');
    const above = (await web.get(`/indicators?period=${FY}&area=greater-essex`)).text.split('id="breakdown"')[1];
    const row = above.match(/<tr[^>]*><th[^>]*>O1\.7 [\s\S]*?<\/tr>/)[0];
    const exported = (await analyst.get(`/api/v1/indicators?period=${FY}&area=essex`)).json.find((r) => r.id === 'O1.7');
    return { value, target, section: s.value, baseline: text(s.rows.Baseline), source: text(s.rows.Source),
      breakdown: [...row.matchAll(/<td[^>]*>([\s\S]*?)<\/td>/g)].map((c) => text(c[1])).filter((c) => c !== 'Not yet provided'),
      exported: [exported.value, exported.target, exported.baseline, exported.source, exported.note] };
  };
  for (const [target, baseline, figure, note] of [[10, 20, 12, 'First count'], [9, 21, 11, 'Corrected']]) {
    await ok(admin.put(`/api/v1/targets/O1.7/target/${FY}/essex`, { value: target }), 200);
    await ok(admin.put('/api/v1/targets/O1.7/baseline/FY2024-25/essex', { value: baseline }), 200);
    await ok(analyst.put(`/api/v1/figures/O1.7/${FY}/essex`, { value: figure, source: 'Essex Police', note }), 200);
    assert.deepEqual(await shown(), {
      value: String(figure), target: String(target), section: String(figure), baseline: `${baseline} (FY2024-25)`,
      source: `Essex Police. ${note}`, breakdown: [String(figure)], exported: [figure, target, baseline, 'Essex Police', note],
    });
  }
});

test('the periods offered follow a new record at once, though the records\' dates are kept between requests', async () => {
  const quarters = async () => {
    const page = await web.get('/indicators');
    assert.equal(page.status, 200);
    const select = page.text.match(/<select class="govuk-select" id="period" name="period"[\s\S]*?<\/select>/)[0];
    return [...select.matchAll(/<option value="(FY[^"]+-Q\d)"/g)].map((m) => m[1]);
  };
  const before = await quarters();
  assert.equal(before.at(-1), 'FY2025-26-Q1', 'the first record is in May 2025');
  assert.deepEqual(await quarters(), before, 'the same again (kept, with the clock pinned)');
  // A pledge signed a year before anything else: the list reaches back to its quarter on the next view.
  const lead = api(stack.base, await tokenFor(stack, 'campaign@lantern.example'));
  const pledge = await ok(lead.post('/api/v1/pledges', { employer: 'Early Pledge Ltd', sector: 'employer', area: 'basildon', signed_on: '2024-05-10', contact_role: 'Owner' }));
  const after = await quarters();
  assert.equal(after.at(-1), 'FY2024-25-Q1');
  assert.deepEqual(after.slice(0, before.length), before);
  // And back when it goes (its removal is another version).
  sqlite(stack.dbPath, `DELETE FROM employer_pledges WHERE id = ${pledge.id}`);
  assert.deepEqual(await quarters(), before);
});
