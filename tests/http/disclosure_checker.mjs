// disclosure_checker.mjs — a generic check that no combination of published figures recovers a
// group of answers that is not published (fewer than 10 answers, or not yet released).
//
// It knows nothing of lantern's pages. It is given
//   units    every answer in the test data, as { values: { measure: number } } (a pupil's 0/1 for
//            "agrees with q1", a practitioner's rating, ...), indexed from 0;
//   cells    every figure read, as { source, measure, n, count, scope: { basis: BigInt } }: n answers
//            counted, count of them for the measure (or the sum of their ratings), and for each basis
//            (a way of reading the figure's filters: by the day a pupil answered, or the day the run
//            opened) the set of units the filters select, as a bit set. A suppressed figure is
//            { suppressed: true } with its scope;
//   secrets  groups of units whose figures must stay unknown: { set: BigInt, measure? } (with a
//            measure, a secret for that measure only, such as what a suppressed figure rests on).
// The scopes are what an attacker can work out from the filters: "every answer in Basildon in
// January". If the service counted exactly those answers, then any sum of figures with plus and
// minus signs (a total minus its parts, a period minus its months, one request minus another, a read
// before an answer minus a read after) would give the same sum over the units; the checker looks for
// such a sum that equals a secret and checks whether the figures then give the secret's true values.
// If they do, the secret is recovered. It tries
//   - each figure on its own (a figure shown on fewer than `min` answers),
//   - every pair of figures of a measure whose scopes nest, under every basis (the difference is a
//     group; if it has fewer than `min` answers and the two figures differ by its true values, it is
//     recovered),
//   - every secret against the span of all figures of the measure (exact linear algebra over the
//     scopes: if the secret is a combination of figures' scopes, whatever the signs and however many,
//     that combination of their values is what an attacker would compute).
// It returns the breaches found and how much it checked.

const EPS = 1e-6;

export function popcount(x) {
  let n = 0;
  while (x) {
    x &= x - 1n;
    n++;
  }
  return n;
}

function bitsOf(x) {
  const out = [];
  for (let i = 0; x; i++, x >>= 1n) if (x & 1n) out.push(i);
  return out;
}

function truth(units, set, measure) {
  let n = 0, sum = 0;
  for (const i of bitsOf(set)) {
    const v = units[i].values[measure];
    if (v === undefined) continue;
    n++;
    sum += v;
  }
  return { n, count: sum };
}

const same = (a, b) => Math.abs(a.n - b.n) < EPS && Math.abs(a.count - b.count) < EPS;

// Reduced row echelon form of rows [scope over columns | n | count], keeping the values in step.
function echelon(rows, ncols) {
  const basis = []; // { pivot, row }
  for (const r of rows) {
    const row = Float64Array.from(r);
    for (const b of basis) {
      const f = row[b.pivot];
      if (Math.abs(f) > EPS) for (let k = 0; k < row.length; k++) row[k] -= f * b.row[k];
    }
    let pivot = -1;
    for (let k = 0; k < ncols; k++) if (Math.abs(row[k]) > EPS) { pivot = k; break; }
    if (pivot < 0) continue; // a combination of earlier figures (consistent with them or not)
    const p = row[pivot];
    for (let k = 0; k < row.length; k++) row[k] /= p;
    for (const b of basis) {
      const f = b.row[pivot];
      if (Math.abs(f) > EPS) for (let k = 0; k < row.length; k++) b.row[k] -= f * row[k];
    }
    basis.push({ pivot, row });
  }
  return basis;
}

// The values the figures give for a set of columns, if it is in their span; null otherwise.
function implied(basis, vector, ncols) {
  const x = Float64Array.from(vector);
  let n = 0, count = 0;
  for (const b of basis) {
    const f = x[b.pivot];
    if (Math.abs(f) <= EPS) continue;
    for (let k = 0; k < ncols; k++) x[k] -= f * b.row[k];
    n += f * b.row[ncols];
    count += f * b.row[ncols + 1];
  }
  for (let k = 0; k < ncols; k++) if (Math.abs(x[k]) > EPS) return null;
  return { n, count };
}

/**
 * @param {{units: object[], cells: object[], secrets: {set: BigInt, measure?: string}[], bases: string[], min?: number}} data
 * @returns {{breaches: string[], stats: object}}
 */
export function checkDisclosure({ units, cells, secrets, bases, min = 10 }) {
  const breaches = [];
  const stats = { figures: 0, suppressed: 0, measures: 0, pairs: 0, nestedPairs: 0, spanChecks: 0, inSpan: 0, rank: 0 };
  const measures = [...new Set(cells.map((c) => c.measure))].sort();
  stats.measures = measures.length;
  for (const measure of measures) {
    const cols = units.map((u, i) => (u.values[measure] === undefined ? -1 : i)).filter((i) => i >= 0);
    const colOf = new Map(cols.map((u, k) => [u, k]));
    let mask = 0n;
    for (const u of cols) mask |= 1n << BigInt(u);
    const shown = [];
    for (const c of cells.filter((x) => x.measure === measure)) {
      if (c.suppressed) {
        stats.suppressed++;
        continue;
      }
      stats.figures++;
      if (c.n > 0 && c.n < min) breaches.push(`${measure}: ${c.source} is shown on ${c.n} answers`);
      shown.push(c);
    }
    for (const basis of bases) {
      // One row per distinct figure (the same figure in JSON, CSV and a page is one equation).
      const distinct = new Map();
      for (const c of shown) {
        const scope = c.scope[basis] & mask;
        const key = `${scope}|${c.n}|${c.count}`;
        if (!distinct.has(key)) distinct.set(key, { ...c, set: scope });
      }
      const rows = [...distinct.values()];
      // Pairs whose scopes nest: their difference is a group of its own.
      for (let i = 0; i < rows.length; i++) {
        for (let j = i + 1; j < rows.length; j++) {
          stats.pairs++;
          for (const [a, b] of [[rows[i], rows[j]], [rows[j], rows[i]]]) {
            if ((a.set & b.set) !== b.set || a.set === b.set) continue;
            stats.nestedPairs++;
            const d = a.set & ~b.set;
            if (popcount(d) >= min) continue;
            const t = truth(units, d, measure);
            if (same({ n: a.n - b.n, count: a.count - b.count }, t)) {
              breaches.push(`${measure} (${basis}): ${a.source} minus ${b.source} gives ${t.n} answers exactly`);
            }
          }
        }
      }
      // Every secret against the span of every figure of the measure.
      const matrix = rows.map((c) => {
        const r = new Float64Array(cols.length + 2);
        for (const u of bitsOf(c.set)) r[colOf.get(u)] = 1;
        r[cols.length] = c.n;
        r[cols.length + 1] = c.count;
        return r;
      });
      const basisRows = echelon(matrix, cols.length);
      stats.rank = Math.max(stats.rank, basisRows.length);
      const seen = new Set();
      for (const secret of secrets) {
        if (secret.measure && secret.measure !== measure) continue;
        const s = secret.set & mask;
        if (s === 0n || seen.has(s)) continue;
        seen.add(s);
        stats.spanChecks++;
        const v = new Float64Array(cols.length);
        for (const u of bitsOf(s)) v[colOf.get(u)] = 1;
        const got = implied(basisRows, v, cols.length);
        if (got === null) continue;
        stats.inSpan++;
        const t = truth(units, s, measure);
        if (same(got, t)) breaches.push(`${measure} (${basis}): the figures combine to a hidden group of ${t.n} answers (${bitsOf(s).length} units), exactly`);
      }
    }
  }
  return { breaches: [...new Set(breaches)], stats };
}
