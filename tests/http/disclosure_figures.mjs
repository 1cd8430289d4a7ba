// disclosure_figures.mjs — every place lantern publishes a pupil survey or practitioner evaluation
// figure, as a list: who may read it, the addresses to read for the test data, and how to read the
// figures out of the answer. tests/http/disclosure.test.mjs reads them all and hands the figures to
// the generic checker (disclosure_checker.mjs). A new figure is checked by adding it here.
//
// A source is { name, role, urls(ctx) => [{ url, filter }], read(res, filter) => [figure] }, where a
// filter says which answers the figure is about (what an attacker knows from the address):
//   { kind: 'survey', run?, urn?, area?, period? } or { kind: 'eval', session?, course?, area?, period? }
// and a figure is { measure, n, count, suppressed, filter? } (a figure with its own filter, such as a
// row of a list, overrides the address's). Measures: 'pre.q1' … 'post.s4', 'pre.good', 'post.good'
// (pupils agreeing, right, showing good understanding) and 'eval.usefulness' … 'eval.act_after' (sums
// of ratings), 'eval.confident' (rating confidence to act 4 or 5).
//
// Figures given only as a percentage with no count of answers (ADX, the dashboard's breakdown, the
// evaluation page's rounded means) cannot be combined on their own; `same` names the source whose
// exact figures they must repeat, which the test checks instead.

const PHASES = ['pre', 'post'];
const STATEMENTS = ['q1', 'q2', 'q3', 'q4'];
const SCENARIOS = ['s1', 's2', 's3', 's4'];
const RATINGS = ['usefulness', 'recognise_before', 'recognise_after', 'act_before', 'act_after'];

/** A count from a percentage to one decimal of n answers (exact while n < 1000). */
export const countOf = (pct, n) => Math.round((pct * n) / 100);

function decode(s) {
  return s.replace(/<[^>]*>/g, '').replace(/&nbsp;/g, ' ').replace(/&lt;/g, '<').replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"').replace(/&#39;/g, "'").replace(/&amp;/g, '&').trim();
}

/** The govuk tables of a page: [{ head: [text], rows: [{ cells: [text], href }] }]. */
export function tables(html) {
  const out = [];
  for (const [, body] of html.matchAll(/<table class="govuk-table[^"]*"[^>]*>([\s\S]*?)<\/table>/g)) {
    const head = [...(body.match(/<thead[\s\S]*?<\/thead>/)?.[0] ?? '').matchAll(/<th[^>]*>([\s\S]*?)<\/th>/g)].map((m) => decode(m[1]));
    const tbody = body.match(/<tbody[\s\S]*?<\/tbody>/)?.[0] ?? '';
    const rows = [...tbody.matchAll(/<tr[^>]*>([\s\S]*?)<\/tr>/g)].map(([, tr]) => ({
      cells: [...tr.matchAll(/<t[hd][^>]*>([\s\S]*?)<\/t[hd]>/g)].map((m) => decode(m[1])),
      href: tr.match(/href="([^"]*)"/)?.[1],
    }));
    out.push({ head, rows });
  }
  return out;
}

/** Splits CSV text into rows of fields (quotes, doubled quotes, CRLF). */
export function csvRows(text) {
  const rows = [];
  let row = [], field = '', quoted = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (quoted) {
      if (ch === '"' && text[i + 1] === '"') { field += '"'; i++; } else if (ch === '"') quoted = false; else field += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === ',') { row.push(field); field = ''; } else if (ch === '\r') continue;
    else if (ch === '\n') { row.push(field); rows.push(row); row = []; field = ''; } else field += ch;
  }
  if (field !== '' || row.length) { row.push(field); rows.push(row); }
  return rows;
}

const pctFigure = (measure, text, n) => (/^\d+(\.\d)?%$/.test(text)
  ? { measure, n, count: countOf(Number(text.slice(0, -1)), n), suppressed: false }
  : { measure, n, suppressed: true });

// ---- survey results: JSON, CSV and the page, for a run or a setting, area and period ----

