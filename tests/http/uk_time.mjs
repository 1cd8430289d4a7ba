// Times as lantern's pages write them (Europe/London), and a server clock pinned to a late morning,
// for tests about "today" that must not straddle midnight.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const part = (t, o) => new Intl.DateTimeFormat('en-GB', { timeZone: 'Europe/London', ...o }).format(new Date(t * 1000));

/** "10 March 2027" for a Unix time in seconds. */
export function ukDate(t) {
  return `${part(t, { day: 'numeric' })} ${part(t, { month: 'long' })} ${part(t, { year: 'numeric' })}`;
}

/** "Wednesday 10 March 2027, 10:30am" (":00" left out) for a Unix time in seconds. */
export function ukDateTime(t) {
  const hour = Number(part(t, { hour: 'numeric', hourCycle: 'h23' }));
  const minute = part(t, { minute: '2-digit' }).padStart(2, '0');
  const clock = `${hour % 12 || 12}${minute === '00' ? '' : `:${minute}`}${hour < 12 ? 'am' : 'pm'}`;
  return `${part(t, { weekday: 'long' })} ${ukDate(t)}, ${clock}`;
}

/** A clock file for LANTERN_CLOCK_FILE holding 11:00 UTC `days` ahead (11am or noon in London, in
 * the future so sign-in cookies stay valid): { file, T, remove() }. */
export function lateMorningClock(days = 3) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lantern-clock-'));
  const file = path.join(dir, 'now');
  const now = new Date();
  const T = Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate() + days, 11) / 1000;
  fs.writeFileSync(file, String(T));
  return { file, T, remove: () => fs.rmSync(dir, { recursive: true, force: true }) };
}
