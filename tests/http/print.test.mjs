// Print materials (issue 14): every material of every shipped campaign, placed in every landing
// language, printed at every paper size through the real stack, is read back from the PDF like a
// reader would: every phone number of its services (from the campaign file) and the web address stand
// whole on one line, no words run into other words or into the QR code and its quiet zone, everything
// lies inside the page's margins, and each QR code decodes to the configured public address
// (<base>/c/<code>). The preview (material.svg) is the same drawing: every glyph where the PDF has it.
// And the catalogue check refuses a phone number too long for its box, a template that places words at
// fixed positions or lets boxes overlap each other or the QR code, a machine without the print font, and
// (at serve) a public address too long to print.

import test, { after, before, describe } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { api, LANTERN, qrCodesIn, ROOT, runLantern, startStack, tokenFor } from './lib.mjs';

const MM = 72 / 25.4;
const MARGIN = 10 * MM; // print.c's margin
const SIZES = ['pdf_a4', 'pdf_a3'];
const BASE_URL = 'https://lantern.example.org'; // the public address, unlike the one the test reaches

function withTmp(fn) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lantern-print-'));
  try {
    return fn(dir);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

const unescape = (s) => s.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&quot;/g, '"').replace(/&#39;|&apos;/g, "'")
  .replace(/&amp;/g, '&');

// ---- what the campaign files say ----

/** The shipped campaigns: their landing languages and, per material, the phone numbers it prints and
 * whether its template has an address box. */
function shippedCampaigns() {
  const dir = path.join(ROOT, 'campaigns');
  return fs.readdirSync(dir).filter((f) => f.endsWith('.xml') && f !== 'help.xml').map((f) => {
    const xml = fs.readFileSync(path.join(dir, f), 'utf8');
    const phones = {}; // lang -> service name -> phone
    for (const [, lang, body] of xml.matchAll(/<landing lang="([^"]+)"[^>]*>([\s\S]*?)<\/landing>/g)) {
      phones[lang] = {};
      for (const [, name, phone] of body.matchAll(/<service>\s*<name>([^<]+)<\/name>\s*<phone>([^<]+)<\/phone>/g)) {
        phones[lang][unescape(name)] = phone;
      }
    }
    const materials = [...xml.matchAll(/<material id="([^"]+)"[^>]*lang="([^"]+)" template="([^"]+)">([\s\S]*?)<\/material>/g)]
      .map(([, id, lang, template, body]) => {
        const names = [...body.matchAll(/<service>([^<]+)<\/service>/g)].map((m) => unescape(m[1]));
        const svg = fs.readFileSync(path.join(dir, 'templates', template), 'utf8');
        return {
          id, lang, phones: names.map((n) => phones[lang][n]), address: /<(\w+:)?address\b/.test(svg),
        };
      });
    return { id: f.slice(0, -4), langs: Object.keys(phones), materials };
  });
}

// ---- what the PDF shows ----

/** The words of a one-page PDF with their boxes (points, from the top left), in lines, and the page size. */
function pdfText(pdf) {
  return withTmp((dir) => {
    fs.writeFileSync(path.join(dir, 'm.pdf'), pdf);
    const html = execFileSync('pdftotext', ['-bbox-layout', path.join(dir, 'm.pdf'), '-'], { encoding: 'utf8' });
    const [, width, height] = html.match(/<page width="([\d.]+)" height="([\d.]+)">/);
    const lines = [...html.matchAll(/<line [^>]*>([\s\S]*?)<\/line>/g)].map(([, body]) => {
      const words = [...body.matchAll(/<word xMin="([\d.-]+)" yMin="([\d.-]+)" xMax="([\d.-]+)" yMax="([\d.-]+)">([^<]*)<\/word>/g)]
        .map(([, x0, y0, x1, y1, text]) => ({ x0: +x0, y0: +y0, x1: +x1, y1: +y1, text: unescape(text) }));
      return { words, text: words.map((w) => w.text).join(' ') };
    });
    return { width: +width, height: +height, lines, words: lines.flatMap((l) => l.words) };
  });
}