function surveyJson(res) {
  const out = [];
  for (const ph of PHASES) {
    const p = res.json[ph];
    const one = (id, f) => out.push({ measure: `${ph}.${id}`, n: f.n, count: f.suppressed ? undefined : countOf(f.value, f.n), suppressed: f.suppressed });
    for (const s of p.statements) one(s.id, s.agreeing);
    for (const s of p.scenarios) one(s.id, s.right);
    one('good', p.good_understanding);
  }
  return out;
}

function surveyCsv(res) {
  const [head, ...rows] = csvRows(res.text);
  const col = Object.fromEntries(head.map((h, i) => [h, i]));
  return rows.map((r) => {
    const n = Number(r[col.responses]);
    const measure = `${r[col.phase]}.${r[col.item] || 'good'}`;
    return r[col.suppressed] === 'true' ? { measure, n, suppressed: true }
      : { measure, n, count: countOf(Number(r[col.percent]), n), suppressed: false };
  });
}

function surveyPage(res) {
  const [t] = tables(res.text);
  const phases = t.head.slice(1).map((h) => (/\(pre\)/.test(h) ? 'pre' : 'post'));
  const ns = t.rows[0].cells.slice(1).map(Number);
  const ids = [...STATEMENTS, ...SCENARIOS, 'good'];
  const out = [];
  t.rows.slice(1).forEach((row, i) => row.cells.slice(1).forEach((text, k) => out.push(pctFigure(`${phases[k]}.${ids[i]}`, text, ns[k]))));
  return out;
}

// ---- indicators: O1.5 and O5.7 as JSON rows (the API, the series, the JSON export) ----

function indicatorRow(row, filter) {
  const f = { ...filter, period: row.period, area: row.area };
  if (row.id === 'O1.5') {
    return [
      { measure: 'post.good', n: row.n, count: row.numerator, suppressed: row.suppressed, filter: { ...f, kind: 'survey' } },
      { measure: 'pre.good', n: row.pre.n, count: row.pre.numerator, suppressed: row.pre.suppressed, filter: { ...f, kind: 'survey' } },
    ];
  }
  if (row.id === 'O5.7') return [{ measure: 'eval.confident', n: row.denominator, count: row.numerator, suppressed: row.suppressed || row.value === null, filter: { ...f, kind: 'eval' } }];
  return [];
}

const indicatorRows = (list, filter) => list.flatMap((row) => indicatorRow(row, filter));

function indicatorCsv(res, filter) {
  const [head, ...rows] = csvRows(res.text);
  const col = Object.fromEntries(head.map((h, i) => [h, i]));
  return rows.filter((r) => r[col.indicator] === 'O1.5' || r[col.indicator] === 'O5.7').map((r) => {
    const kind = r[col.indicator] === 'O1.5' ? 'survey' : 'eval';
    const shown = r[col.value] !== '';
    return { measure: kind === 'survey' ? 'post.good' : 'eval.confident', n: shown ? Number(r[col.denominator]) : undefined,
      count: shown ? Number(r[col.numerator]) : undefined, suppressed: !shown,
      filter: { ...filter, kind, area: r[col.area], period: r[col.period] } };
  });
}

// The figure at the top of an indicator's section: "70.0% (7 of 10)", and O1.5's pre line.
function indicatorSection(html, id, filter) {
  const section = html.match(new RegExp(`<section class="lantern-indicator" id="${id.replace('.', '\\.')}">([\\s\\S]*?)</section>`))?.[1];
  if (!section) return [];
  const kind = id === 'O1.5' ? 'survey' : 'eval';
  const measure = kind === 'survey' ? 'post.good' : 'eval.confident';
  const of = section.match(/\((\d+) of (\d+)\)<\/span>/);
  const out = [of ? { measure, n: Number(of[2]), count: Number(of[1]), suppressed: false, filter: { ...filter, kind } }
    : { measure, suppressed: true, filter: { ...filter, kind } }];
  const pre = section.match(/Before the programme \(pre\)<\/dt><dd class="govuk-summary-list__value">([^<]*) \((\d+) responses\)/);
  if (pre) out.push({ ...pctFigure('pre.good', pre[1], Number(pre[2])), filter: { ...filter, kind } });
  return out;
}

