// Period names (spec §2) for a moment, worked out in Europe/London, where a period starts at local
// midnight. Tests whose data is dated from today (the demo's) name their periods with these, so they
// do not go stale as the calendar moves on. Also a moment as the pages write it, in UK time.
//
//   import { periodsAt, periodCovering } from './periods.mjs';
//   periodsAt(Date.now()).ay                        // 'AY2026-27' from 1 September 2026
//   periodCovering(Date.now() - 7 * 86400e3, Date.now())   // a period holding the last week

const LONDON = new Intl.DateTimeFormat('en-GB', { timeZone: 'Europe/London', year: 'numeric', month: '2-digit', day: '2-digit' });

/** The calendar date in London at `ms` (milliseconds since the epoch): { y, m, d }, m from 1. */
export function londonDate(ms) {
  const parts = Object.fromEntries(LONDON.formatToParts(new Date(ms)).map((p) => [p.type, p.value]));
  return { y: Number(parts.year), m: Number(parts.month), d: Number(parts.day) };
}

const pair = (first) => `${first}-${String((first + 1) % 100).padStart(2, '0')}`;

/** The names of the periods that hold the moment `ms`: calendar year and month, financial year and
 * quarter (Q1 = April to June), academic year (from 1 September). */
export function periodsAt(ms) {
  const { y, m } = londonDate(ms);
  const fyStart = m >= 4 ? y : y - 1;
  const ayStart = m >= 9 ? y : y - 1;
  const quarter = Math.floor(((m + 8) % 12) / 3) + 1; // April -> 1, July -> 2, October -> 3, January -> 4
  return {
    year: String(y),
    month: `${y}-${String(m).padStart(2, '0')}`,
    fy: `FY${pair(fyStart)}`,
    quarter: `FY${pair(fyStart)}-Q${quarter}`,
    ay: `AY${pair(ayStart)}`,
  };
}

/** One period name holding every moment from `fromMs` to `toMs` (a span of weeks, not years): the
 * academic year if the span lies in one, else the financial year, else the calendar year. Their
 * boundaries (1 September, 1 April, 1 January) are months apart, so one of the three always fits. */
export function periodCovering(fromMs, toMs) {
  const a = periodsAt(fromMs), b = periodsAt(toMs);
  for (const kind of ['ay', 'fy', 'year']) if (a[kind] === b[kind]) return a[kind];
  throw new Error(`no academic, financial or calendar year holds ${new Date(fromMs).toISOString()} to ${new Date(toMs).toISOString()}`);
}

const WORDS = new Intl.DateTimeFormat('en-GB', { timeZone: 'Europe/London', weekday: 'long', day: 'numeric', month: 'long',
  year: 'numeric', hour: 'numeric', minute: '2-digit', hourCycle: 'h23' });

/** A moment (seconds since the epoch) the way lantern's pages show one: "Wednesday 14 July 2027, 9:05am",
 * in UK time, the minutes left out on the hour ("3pm"). */
export function londonTimeText(seconds) {
  const p = Object.fromEntries(WORDS.formatToParts(new Date(seconds * 1000)).map((x) => [x.type, x.value]));
  const hour = Number(p.hour);
  const minutes = p.minute === '00' ? '' : `:${p.minute}`;
  return `${p.weekday} ${p.day} ${p.month} ${p.year}, ${hour % 12 || 12}${minutes}${hour < 12 ? 'am' : 'pm'}`;
}
