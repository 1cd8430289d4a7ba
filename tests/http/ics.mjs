// Reads an iCalendar text (RFC 5545) the way a calendar would: folded lines joined, then the
// calendar's own properties and each VEVENT's, by name (parameters dropped). Enough for tests to
// compare what an invitation and its cancellation say about the same event.
//
//   const cal = parseIcs(text);  cal.METHOD === 'CANCEL';  cal.events[0].UID

/** { METHOD, VERSION, ..., events: [{ UID, STATUS, SEQUENCE, DTSTART, ... }] } */
export function parseIcs(text) {
  const lines = String(text).replace(/\r?\n[ \t]/g, '').split(/\r?\n/).filter(Boolean);
  const cal = { events: [] };
  let event = null;
  for (const line of lines) {
    const colon = line.indexOf(':');
    const name = line.slice(0, colon).split(';')[0].toUpperCase();
    const value = line.slice(colon + 1);
    if (name === 'BEGIN' && value === 'VEVENT') event = {};
    else if (name === 'END' && value === 'VEVENT') {
      cal.events.push(event);
      event = null;
    } else if (name !== 'BEGIN' && name !== 'END') (event ?? cal)[name] = value;
  }
  return cal;
}
