// The course catalogue loader (spec §3): the shipped catalogue validates; each malformed,
// invalid or hostile file is refused with its path, line and reason; the parser never fetches
// anything or expands entities; the server will not start on a broken catalogue.
import test from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { spawnSync } from 'node:child_process';
import { ROOT, LANTERN } from './lib.mjs';

const BAD = path.join(ROOT, 'tests', 'data', 'bad-courses');

// A catalogue folder holding the real schema, the shipped courses and the named bad file.
function catalogueWith(file) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lantern-catalog-'));
  fs.mkdirSync(path.join(dir, 'courses'));
  for (const f of fs.readdirSync(path.join(ROOT, 'courses'))) {
    fs.copyFileSync(path.join(ROOT, 'courses', f), path.join(dir, 'courses', f));
  }
  if (file) fs.copyFileSync(path.join(BAD, file), path.join(dir, 'courses', file));
  return dir;
}

function check(dir) {
  const r = spawnSync(LANTERN, ['--catalog', 'check'], {
    env: { ...process.env, LANTERN_CATALOG_DIR: dir }, encoding: 'utf8', timeout: 20_000,
  });
  return { code: r.status, out: r.stdout + r.stderr };
}

test('the shipped catalogue validates, with the programme the issue asks for', () => {
  const r = spawnSync(LANTERN, ['--catalog', 'check'], { encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, /catalogue ok: \d+ courses/);
  const ids = fs.readdirSync(path.join(ROOT, 'courses')).filter((f) => f.endsWith('.xml')).map((f) => f.slice(0, -4));
  for (const need of ['recognising-and-responding', 'coercive-control-stalking-harassment', 'dash-risk-assessment-and-marac',
    'honour-based-abuse-forced-marriage-fgm', 'supporting-employees', 'risk-avert']) {
    assert.ok(ids.includes(need), need);
  }
});

const cases = [
  ['external-entity.xml', /external-entity\.xml:2: .*DOCTYPE/],
  ['entity-bomb.xml', /entity-bomb\.xml:2: .*DOCTYPE/],
  ['not-well-formed.xml', /not-well-formed\.xml:\d+: .*(end tag|mismatch|Opening and ending tag)/i],
  ['invalid-outcome.xml', /invalid-outcome\.xml:\d+: .*outcome/],
  ['invalid-module-kind.xml', /invalid-module-kind\.xml:\d+: .*kind/],
  ['Bad_Name.xml', /Bad_Name\.xml:0: the file name must be the course id/],
];

for (const [file, expected] of cases) {
  test(`refuses ${file} with its path, line and reason`, () => {
    const dir = catalogueWith(file);
    try {
      const started = Date.now();
      const r = check(dir);
      assert.equal(r.code, 1, r.out);
      assert.match(r.out, expected);
      assert.match(r.out, /the catalogue in .* has \d+ problems?\n$/);
      // Nothing was expanded or fetched: the secret file's contents never appear.
      assert.doesNotMatch(r.out, /root:x:0:0/);
      assert.ok(Date.now() - started < 15_000);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
}

test('the server refuses to start on a broken catalogue', () => {
  const dir = catalogueWith('invalid-outcome.xml');
  const data = fs.mkdtempSync(path.join(os.tmpdir(), 'lantern-nostart-'));
  try {
    const db = path.join(data, 'lantern.db');
    assert.equal(spawnSync(LANTERN, ['--db', db, 'init']).status, 0);
    const r = spawnSync(LANTERN, ['--db', db, 'serve', '--socket', path.join(data, 's.sock'), '--base-url', 'http://127.0.0.1:8080'], {
      env: { ...process.env, LANTERN_CATALOG_DIR: dir }, encoding: 'utf8', timeout: 20_000,
    });
    assert.equal(r.status, 1);
    assert.match(r.stderr, /invalid-outcome\.xml:\d+:/);
    assert.equal(fs.existsSync(path.join(data, 's.sock')), false, 'it never listened');
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
    fs.rmSync(data, { recursive: true, force: true });
  }
});
