// The repository stands alone (issue 12): a clone of what is committed, in an empty folder, holds
// everything the product and its tests read, and no file points outside it.
import test from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { execFileSync, spawnSync } from 'node:child_process';
import { ROOT } from './lib.mjs';
import { forbiddenAbsolute, outwardPaths, pathCalls } from './outward_paths.mjs';

const LEAVING_CASES = 'tests/data/outward-paths.txt';

// Tracked files not scanned, each with its reason.
const NOT_SCANNED = [
  // Fuzzer inputs: bytes fed to the request decoder and the loaders (some are path traversals on
  // purpose); nothing opens a file named in them.
  'tests/fuzz/corpus/',
  // The cases the scan must flag (the last test below): each line leaves the repository on purpose.
  LEAVING_CASES,
];
// Folders the build or a run makes: tests may name files there that a fresh clone has not got yet.
const MADE_BY_BUILD = new Set(['build', 'bin', 'var', 'node_modules']);

const git = (cwd, ...args) => execFileSync('git', args, { cwd, encoding: 'utf8' });

// A clone of the current checkout's HEAD (committed files only) in an empty temp folder, or null.
function cloneHead() {
  const head = spawnSync('git', ['rev-parse', 'HEAD'], { cwd: ROOT, encoding: 'utf8' });
  if (head.status !== 0) return null;
  const dir = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'lantern-clone-')));
  const clone = path.join(dir, 'lantern');
  git(dir, 'clone', '--quiet', '--no-checkout', ROOT, clone);
  git(clone, 'checkout', '--quiet', '--detach', head.stdout.trim());
  return clone;
}

const clone = cloneHead();
test.after(() => { if (clone) fs.rmSync(path.dirname(clone), { recursive: true, force: true }); });

// Each tracked text file of the clone: [path inside it, text].
function trackedTexts(root) {
  return git(root, 'ls-files', '-z').split('\0').filter(Boolean)
    .filter((f) => !NOT_SCANNED.some((p) => f.startsWith(p)))
    .map((f) => [f, fs.readFileSync(path.join(root, f))])
    .filter(([, buf]) => !buf.includes(0))
    .map(([f, buf]) => [f, buf.toString('utf8')]);
}

test('no committed file has a path that leaves the repository', { skip: !clone && 'not a git checkout' }, () => {
  const files = trackedTexts(clone);
  for (const must of ['Makefile', 'README.md', '.ci/run', 'nginx/run', 'tests/lint.sh', 'tests/http/lib.mjs', 'app/main.c']) {
    assert.ok(files.some(([f]) => f === must), `${must} was scanned`);
  }
  const problems = files.flatMap(([f, text]) =>
    outwardPaths(clone, f, text, forbiddenAbsolute(ROOT)).map((p) => `${f}:${p.line}: ${p.text}: ${p.why}`));
  assert.deepEqual(problems, []);
});

test('the clone holds every file the tests read from the repository', { skip: !clone && 'not a git checkout' }, () => {
  // Every path the tests join onto ROOT from string literals, as far as the literals go.
  const named = new Set();
  for (const [f, text] of trackedTexts(clone).filter(([f]) => f.startsWith('tests/') && f.endsWith('.mjs'))) {
    for (const line of text.split('\n')) {
      for (const call of pathCalls(line)) {
        if (call.base === 'ROOT' && call.literals.length && !MADE_BY_BUILD.has(call.literals[0])) {
          named.add(`${call.literals.join('/')} (${f})`);
        }
      }
    }
  }
  assert.ok([...named].some((n) => n.startsWith('tests/data/adx/adx_loose.xsd ')), 'the ADX test names its schema');
  const missing = [...named].filter((n) => !fs.existsSync(path.join(clone, n.split(' ')[0])));
  assert.deepEqual(missing, []);
  // The schema is whole: its imports resolve inside the clone, with the network off.
  const xsd = path.join(clone, 'tests', 'data', 'adx');
  const r = spawnSync('xmllint', ['--noout', '--nonet', '--schema', path.join(xsd, 'adx_loose.xsd'), path.join(xsd, 'example.xml')],
    { encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
});

test('the scan finds each way out it is meant to, and passes the ways that stay in', () => {
  const flagged = (file, line) => outwardPaths(ROOT, file, line, forbiddenAbsolute(ROOT)).length > 0;
  const leaving = fs.readFileSync(path.join(ROOT, LEAVING_CASES), 'utf8').split('\n')
    .filter((l) => l && !l.startsWith('#')).map((l) => l.replaceAll('@SIBLING@', 'shared').split('\t'));
  assert.ok(leaving.length >= 10);
  for (const [file, line] of leaving) assert.ok(flagged(file, line), `missed in ${file}: ${line}`);
  for (const [file, line] of [
    ['tests/http/lib.mjs', "export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');"],
    ['tests/browser/booking.test.mjs', "import { startStack } from '../http/lib.mjs';"],
    ['tests/bench/run.sh', 'ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd -P)'],
    ['.ci/run', 'cd "$(dirname "$0")/.."'],
    ['tests/http/nginx.test.mjs', '`/assets/${version}/..%2f..%2fMakefile`,'],
    ['app/valid.c', 'strstr(domain, "..")'],
    ['tests/http/indicators.test.mjs', "path.join(ROOT, 'tests', 'data', 'adx', 'adx_loose.xsd')"],
    ['Makefile', '# `make run` and `make check` are the two commands (README.md).'],
    ['tests/data/adx/README.md', '    xmllint --noout --nonet --schema tests/data/adx/adx_loose.xsd export.xml'],
  ]) assert.ok(!flagged(file, line), `wrongly flagged in ${file}: ${line}`);
});