/** cairo's SVG (pdftocairo's, or the preview itself): the glyphs' positions and each QR code's area. */
function svgDrawing(svg) {
  const glyphs = [...svg.matchAll(/<use xlink:href="#glyph[^"]*" x="([\d.-]+)" y="([\d.-]+)"\/>/g)]
    .map(([, x, y]) => ({ x: +x, y: +y }));
  // A QR code is the one black path: a rectangle per run of modules, each one module high.
  const codes = [...svg.matchAll(/<path style="[^"]*fill:rgb\(0%,0%,0%\)[^"]*" d="([^"]*)"\/>/g)].map(([, d]) => {
    const box = { x0: Infinity, y0: Infinity, x1: -Infinity, y1: -Infinity, module: Infinity };
    for (const sub of d.split('Z')) {
      const n = [...sub.matchAll(/-?[\d.]+/g)].map(Number);
      if (n.length < 4) continue;
      const ys = n.filter((_, i) => i % 2 === 1);
      const xs = n.filter((_, i) => i % 2 === 0);
      box.x0 = Math.min(box.x0, ...xs);
      box.x1 = Math.max(box.x1, ...xs);
      box.y0 = Math.min(box.y0, ...ys);
      box.y1 = Math.max(box.y1, ...ys);
      box.module = Math.min(box.module, Math.max(...ys) - Math.min(...ys));
    }
    return box;
  });
  return { glyphs, codes };
}

/** What zbarimg reads in each QR code's square (with its quiet zone) of a one-page PDF, one at a time:
 * a sheet of cards holds many, and each must scan on its own. */
function decodeEach(pdf, codes) {
  const dpi = 200;
  return withTmp((dir) => {
    fs.writeFileSync(path.join(dir, 'm.pdf'), pdf);
    return codes.map((c, i) => {
      const q = quiet(c);
      const px = (v) => String(Math.round(v * dpi / 72));
      execFileSync('pdftoppm', ['-png', '-singlefile', '-r', String(dpi), '-x', px(q.x0), '-y', px(q.y0),
        '-W', px(q.x1 - q.x0), '-H', px(q.y1 - q.y0), path.join(dir, 'm.pdf'), path.join(dir, `qr${i}`)]);
      const read = qrCodesIn(path.join(dir, `qr${i}.png`));
      assert.equal(read.length, 1, `QR code ${i + 1} of ${codes.length} scans`);
      return read[0];
    });
  });
}

function pdfDrawing(pdf) {
  return withTmp((dir) => {
    fs.writeFileSync(path.join(dir, 'm.pdf'), pdf);
    execFileSync('pdftocairo', ['-svg', path.join(dir, 'm.pdf'), path.join(dir, 'm.svg')]);
    return svgDrawing(fs.readFileSync(path.join(dir, 'm.svg'), 'utf8'));
  });
}

const EPS = 0.2; // points: boxes that only touch do not overlap
const overlaps = (a, b) => Math.min(a.x1, b.x1) - Math.max(a.x0, b.x0) > EPS && Math.min(a.y1, b.y1) - Math.max(a.y0, b.y0) > EPS;
/** A QR code with its 4-module quiet zone, which must stay clear for it to scan. */
const quiet = (c) => ({ x0: c.x0 - 4 * c.module, y0: c.y0 - 4 * c.module, x1: c.x1 + 4 * c.module, y1: c.y1 + 4 * c.module });
const inside = (r, page) => r.x0 >= MARGIN - EPS && r.y0 >= MARGIN - EPS && r.x1 <= page.width - MARGIN + EPS &&
  r.y1 <= page.height - MARGIN + EPS;

/** Every check of one printed PDF; what names it in messages. */
function assertPrintsRight(pdf, { url, phones, address }, what) {
  const page = pdfText(pdf);
  const { codes } = pdfDrawing(pdf);
  assert.ok(codes.length >= 1, `${what}: a QR code is drawn`);
  assert.deepEqual(decodeEach(pdf, codes), codes.map(() => url), `${what}: every QR code decodes to ${url}`);
  const copies = codes.length;
  for (const phone of phones) {
    const whole = page.lines.filter((l) => l.text.includes(phone)).length;
    assert.ok(whole >= copies, `${what}: ${phone} whole on one line in each of ${copies} copies (found ${whole})\n` +
      page.lines.map((l) => l.text).join('\n'));
  }
  if (address) {
    const whole = page.lines.filter((l) => l.text.includes(url)).length;
    assert.ok(whole >= copies, `${what}: the address ${url} whole on one line (found ${whole})`);
  }
  const words = page.words;
  assert.ok(words.length > 10 * copies, `${what}: it has words (${words.length})`);
  for (let i = 0; i < words.length; i++) {
    const w = words[i];
    assert.ok(inside(w, page), `${what}: "${w.text}" lies inside the margins (${JSON.stringify(w)})`);
    for (const c of codes) {
      assert.ok(!overlaps(w, quiet(c)), `${what}: "${w.text}" is clear of the QR code and its quiet zone`);
    }
    for (let k = i + 1; k < words.length; k++) {
      assert.ok(!overlaps(w, words[k]), `${what}: "${w.text}" and "${words[k].text}" do not run into each other`);
    }
  }
  for (const c of codes) assert.ok(inside(quiet(c), page), `${what}: the QR code lies inside the margins`);
}

