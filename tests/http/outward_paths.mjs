// outward_paths.mjs — finds, in one file of a checkout, every path that leaves the checkout: a relative
// path whose `..` climbs above the repository root, an absolute path into the team's work folder or into
// the checkout itself, or a document it names that is not there. Used by standalone.test.mjs on a clone.
//
// A relative path is resolved the way its reader would: an import or #include or Markdown link from the
// file's own folder; a path built on the script's own folder ($(dirname "$0"), import.meta.url) from
// there; one built on a variable ($ROOT, ${DIR}, path.join(ROOT, ...)) from the root, the shallowest place
// it could start; any other bare path both from the file's folder and from the root (make and the tests
// run from the root), and it must stay inside from both.
import fs from 'node:fs';
import path from 'node:path';

// Expressions that name the script's own folder, as the text just before a `/..`.
const OWN_DIR_BEFORE = [
  /\$\(dirname "\$0"\)$/,
  /\$\(dirname "\$\{BASH_SOURCE\[0\]\}"\)$/,
  /path\.dirname\(fileURLToPath\(import\.meta\.url\)\)$/,
  /__dirname$/,
];
// The same, as a whole first argument of path.join/resolve.
const OWN_DIR_ARG = /^(path\.dirname\(fileURLToPath\(import\.meta\.url\)\)|__dirname)$/;
// Text before a quoted specifier that a module loader, the C preprocessor or a Markdown reader resolves
// from the file's own folder.
const FROM_FILE_BEFORE = /(\bfrom\s*|\bimport\s*\(?\s*|new URL\(\s*|#include\s*)['"]$|\]\($/;
// What may follow a path that ends in `..` (so "..%2f" in a URL test is not a path).
const ENDS_PATH = /^($|[\s'"`),;\]>|&:])/;

// Absolute prefixes nobody else has: the team's work folder (spelt in parts so this file does not name
// it) and the checkout the clone was made from.
export function forbiddenAbsolute(sourceRoot) {
  const work = path.sep + ['wo', 'rk'].join('');
  return sourceRoot.startsWith(work + path.sep) ? [work] : [work, sourceRoot];
}

const inside = (root, p) => p === root || p.startsWith(root + path.sep);

// Each problem in one file: { line, text, why }. `rel` is the file's path inside `root`.
export function outwardPaths(root, rel, text, absolute) {
  const found = [];
  const fileDir = path.dirname(path.join(root, rel));
  const lines = text.split('\n');
  const leaves = (bases, p) => bases.some((b) => !inside(root, path.resolve(b, p)));

  lines.forEach((line, i) => {
    const at = (what, why) => found.push({ line: i + 1, text: what, why });

    for (const abs of absolute) {
      const re = new RegExp(`(^|[^\\w.\\-/])${abs.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}(?=/|$|[^\\w.\\-])`);
      if (re.test(line)) at(abs, 'absolute path outside the repository');
    }

    // Slash paths: maximal runs of path characters holding a `..` segment.
    for (const m of line.matchAll(/[\w.\-/]+/g)) {
      let run = m[0];
      const before = line.slice(0, m.index);
      const after = line.slice(m.index + run.length);
      const segs = run.split('/');
      // A document named by a relative path, or anything in a folder named "shared" (where the team
      // keeps what the repository must not depend on), has to be in the checkout.
      const doc = /[\w-]\.md$/.test(run) && !run.startsWith('/') && !/[$}):]$/.test(before);
      if ((doc || /^shared\/./.test(run)) && ![fileDir, root].some((b) => fs.existsSync(path.resolve(b, run)))) {
        at(run, 'names a file the repository does not have');
      }
      if (!segs.includes('..') || !run.includes('/')) continue;
      if (segs[segs.length - 1] === '..' && !ENDS_PATH.test(after)) continue;
      let bases;
      if (/\$$/.test(before)) { // on a shell variable: some folder; assume the shallowest
        bases = [root];
        run = segs.slice(1).join('/');
      } else if (/[)}]$/.test(before) && run.startsWith('/')) { // on a command substitution or ${...}
        bases = OWN_DIR_BEFORE.some((re) => re.test(before)) ? [fileDir] : [root];
        run = run.slice(1);
      } else if (run.startsWith('/')) {
        continue; // absolute, or a URL's path: the absolute rule above covers what matters
      } else if (FROM_FILE_BEFORE.test(before)) {
        bases = [fileDir];
      } else {
        bases = [fileDir, root];
      }
      if (leaves(bases, run)) at(m[0], '`..` climbs out of the repository');
    }

    // path.join(BASE, 'a', '..', ...) and path.resolve(...): the literal segments after the base.
    for (const call of pathCalls(line)) {
      const rest = call.literals.join('/');
      if (!call.literals.includes('..') || rest.startsWith('/')) continue;
      const bases = OWN_DIR_ARG.test(call.base) ? [fileDir] : [root];
      if (leaves(bases, rest)) at(call.text, '`..` climbs out of the repository');
    }
  });
  return found;
}

// Each path.join(...) / path.resolve(...) on a line: its first argument, the string literals that follow
// it up to the first argument that is not one, and its text.
export function pathCalls(line) {
  const calls = [];
  for (const m of line.matchAll(/path\.(join|resolve)\(/g)) {
    const start = m.index + m[0].length;
    const args = [];
    let depth = 0; let arg = ''; let quote = null; let end = -1;
    for (let j = start; j < line.length; j++) {
      const c = line[j];
      if (quote) { arg += c; if (c === quote) quote = null; continue; }
      if (c === '\'' || c === '"' || c === '`') { quote = c; arg += c; continue; }
      if (c === '(') depth++;
      if (c === ')' && depth-- === 0) { args.push(arg.trim()); end = j; break; }
      if (c === ',' && depth === 0) { args.push(arg.trim()); arg = ''; continue; }
      arg += c;
    }
    if (end < 0 || args.length < 2) continue;
    const literals = [];
    for (const a of args.slice(1)) {
      const lit = a.match(/^(['"])([^'"]*)\1$|^`([^`$]*)`$/);
      if (!lit) break;
      literals.push(...(lit[2] ?? lit[3]).split('/'));
    }
    calls.push({ base: args[0], literals, text: line.slice(m.index, end + 1) });
  }
  return calls;
}