// ---- the drill-downs: the runs and sessions behind O1.5 and O5.7 ----

function drillRuns(res, filter) {
  const t = tables(res.text).at(-1);
  const rows = t.rows.map(({ cells }) => ({ ...pctFigure(`${cells[3]}.good`, cells[5], Number(cells[4])), filter: { kind: 'survey', run: Number(cells[0]) } }));
  return [...rows, ...indicatorSection(res.text, 'O1.5', filter)];
}

function drillSessions(res, filter) {
  const t = tables(res.text).at(-1);
  const rows = t.rows.map(({ cells, href }) => {
    const n = Number(cells[6]), session = Number(href.match(/\/sessions\/(\d+)/)[1]);
    return /^\d+$/.test(cells[7]) ? { measure: 'eval.confident', n, count: Number(cells[7]), suppressed: false, filter: { kind: 'eval', session } }
      : { measure: 'eval.confident', n, suppressed: true, filter: { kind: 'eval', session } };
  });
  return [...rows, ...indicatorSection(res.text, 'O5.7', filter)];
}

// ---- evaluation results: per course, and per session of a course ----

function evaluationRows(res, filter) {
  return res.json.flatMap((row) => {
    const f = row.session ? { kind: 'eval', session: row.session } : { kind: 'eval', course: row.course };
    return [
      ...RATINGS.map((k) => ({ measure: `eval.${k}`, n: row.n, count: Math.round(row[k] * row.n), suppressed: false, filter: f })),
      { measure: 'eval.confident', n: row.n, count: countOf(row.confident_to_act_pct, row.n), suppressed: false, filter: f },
    ];
  });
}

// ---- the list ----

const q = (params) => new URLSearchParams(Object.entries(params).filter(([, v]) => v !== undefined && v !== '')).toString();

/** Survey-result scopes a role may ask for: every area and setting, and none. */
function surveyScopes(ctx) {
  return [{}, ...ctx.areas.map((area) => ({ area })), ...ctx.urns.map((urn) => ({ urn }))];
}

// A school lead may ask for anything; lantern answers for their own setting only.
const leadScopes = (ctx, urn) => [{}, { area: 'greater-essex' }, { urn: ctx.urns.find((u) => u !== urn) }].map((s) => ({ ask: s, filter: { urn } }));