describe('print materials through the real stack', () => {
  let stack;
  let token;
  let lead;
  before(async () => {
    stack = await startStack({ demo: true, baseUrl: BASE_URL });
    token = await tokenFor(stack, 'campaign@lantern.example');
    lead = api(stack.base, token);
  });
  after(async () => {
    if (stack) await stack.stop();
  });

  const bytes = async (p) => {
    const res = await fetch(stack.base + p, { headers: { Authorization: `Bearer ${token}` } });
    assert.equal(res.status, 200, p);
    return Buffer.from(await res.arrayBuffer());
  };

  for (const campaign of shippedCampaigns()) {
    for (const material of campaign.materials) {
      test(`${campaign.id} ${material.id}: every size and language prints every number whole, clear and in the margins`, async () => {
        for (const language of campaign.langs) {
          const res = await lead.post(`/api/v1/campaigns/${campaign.id}/placements`, {
            material: material.id, place: 'Print test', area: 'southend', quantity: 1, placed_on: '2026-11-20', language,
          });
          assert.equal(res.status, 201, res.text);
          const p = res.json;
          assert.equal(p.url, `${BASE_URL}/c/${p.code}`, 'the configured public address');
          for (const size of SIZES) {
            const pdf = await bytes(p[size]);
            assertPrintsRight(pdf, { url: p.url, phones: material.phones, address: material.address },
              `${campaign.id}/${material.id} ${language} ${size}`);
          }
        }
      });
    }
  }

  test('the preview is the same drawing as the PDF: every glyph where the PDF has it', async () => {
    for (const [campaign, material] of [['sixteen-days-2026', 'leaflet'], ['sixteen-days-2026', 'poster-pl'],
      ['workplace-coercive-control', 'card']]) {
      const p = (await lead.post(`/api/v1/campaigns/${campaign}/placements`, {
        material, place: 'Preview test', area: 'basildon', quantity: 1, placed_on: '2026-11-20',
      })).json;
      const preview = (await bytes(p.svg)).toString('utf8');
      assert.doesNotMatch(preview, /<text\b|font-family/, 'no words left to the viewer\'s fonts');
      const shown = svgDrawing(preview);
      const printed = pdfDrawing(await bytes(p.pdf_a4));
      assert.equal(shown.codes.length, 1);
      assert.equal(printed.glyphs.length, shown.glyphs.length * printed.codes.length, `${material}: as many glyphs per copy`);
      // The preview's coordinates onto the first copy on the page, by its QR code.
      const [s, d] = [shown.codes[0], printed.codes[0]];
      const k = (d.x1 - d.x0) / (s.x1 - s.x0);
      const key = (x, y) => `${Math.round(x * 2)},${Math.round(y * 2)}`;
      const at = new Set(printed.glyphs.flatMap((g) => [-1, 0, 1].flatMap((dx) => [-1, 0, 1]
        .map((dy) => key(g.x + dx / 2, g.y + dy / 2)))));
      for (const g of shown.glyphs) {
        const x = d.x0 + (g.x - s.x0) * k;
        const y = d.y0 + (g.y - s.y0) * k;
        assert.ok(at.has(key(x, y)), `${material}: the preview's glyph at ${g.x},${g.y} is in the PDF at ${x},${y}`);
      }
    }
  });
});

