// Campaigns end to end: the catalogue loader on good and hostile files, placements and their print
// files (the QR code in the SVG and in A4/A3 PDFs decodes to the placement's /c/{code} address),
// scans counted once per request, 1,000 concurrent scans through nginx all counted, none lost at a
// clean shutdown, the public landing pages (no cookies, no referrer, Exit this page, lang and dir),
// anonymous feedback, reach, other reach and employer pledges, and who may do what.

import test, { after, before, describe } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {
  api, assertSecurityHeaders, childPids, Client, csrfFrom, decodePdfQrAll, decodeQrSvgAll, loggedIn, ROOT,
  onPostgres, runLantern, sqlite, startStack, tokenFor,
} from './lib.mjs';
import { londonDate } from './periods.mjs';
import { psqlArgs, WRITE_LOCK } from './postgres.mjs';

const CAMPAIGN = 'sixteen-days-2026';
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

function tmpDir(prefix) {
  return fs.mkdtempSync(path.join(os.tmpdir(), prefix));
}

const decodeSvg = (svg) => decodeQrSvgAll(svg);
const decodePdf = (pdf) => decodePdfQrAll(pdf);

function pdfPageSize(pdf) {
  const dir = tmpDir('lantern-pdf-');
  try {
    fs.writeFileSync(path.join(dir, 'm.pdf'), pdf);
    const info = execFileSync('pdfinfo', [path.join(dir, 'm.pdf')], { encoding: 'utf8' });
    return info.match(/Page size:\s+([\d.]+) x ([\d.]+) pts/).slice(1).map(Number);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

function pdfText(pdf) {
  const dir = tmpDir('lantern-pdf-');
  try {
    fs.writeFileSync(path.join(dir, 'm.pdf'), pdf);
    return execFileSync('pdftotext', [path.join(dir, 'm.pdf'), '-'], { encoding: 'utf8' });
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

/** Runs one query on the stack's database (either engine: lib.mjs). */
function sql(dbPath, query) {
  return sqlite(dbPath, query);
}

async function waitFor(cond, ms, what) {
  const deadline = Date.now() + ms;
  for (;;) {
    const v = await cond();
    if (v) return v;
    if (Date.now() > deadline) assert.fail(`timed out after ${ms} ms waiting for ${what}`);
    await sleep(50);
  }
}

/** Runs fn over items with at most `limit` in flight. */
async function pool(items, limit, fn) {
  const results = new Array(items.length);
  let next = 0;
  const workers = Array.from({ length: limit }, async () => {
    while (next < items.length) {
      const i = next++;
      results[i] = await fn(items[i], i);
    }
  });
  await Promise.all(workers);
  return results;
}

const rawGet = (base, p) => fetch(base + p, { redirect: 'manual', signal: AbortSignal.timeout(30_000) })
  .then(async (res) => { await res.arrayBuffer(); return res; });

describe('campaign catalogue', () => {
  /** A copy of the shipped catalogue with extra files from tests/data/campaigns. */
  function catalogueWith(files) {
    const dir = tmpDir('lantern-catalog-');
    fs.cpSync(path.join(ROOT, 'courses'), path.join(dir, 'courses'), { recursive: true });
    fs.cpSync(path.join(ROOT, 'campaigns'), path.join(dir, 'campaigns'), { recursive: true });
    for (const f of files) fs.copyFileSync(path.join(ROOT, 'tests/data/campaigns', f), path.join(dir, 'campaigns', path.basename(f)));
    return dir;
  }
  const check = (dir) => runLantern(null, ['--catalog', 'check'], { env: dir ? { LANTERN_CATALOG_DIR: dir } : {} });

  test('the shipped campaigns and help pages validate', async () => {
    const r = await check();
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /2 campaigns, help in 2 languages/);
  });

  const cases = [
    ['invalid.xml', /invalid\.xml:6: .*summary.*Expected is \( ends \)/],
    ['external-entity.xml', /external-entity\.xml:2: a DOCTYPE or entity declaration is not allowed/],
    ['entity-bomb.xml', /entity-bomb\.xml:2: a DOCTYPE or entity declaration is not allowed/],
    ['not-well-formed.xml', /not-well-formed\.xml:\d+: /],
    ['unknown-language.xml', /unknown-language\.xml:\d+: help\.xml has no page in ro/],
  ];
  for (const [file, expected] of cases) {
    test(`refuses ${file} cleanly, with file and line`, async () => {
      const dir = catalogueWith([file]);
      try {
        const r = await check(dir);
        assert.equal(r.code, 1, `exit code\n${r.stdout}${r.stderr}`);
        assert.match(r.stderr, expected);
        assert.doesNotMatch(r.stderr, /root:/, 'no file contents leak into the errors');
      } finally {
        fs.rmSync(dir, { recursive: true, force: true });
      }
    });
  }

  test('refuses a print template with a script or event handler', async () => {
    const dir = catalogueWith(['bad-template.xml']);
    fs.copyFileSync(path.join(ROOT, 'tests/data/campaigns/templates/scripted.svg'), path.join(dir, 'campaigns/templates/scripted.svg'));
    try {
      const r = await check(dir);
      assert.equal(r.code, 1);
      assert.match(r.stderr, /scripted\.svg:3: <script> is not allowed in a print template/);
      assert.match(r.stderr, /scripted\.svg:4: the event attribute onclick is not allowed/);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('campaigns through nginx', () => {
  let stack;
  let lead; // API client as the campaign lead
  let analyst;
  let practitioner;
  before(async () => {
    stack = await startStack({ demo: true, threads: 4 });
    lead = api(stack.base, await tokenFor(stack, 'campaign@lantern.example'));
    analyst = api(stack.base, await tokenFor(stack, 'analyst@lantern.example'));
    practitioner = api(stack.base, await tokenFor(stack, 'practitioner@lantern.example'));
  });
  after(async () => {
    if (stack) await stack.stop();
  });

  async function place(body) {
    const res = await lead.post(`/api/v1/campaigns/${CAMPAIGN}/placements`, {
      material: 'poster', place: 'Test library', area: 'southend', quantity: 3, placed_on: '2026-11-20', ...body,
    });
    assert.equal(res.status, 201, res.text);
    return res.json;
  }
  const scansOf = (id) => Number(sql(stack.dbPath, `SELECT count(*) FROM scans WHERE placement_id = ${Number(id)}`));

  test('GET /api/v1/campaigns lists the catalogue with materials and languages', async () => {
    const res = await analyst.get('/api/v1/campaigns');
    assert.equal(res.status, 200);
    const c = res.json.find((x) => x.id === CAMPAIGN);
    assert.ok(c, 'the 16 days campaign is listed');
    assert.deepEqual(c.languages, ['en', 'pl']);
    assert.ok(c.partners.length >= 2);
    assert.deepEqual(c.materials.map((m) => m.kind).sort(), ['card', 'leaflet', 'poster', 'poster']);
  });

  test('a placement gets a short code; its QR code in SVG, A4 and A3 PDF decodes to exactly its /c/{code}', async () => {
    const p = await place({});
    assert.match(p.code, /^[0-9a-hjkmnp-tv-z]{10}$/);
    assert.equal(p.url, `${stack.base}/c/${p.code}`);
    for (const k of ['id', 'material', 'place', 'area', 'quantity', 'placed_on', 'code', 'url']) assert.ok(k in p, k);

    const svg = await lead.get(p.svg);
    assert.equal(svg.status, 200);
    assert.match(svg.headers.get('content-type'), /^image\/svg\+xml/);
    assert.doesNotMatch(svg.text, /<script|\son\w+=/i);
    assert.deepEqual(decodeSvg(svg.text), [p.url]);

    // The api helper reads bodies as text; PDFs are fetched as bytes.
    const token = await tokenFor(stack, 'campaign@lantern.example');
    for (const [k, size] of [['pdf_a4', [595, 842]], ['pdf_a3', [842, 1191]]]) {
      const res = await fetch(stack.base + p[k], { headers: { Authorization: `Bearer ${token}` } });
      assert.equal(res.status, 200, k);
      assert.equal(res.headers.get('content-type'), 'application/pdf');
      const pdf = Buffer.from(await res.arrayBuffer());
      assert.equal(pdf.subarray(0, 5).toString(), '%PDF-');
      assert.deepEqual(pdfPageSize(pdf).map(Math.round), size, `${k} page size in points`);
      assert.deepEqual(decodePdf(pdf), [p.url], `${k} decodes`);
      assert.ok(pdfText(pdf).includes(p.url), `${k}: the address is printed under the code`);
    }
  });

  test('pocket cards print many to a sheet, every copy carrying the same code', async () => {
    const p = await place({ material: 'card', language: 'pl' });
    const token = await tokenFor(stack, 'campaign@lantern.example');
    const res = await fetch(stack.base + p.pdf_a4, { headers: { Authorization: `Bearer ${token}` } });
    const codes = decodePdf(Buffer.from(await res.arrayBuffer()));
    assert.ok(codes.length >= 4, `${codes.length} cards decoded`);
    assert.deepEqual([...new Set(codes)], [p.url]);
  });

  test('placement input is validated and errors name the field', async () => {
    const bad = [
      [{ material: 'no-such' }, 'material'],
      [{ place: '' }, 'place'],
      [{ area: 'essex' }, 'area'], // not a district
      [{ quantity: 0 }, 'quantity'],
      [{ quantity: '12abc' }, 'quantity'],
      [{ placed_on: '2026-02-30' }, 'placed_on'],
      [{ language: 'ro' }, 'language'],
      [{ place: 'x'.repeat(161) }, 'place'],
    ];
    for (const [body, field] of bad) {
      const res = await lead.post(`/api/v1/campaigns/${CAMPAIGN}/placements`, {
        material: 'poster', place: 'Somewhere', area: 'southend', quantity: 1, placed_on: '2026-11-20', ...body,
      });
      assert.equal(res.status, 422, JSON.stringify(body));
      assert.equal(res.json.field, field, JSON.stringify(body));
    }
    assert.equal((await lead.post('/api/v1/campaigns/no-such-campaign/placements', {})).status, 404);
  });

  test('roles: leads and admins place; analysts read; others are refused', async () => {
    assert.equal((await analyst.post(`/api/v1/campaigns/${CAMPAIGN}/placements`, {})).status, 403);
    assert.equal((await analyst.get(`/api/v1/campaigns/${CAMPAIGN}/reach`)).status, 200);
    assert.equal((await practitioner.get('/api/v1/campaigns')).status, 403);
    assert.equal((await practitioner.get(`/api/v1/campaigns/${CAMPAIGN}/reach`)).status, 403);
    assert.equal((await api(stack.base).get('/api/v1/campaigns')).status, 401);
    const c = await loggedIn(stack, 'practitioner@lantern.example');
    assert.equal((await c.get('/campaigns')).status, 403);
    const anon = new Client(stack.base);
    assert.equal((await anon.get('/placements/1/a4.pdf')).status, 303, 'signed-out browsers go to the login page');
  });

  test('the web form records a placement and offers its print files', async () => {
    const c = await loggedIn(stack, 'campaign@lantern.example');
    const form = await c.get(`/campaigns/${CAMPAIGN}/placements/new`);
    assert.equal(form.status, 200);
    const bad = await c.postForm(`/campaigns/${CAMPAIGN}/placements`, { csrf: csrfFrom(form.text), material: 'poster' });
    assert.equal(bad.status, 400);
    assert.match(bad.text, /href="#place"/, 'the error summary links to the field');
    const res = await c.postForm(`/campaigns/${CAMPAIGN}/placements`, {
      csrf: csrfFrom(form.text), material: 'poster-pl', place: 'Polish church hall', area: 'basildon', quantity: '2',
      placed_on: '2026-11-21', language: '',
    });
    assert.equal(res.status, 303, res.text.slice(0, 300));
    const loc = res.headers.get('location');
    assert.match(loc, /^\/placements\/\d+\?done=1$/);
    const page = await c.get(loc);
    assert.equal(page.status, 200);
    assert.match(page.text, /a4\.pdf/);
    assert.match(page.text, /a3\.pdf/);
    const id = loc.match(/\d+/)[0];
    const svg = await c.get(`/placements/${id}/material.svg`);
    const [url] = decodeSvg(svg.text);
    const scan = await rawGet(stack.base, new URL(url).pathname);
    assert.equal(scan.status, 303);
    assert.equal(scan.headers.get('location'), `/help/${CAMPAIGN}?lang=pl`, 'a Polish poster lands on the Polish page');
  });

  test('/c/{code} counts each request exactly once and redirects to the landing page in its language', async () => {
    const p = await place({ language: 'pl' });
    for (let i = 0; i < 5; i++) {
      const res = await rawGet(stack.base, `/c/${p.code}`);
      assert.equal(res.status, 303);
      assert.equal(res.headers.get('location'), `/help/${CAMPAIGN}?lang=pl`);
      assert.equal(res.headers.getSetCookie().length, 0, 'no cookie');
      assertSecurityHeaders(res, '/c/{code}');
    }
    // Upper case and the look-alike letters a person might type still find the placement.
    const typed = p.code.toUpperCase().replace(/0/g, 'O').replace(/1/g, 'l');
    assert.equal((await rawGet(stack.base, `/c/${typed}`)).headers.get('location'), `/help/${CAMPAIGN}?lang=pl`);
    await waitFor(() => scansOf(p.id) >= 6, 30_000, '6 scans written');
    assert.equal(scansOf(p.id), 6);
    await sleep(600); // two more flush intervals: nothing is written twice
    assert.equal(scansOf(p.id), 6);
    const row = sql(stack.dbPath, `SELECT * FROM scans WHERE placement_id = ${p.id} LIMIT 1`).split('|');
    assert.equal(row.length, 3, 'a scan is an id, a placement and a time: nothing else');
  });

  test('an unknown or malformed code goes to the general help page, not an error', async () => {
    for (const code of ['zzzzzzzzzz', 'not-a-code!', 'a'.repeat(40), '%E2%82%AC']) {
      const res = await rawGet(stack.base, `/c/${code}`);
      assert.equal(res.status, 303, code);
      assert.equal(res.headers.get('location'), '/help', code);
    }
  });

  test('1,000 concurrent scans through nginx are all counted', async () => {
    const p = await place({});
    const t0 = Date.now();
    const statuses = await pool(Array.from({ length: 1000 }), 200, () => rawGet(stack.base, `/c/${p.code}`).then((r) => r.status));
    const elapsed = Date.now() - t0;
    assert.deepEqual([...new Set(statuses)], [303]);
    await waitFor(() => scansOf(p.id) >= 1000, 30_000, '1000 scans written');
    assert.equal(scansOf(p.id), 1000);
    test.diagnostic?.(`1000 scans answered in ${elapsed} ms`);
  });

  test('the landing pages: no cookies, no referrer, Exit this page, lang and dir', async () => {
    for (const [p, lang] of [['/help', 'en'], ['/help?lang=pl', 'pl'], [`/help/${CAMPAIGN}`, 'en'],
      [`/help/${CAMPAIGN}?lang=pl`, 'pl'], [`/help/${CAMPAIGN}?lang=xx`, 'en'], ['/help/workplace-coercive-control', 'en']]) {
      const res = await rawGet(stack.base, p);
      const html = await (await fetch(stack.base + p)).text();
      assert.equal(res.status, 200, p);
      assert.equal(res.headers.getSetCookie().length, 0, `${p}: no Set-Cookie`);
      assert.equal(res.headers.get('referrer-policy'), 'no-referrer', p);
      assertSecurityHeaders(res, p);
      assert.match(html, new RegExp(`<html lang="${lang}" dir="ltr"`), p);
      assert.match(html, /<meta name="referrer" content="no-referrer">/, p);
      assert.match(html, /class="govuk-button govuk-button--warning govuk-exit-this-page__button/, `${p}: the button`);
      assert.match(html, /govuk-js-exit-this-page-skiplink/, `${p}: the skip link`);
      assert.match(html, /999/, `${p}: 999`);
      assert.match(html, /\b55\b/, `${p}: the silent call`);
      assert.match(html, /0808 2000 247/, `${p}: the national helpline`);
      assert.doesNotMatch(html, /style="/, `${p}: no inline styles`);
      for (const m of html.matchAll(/<(?:script|link|img)\b[^>]*(?:src|href)="([^"]+)"/g)) {
        assert.ok(m[1].startsWith('/'), `${p}: ${m[1]} is served by lantern itself`);
      }
    }
    const pl = await (await fetch(`${stack.base}/help/${CAMPAIGN}?lang=pl`)).text();
    assert.match(pl, /Opuść tę stronę/);
    assert.match(pl, /Nazwij to\. Poproś o pomoc\./);
    assert.match(pl, /hreflang="en"/, 'a link back to English');
    const workplace = await (await fetch(`${stack.base}/help/workplace-coercive-control`)).text();
    assert.match(workplace, /0808 8024 040/, 'local services from the campaign file');
    const gone = await rawGet(stack.base, '/help/no-such-campaign');
    assert.equal(gone.status, 303);
    assert.equal(gone.headers.get('location'), '/help');
  });

  const helpPage = () => fetch(`${stack.base}/help/workplace-coercive-control`).then((r) => r.text());
  const feedbackNow = async () => (await analyst.get('/api/v1/campaigns/workplace-coercive-control/reach')).json.feedback;
  const postFeedback = (page, fields, localAddress) => new Client(stack.base, { localAddress }).postForm('/help/feedback',
    { csrf: csrfFrom(page), page: 'workplace-coercive-control', lang: 'en', ...fields });

  test('"Was this page helpful?" is counted anonymously, without a cookie, once per page view', async () => {
    const page = await helpPage();
    const before = await feedbackNow();
    const yes = await postFeedback(page, { helpful: 'yes' });
    assert.equal(yes.status, 303);
    assert.equal(yes.headers.getSetCookie().length, 0);
    assert.match(yes.headers.get('location'), /thanks=1/);
    // The same form sent again (or with the other answer) is thanked but not counted.
    assert.equal((await postFeedback(page, { helpful: 'yes' })).status, 303);
    assert.equal((await postFeedback(page, { helpful: 'no' })).status, 303);
    assert.deepEqual(await feedbackNow(), { helpful: before.helpful + 1, not_helpful: before.not_helpful });
    // Another page view may vote; two views in the same second get different tokens.
    const [second, third] = await Promise.all([helpPage(), helpPage()]);
    assert.notEqual(csrfFrom(second), csrfFrom(third));
    assert.equal((await postFeedback(second, { helpful: 'no' })).status, 303);
    const missing = await postFeedback(third, {});
    assert.equal(missing.status, 400);
    assert.match(missing.text, /href="#helpful"/);
    assert.equal((await postFeedback(third, { helpful: 'yes', csrf: 'forged' })).status, 403);
    assert.deepEqual(await feedbackNow(), { helpful: before.helpful + 1, not_helpful: before.not_helpful + 1 });
  });

  test('one address cannot vote again and again with fresh page views: nginx limits POST /help/feedback', async () => {
    const before = await feedbackNow();
    const pages = await Promise.all(Array.from({ length: 30 }, helpPage));
    const statuses = [];
    for (const page of pages) statuses.push((await postFeedback(page, { helpful: 'yes' }, '127.0.0.8')).status);
    const counted = statuses.filter((s) => s === 303).length;
    // The burst (20) and the first request, plus one more for each 6 s (10r/m) a slow machine takes.
    assert.ok(counted >= 21 && counted <= 24, `${counted} of 30 accepted: ${statuses.join(' ')}`);
    assert.deepEqual([...new Set(statuses)].sort(), [303, 429]);
    assert.equal((await feedbackNow()).helpful, before.helpful + counted);
    // Another address is not held back.
    assert.equal((await postFeedback(await helpPage(), { helpful: 'yes' }, '127.0.0.9')).status, 303);
  });

  test('reach: periods, breakdowns, districts and other reach with its source', async () => {
    const all = await analyst.get('/api/v1/campaigns/workplace-coercive-control/reach');
    assert.equal(all.status, 200);
    assert.ok(all.json.scans > 0, 'demo scans are counted');
    assert.equal(all.json.by_material.reduce((n, m) => n + m.scans, 0), all.json.scans);
    assert.equal(all.json.by_district.reduce((n, m) => n + m.scans, 0), all.json.scans);
    assert.equal(all.json.districts_covered.length + all.json.districts_not_covered.length, 14);
    assert.ok(all.json.districts_covered.includes('basildon'));
    for (const period of ['2026', '2026-11', 'FY2026-27', 'FY2026-27-Q3']) {
      const res = await analyst.get(`/api/v1/campaigns/workplace-coercive-control/reach?period=${period}`);
      assert.equal(res.status, 200, period);
      assert.equal(res.json.period, period);
    }
    const q3 = await analyst.get('/api/v1/campaigns/workplace-coercive-control/reach?period=FY2026-27-Q3');
    assert.deepEqual([q3.json.from, q3.json.to], ['2026-10-01', '2027-01-01']);
    // Its months up to today (a month to come would only ever be drawn as zero), at least the first.
    const { y, m } = londonDate(Date.now());
    assert.equal(q3.json.scans_by_month.length, Math.max(1, Math.min(3, (y - 2026) * 12 + m - 9)));
    const bad = await analyst.get('/api/v1/campaigns/workplace-coercive-control/reach?period=FY2026-28');
    assert.equal(bad.status, 400);
    assert.equal(bad.json.field, 'period');

    const added = await lead.post('/api/v1/campaigns/workplace-coercive-control/reach', {
      kind: 'radio', happened_on: '2026-11-02', area: 'greater-essex', count: 5000, source: 'Station audience figures',
    });
    assert.equal(added.status, 201, added.text);
    const noSource = await lead.post('/api/v1/campaigns/workplace-coercive-control/reach', {
      kind: 'event', happened_on: '2026-11-02', area: 'harlow', count: 10,
    });
    assert.equal(noSource.status, 422);
    assert.equal(noSource.json.field, 'source');
    assert.equal((await analyst.post('/api/v1/campaigns/workplace-coercive-control/reach', {})).status, 403);
    const nov = await analyst.get('/api/v1/campaigns/workplace-coercive-control/reach?period=2026-11');
    assert.ok(nov.json.other_reach.some((x) => x.kind === 'radio' && x.count === 5000 && x.source === 'Station audience figures'));
    assert.ok(nov.json.scans_by_day, 'a month is shown day by day');

    const c = await loggedIn(stack, 'analyst@lantern.example');
    const page = await c.get('/campaigns/workplace-coercive-control/reach');
    assert.equal(page.status, 200);
    assert.match(page.text, /<svg class="lantern-chart"/);
    assert.match(page.text, /class="lantern-chart__bar"/);
    assert.match(page.text, /Districts not covered/);
    assert.doesNotMatch(page.text, /style="/, 'no inline styles (the CSP forbids them)');
    assert.doesNotMatch(page.text, /Record other reach/, 'analysts read only');
    // The period is chosen from a list: the whole campaign, or a period from its first day to today,
    // months too, newest first.
    const choices = (html) => {
      const select = html.match(/<select class="govuk-select[^"]*" id="period" name="period"[\s\S]*?<\/select>/)?.[0];
      assert.ok(select, 'a select named period');
      return [...select.matchAll(/<option value="([^"]*)"( selected)?>([^<]*)<\/option>/g)].map(([, v, sel, label]) => ({ v, sel: !!sel, label }));
    };
    const offered = choices(page.text);
    assert.deepEqual(offered[0], { v: '', sel: true, label: 'The whole campaign' });
    const [fy, fm] = all.json.from.split('-').map(Number);
    const months = [];
    for (let k = y * 12 + m - 1; k >= fy * 12 + fm - 1; k--) months.push(`${Math.floor(k / 12)}-${String(k % 12 + 1).padStart(2, '0')}`);
    assert.deepEqual(offered.filter((o) => /^\d{4}-\d\d$/.test(o.v)).map((o) => o.v), months, `months from ${all.json.from}`);
    assert.ok(offered.some((o) => o.v === 'FY2026-27' && o.label === 'FY2026-27: April 2026 to March 2027'), 'the financial year');
    assert.ok(offered.some((o) => o.v === 'FY2026-27-Q3'), 'its quarters');
    const chosen = choices((await c.get('/campaigns/workplace-coercive-control/reach?period=FY2026-27-Q3')).text);
    assert.deepEqual(chosen.filter((o) => o.sel).map((o) => o.v), ['FY2026-27-Q3']);
    // A period before the list begins, named in the address, leads it, chosen.
    const older = await c.get('/campaigns/workplace-coercive-control/reach?period=2025');
    assert.equal(older.status, 200);
    assert.match(older.text, /<optgroup label="Chosen"><option value="2025" selected>2025: January to December 2025<\/option><\/optgroup>/);
    const leadPage = await (await loggedIn(stack, 'campaign@lantern.example')).get('/campaigns/workplace-coercive-control/reach?period=nonsense');
    assert.equal(leadPage.status, 400);
    assert.match(leadPage.text, /href="#period"/);
    assert.match(leadPage.text, /<select class="govuk-select govuk-select--error" id="period"/);
  });

  test('employer pledges: register, validation, roles', async () => {
    const body = { employer: 'Test Widgets Ltd', sector: 'employer', area: 'harlow', signed_on: '2026-10-01', contact_role: 'HR manager' };
    const res = await lead.post('/api/v1/pledges', body);
    assert.equal(res.status, 201, res.text);
    assert.equal(res.json.employer, 'Test Widgets Ltd');
    assert.equal(res.json.contact_role, 'HR manager');
    const again = await lead.post('/api/v1/pledges', { ...body, employer: 'test widgets ltd' });
    assert.equal(again.status, 422);
    assert.equal(again.json.field, 'employer');
    for (const [patch, field] of [[{ sector: 'banking' }, 'sector'], [{ signed_on: '01/10/2026' }, 'signed_on'],
      [{ contact_role: '' }, 'contact_role'], [{ area: 'atlantis' }, 'area'], [{ campaign: 'nope' }, 'campaign']]) {
      const r = await lead.post('/api/v1/pledges', { ...body, employer: `Other ${field}`, ...patch });
      assert.equal(r.status, 422, field);
      assert.equal(r.json.field, field);
    }
    assert.equal((await analyst.post('/api/v1/pledges', body)).status, 403);
    const list = await analyst.get('/api/v1/pledges');
    assert.ok(list.json.some((p) => p.employer === 'Test Widgets Ltd'));
    const page = await (await loggedIn(stack, 'analyst@lantern.example')).get('/pledges');
    assert.match(page.text, /Test Widgets Ltd/);
  });
});

/** Holds the database's write lock from a sqlite3 shell (on PostgreSQL, psql: the advisory lock every
 * writer takes) until release() (which resolves once it has let go). */
async function holdWriteLock(dbPath) {
  const shell = onPostgres
    ? spawn('psql', psqlArgs(dbPath), { stdio: ['pipe', 'pipe', 'inherit'] })
    : spawn('sqlite3', [dbPath], { stdio: ['pipe', 'pipe', 'inherit'] });
  let out = '';
  shell.stdout.setEncoding('utf8').on('data', (d) => { out += d; });
  const exited = new Promise((resolve) => shell.on('exit', resolve));
  shell.stdin.write(onPostgres ? `BEGIN;\nSELECT pg_advisory_xact_lock(${WRITE_LOCK});\nSELECT 'held';\n`
    : ".timeout 10000\nBEGIN IMMEDIATE;\nSELECT 'held';\n");
  await waitFor(() => out.includes('held'), 15_000, 'the write lock');
  return { release: () => { shell.stdin.end('ROLLBACK;\n.quit\n'); return exited; } };
}

const threadsOf = (pid) => { try { return fs.readdirSync(`/proc/${pid}/task`).length; } catch { return 0; } };

describe('scans queued at shutdown', () => {
  test('a clean stop writes every scan still queued', async () => {
    const threads = 4;
    const stack = await startStack({ demo: true, threads });
    let p, writtenAtExit;
    // Registered before stop(): runs when the stack has exited and before stop() removes its data.
    stack.exited.then(() => {
      if (p) writtenAtExit = sql(stack.dbPath, `SELECT count(*) FROM scans WHERE placement_id = ${p.id}`);
    });
    let lock;
    try {
      const lead = api(stack.base, await tokenFor(stack, 'campaign@lantern.example'));
      p = (await lead.post(`/api/v1/campaigns/${CAMPAIGN}/placements`, {
        material: 'poster', place: 'Shutdown test', area: 'rochford', quantity: 1, placed_on: '2026-11-20',
      })).json;
      const written = () => sql(stack.dbPath, `SELECT count(*) FROM scans WHERE placement_id = ${p.id}`);
      // Nothing can write a scan while this is held, so every scan stays queued until we let go.
      lock = await holdWriteLock(stack.dbPath);
      const statuses = await pool(Array.from({ length: 300 }), 50, () => rawGet(stack.base, `/c/${p.code}`).then((r) => r.status));
      assert.deepEqual([...new Set(statuses)], [303]);
      assert.equal(written(), '0', 'the scans are queued, not written');
      // Stop, and wait until the workers of every serving process have gone: from then on no scan can
      // be queued.
      const children = childPids(stack.appPid());
      const threadsNow = () => children.reduce((n, pid) => n + threadsOf(pid), 0);
      const running = threadsNow();
      const stopped = stack.stop();
      await waitFor(() => threadsNow() <= running - threads * children.length, 20_000, 'the workers to stop');
      // Hold on past one busy timeout (5 s), so a write begun before the stop has failed and the one
      // that succeeds is made after it; then let go.
      await sleep(6000);
      assert.equal(written(), '0', 'every scan was still queued after the server stopped serving');
      await lock.release();
      lock = null;
      assert.equal(await stopped, 0, `clean exit\n${stack.output()}`);
      assert.equal(writtenAtExit, '300');
      assert.doesNotMatch(stack.output(), /could not be written/);
    } finally {
      await lock?.release();
      await stack.stop();
    }
  });
});