export const sources = [
  ...['json', 'csv', 'page'].map((format) => ({
    name: `survey results (${format}), analyst`, role: 'analyst',
    urls: (ctx) => surveyScopes(ctx).flatMap((s) => ctx.periods.map((period) => ({
      url: `${format === 'json' ? '/api/v1/survey-results' : format === 'csv' ? '/survey-results.csv' : '/survey-results'}?${q({ ...s, period })}`,
      filter: { kind: 'survey', ...s, period },
    }))),
    read: format === 'json' ? surveyJson : format === 'csv' ? surveyCsv : surveyPage,
  })),
  ...['grove', 'pier'].map((lead) => ({
    name: `survey results, school lead of ${lead}`, role: `school-${lead}`,
    urls: (ctx) => leadScopes(ctx, ctx.leads[lead]).flatMap(({ ask, filter }) => ctx.periods.map((period) => ({
      url: `/api/v1/survey-results?${q({ ...ask, period })}`, filter: { kind: 'survey', ...filter, period },
    }))),
    read: surveyJson,
  })),
  ...['json', 'csv', 'page'].map((format) => ({
    name: `a run's results (${format}), analyst`, role: 'analyst',
    urls: (ctx) => ctx.runs.map((run) => ({
      url: format === 'json' ? `/api/v1/survey-runs/${run}/results` : format === 'csv' ? `/survey-runs/${run}/results.csv` : `/survey-runs/${run}/results`,
      filter: { kind: 'survey', run },
    })),
    read: format === 'json' ? surveyJson : format === 'csv' ? surveyCsv : surveyPage,
  })),
  ...['grove', 'pier'].map((lead) => ({
    name: `a run's results, school lead of ${lead}`, role: `school-${lead}`,
    urls: (ctx) => ctx.runsOf(ctx.leads[lead]).map((run) => ({ url: `/api/v1/survey-runs/${run}/results`, filter: { kind: 'survey', run } })),
    read: surveyJson,
  })),
  {
    name: 'a run\'s results, trainer', role: 'trainer',
    urls: (ctx) => ctx.runs.map((run) => ({ url: `/api/v1/survey-runs/${run}/results`, filter: { kind: 'survey', run } })),
    read: surveyJson,
  },
  {
    name: 'indicators API (JSON)', role: 'analyst',
    urls: (ctx) => ctx.allAreas.flatMap((area) => ctx.periods.map((period) => ({ url: `/api/v1/indicators?${q({ period, area })}`, filter: {} }))),
    read: (res, filter) => indicatorRows(res.json, filter),
  },
  ...['csv', 'json'].map((format) => ({
    name: `indicator export with breakdown (${format})`, role: 'analyst',
    urls: (ctx) => ctx.parentAreas.flatMap((area) => ctx.periods.map((period) => ({ url: `/indicators/export?${q({ period, area, format, breakdown: 1 })}`, filter: {} }))),
    read: format === 'csv' ? indicatorCsv : (res, filter) => indicatorRows(res.json, filter),
  })),
  {
    name: 'indicator series', role: 'analyst',
    urls: (ctx) => ['O1.5', 'O5.7'].flatMap((id) => ctx.allAreas.map((area) => ({ url: `/api/v1/indicators/${id}/series?${q({ area, ...ctx.series })}`, filter: {} }))),
    read: (res, filter) => indicatorRows(res.json, filter),
  },
  {
    name: 'O1.5 drill-down page', role: 'analyst',
    urls: (ctx) => ctx.areas.flatMap((area) => ctx.periods.map((period) => ({ url: `/indicators/O1.5?${q({ period, area })}`, filter: { area, period } }))),
    read: drillRuns,
  },
  {
    name: 'O5.7 drill-down page', role: 'analyst',
    urls: (ctx) => ctx.areas.flatMap((area) => ctx.periods.map((period) => ({ url: `/indicators/O5.7?${q({ period, area })}`, filter: { area, period } }))),
    read: drillSessions,
  },
  {
    name: 'dashboard', role: 'analyst',
    urls: (ctx) => ctx.areas.flatMap((area) => ctx.dashboardPeriods.map((period) => ({ url: `/indicators?${q({ period, area })}`, filter: { area, period } }))),
    read: (res, filter) => [...indicatorSection(res.text, 'O1.5', filter), ...indicatorSection(res.text, 'O5.7', filter)],
  },
  {
    name: 'evaluation results API', role: 'admin',
    urls: (ctx) => [{ url: '/api/v1/evaluations', filter: {} }, ...ctx.courses.map((course) => ({ url: `/api/v1/evaluations?${q({ course })}`, filter: {} }))],
    read: evaluationRows,
  },
];

// Figures with no count beside them, and the exact source each must repeat (checked by the test).
export const repeats = [
  {
    name: 'ADX export with breakdown', role: 'analyst',
    urls: (ctx) => ctx.parentAreas.flatMap((area) => ctx.periods.map((period) => ({ url: `/indicators/export?${q({ period, area, format: 'adx', breakdown: 1 })}` }))),
    // { 'O1.5|area': value } for each dataValue written (one period per file)
    read: (res) => Object.fromEntries([...res.text.matchAll(/<group orgUnit="([^"]+)"[^>]*>([\s\S]*?)<\/group>/g)]
      .flatMap(([, area, body]) => [...body.matchAll(/<dataValue dataElement="(O1\.5|O5\.7)" value="([^"]+)"/g)]
        .map(([, id, value]) => [`${id}|${area}`, Number(value)]))),
  },
  {
    name: 'evaluation results page', role: 'admin',
    urls: (ctx) => [{ url: '/admin/evaluations' }, ...ctx.courses.map((course) => ({ url: `/admin/evaluations?${q({ course })}` }))],
    // { 'course or session': n } for each row listed
    read: (res) => Object.fromEntries(tables(res.text)[0].rows.map(({ cells, href }) => [href.match(/course=([^&"]+)|sessions\/(\d+)/).slice(1).find(Boolean), Number(cells[1])])),
  },
];