describe('the catalogue check on print templates', () => {
  /** A copy of the shipped catalogue with the named test campaign and template added. */
  function catalogueWith(campaign, template) {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lantern-catalog-'));
    fs.cpSync(path.join(ROOT, 'courses'), path.join(dir, 'courses'), { recursive: true });
    fs.cpSync(path.join(ROOT, 'campaigns'), path.join(dir, 'campaigns'), { recursive: true });
    fs.copyFileSync(path.join(ROOT, 'tests/data/campaigns', campaign), path.join(dir, 'campaigns', campaign));
    fs.copyFileSync(path.join(ROOT, 'tests/data/campaigns/templates', template), path.join(dir, 'campaigns/templates', template));
    return dir;
  }
  const lineOf = (file, text) => fs.readFileSync(path.join(ROOT, 'tests/data/campaigns', file), 'utf8')
    .split('\n').findIndex((l) => l.includes(text)) + 1;

  test('a phone number too long for its box fails, naming the file, the service, the material, the size and the box', async () => {
    const dir = catalogueWith('phone-too-long.xml', 'narrow-card.svg');
    try {
      const r = await runLantern(null, ['--catalog', 'check'], { env: { LANTERN_CATALOG_DIR: dir } });
      assert.equal(r.code, 1, r.stdout + r.stderr);
      const line = lineOf('phone-too-long.xml', '<service>Karma Nirvana</service>');
      for (const size of ['A4', 'A3']) {
        assert.match(r.stderr, new RegExp(`campaigns/phone-too-long\\.xml:${line}: material 'card' size ${size}: ` +
          "the service 'Karma Nirvana' phone does not fit its box 'services'"));
      }
      assert.doesNotMatch(r.stderr, /National Domestic Abuse Helpline/, 'the number that fits is not blamed');
      assert.match(r.stderr, /has 2 problems\n/);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  test('a template with words at fixed positions or overlapping boxes fails, naming the template and the boxes', async () => {
    const dir = catalogueWith('overlapping-box.xml', 'overlapping.svg');
    try {
      const r = await runLantern(null, ['--catalog', 'check'], { env: { LANTERN_CATALOG_DIR: dir } });
      assert.equal(r.code, 1);
      assert.match(r.stderr, /templates\/overlapping\.svg:4: <text> is not allowed in a print template: words go in its boxes/);
      assert.match(r.stderr, /templates\/overlapping\.svg:6: boxes 'heading' and 'services' overlap/);
      assert.match(r.stderr, /templates\/overlapping\.svg:8: box 'caption' overlaps the QR code's square/);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  test('without the shipped print font the check fails rather than print in another font\'s widths', async () => {
    await withTmpAsync(async (dir) => {
      // A fontconfig that knows only DejaVu (if even that): what a machine without fonts-liberation2 has.
      fs.writeFileSync(path.join(dir, 'fonts.conf'), '<?xml version="1.0"?>\n<fontconfig><dir>/usr/share/fonts/truetype/dejavu</dir>' +
        `<cachedir>${dir}/cache</cachedir></fontconfig>\n`);
      const r = await runLantern(null, ['--catalog', 'check'], { env: { FONTCONFIG_FILE: path.join(dir, 'fonts.conf') } });
      assert.equal(r.code, 1, r.stdout);
      assert.match(r.stderr, /print: the print font Liberation Sans is not installed \(Debian: fonts-liberation2\)/);
    });
  });

  test('the server will not start with a public address too long for the address boxes', async () => {
    await withTmpAsync(async (data) => {
      const db = path.join(data, 'lantern.db');
      assert.equal((await runLantern(db, ['init'])).code, 0);
      const base = `https://${'a'.repeat(60)}.example.org`;
      // Synchronous with a time limit: a server that wrongly starts is stopped, not waited for.
      const run = spawnSync(LANTERN, ['--db', db, 'serve', '--socket', path.join(data, 's.sock'), '--base-url', base],
        { encoding: 'utf8', timeout: 60_000 });
      const r = { code: run.status, stderr: run.stderr };
      assert.equal(r.code, 1, r.stderr);
      assert.match(r.stderr, /sixteen-days-2026\.xml:\d+: material 'leaflet' size A4: the web address https:\/\/a+\.example\.org\/c\/m+ does not fit its box 'address'/);
      assert.equal(fs.existsSync(path.join(data, 's.sock')), false, 'it never listened');
    });
  });
});

async function withTmpAsync(fn) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lantern-print-'));
  try {
    return await fn(dir);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}
