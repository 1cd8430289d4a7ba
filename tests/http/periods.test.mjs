// The test helper that names periods from a date (periods.mjs): London dates, local-midnight
// boundaries across both clock offsets, and a period always found for a week's span.
import test from 'node:test';
import assert from 'node:assert/strict';
import { londonTimeText, periodsAt, periodCovering } from './periods.mjs';

const at = (iso) => Date.parse(iso);

test('each kind of period, at boundaries in London time', () => {
  // 00:30 on 1 September in London is still 31 August in UTC (summer time).
  assert.deepEqual(periodsAt(at('2026-08-31T23:30:00Z')),
    { year: '2026', month: '2026-09', fy: 'FY2026-27', quarter: 'FY2026-27-Q2', ay: 'AY2026-27' });
  assert.equal(periodsAt(at('2026-08-31T22:30:00Z')).ay, 'AY2025-26');
  // 1 April begins a financial year and its first quarter.
  assert.deepEqual(periodsAt(at('2026-03-31T23:30:00Z')),
    { year: '2026', month: '2026-04', fy: 'FY2026-27', quarter: 'FY2026-27-Q1', ay: 'AY2025-26' });
  // In winter London is UTC: the new year starts at midnight UTC.
  assert.deepEqual(periodsAt(at('2026-12-31T23:30:00Z')),
    { year: '2026', month: '2026-12', fy: 'FY2026-27', quarter: 'FY2026-27-Q3', ay: 'AY2026-27' });
  assert.equal(periodsAt(at('2027-01-01T00:00:00Z')).quarter, 'FY2026-27-Q4');
  assert.equal(periodsAt(at('2099-10-01T12:00:00Z')).fy, 'FY2099-00');
});

test('a period holding a week, whichever week of the year', () => {
  assert.equal(periodCovering(at('2026-08-28T12:00:00Z'), at('2026-09-03T12:00:00Z')), 'FY2026-27');
  assert.equal(periodCovering(at('2026-03-28T12:00:00Z'), at('2026-04-03T12:00:00Z')), 'AY2025-26');
  assert.equal(periodCovering(at('2026-11-02T12:00:00Z'), at('2026-11-09T12:00:00Z')), 'AY2026-27');
  for (let day = 0; day < 366; day++) {
    const end = at('2026-01-01T12:00:00Z') + day * 86400e3;
    const name = periodCovering(end - 7 * 86400e3, end);
    assert.match(name, /^(AY|FY)?\d{4}(-\d\d)?$/, name);
  }
});

test('a moment as the pages write it, in UK time', () => {
  assert.equal(londonTimeText(at('2027-07-14T08:05:00Z') / 1000), 'Wednesday 14 July 2027, 9:05am');
  assert.equal(londonTimeText(at('2027-01-04T12:00:00Z') / 1000), 'Monday 4 January 2027, 12pm');
  assert.equal(londonTimeText(at('2027-01-04T00:30:00Z') / 1000), 'Monday 4 January 2027, 12:30am');
  assert.equal(londonTimeText(at('2027-03-28T23:59:00Z') / 1000), 'Monday 29 March 2027, 12:59am');
});
