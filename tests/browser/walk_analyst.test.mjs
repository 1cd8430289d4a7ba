// A Board analyst's day, walked through the pages from the home page at a desktop's width and a
// phone's (walk_lib.mjs: axe-core and, on the phone, sideways scrolling checked on every page).
// Issue 15's fixes met on the way: the dashboard opens with a summary of every indicator (value, the
// year before, target, a status in words as well as shape and colour); the period is chosen from a
// list; figures are rounded to their precision; the drill-downs name courses, places, areas and
// materials rather than showing their codes; a campaign's reach chart labels its months without
// overlapping and ends at today.
import test, { before, after } from 'node:test';
import assert from 'node:assert/strict';
import { useWalkStack, walk, WIDTHS } from './walk_lib.mjs';

const ctx = useWalkStack(before, after);

const DASHBOARD = 'Outcome 1 and Outcome 5 indicators';
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
// Today's month in London, as a number to compare (2026 * 12 + 10 for November 2026).
const london = new Intl.DateTimeFormat('en-GB', { timeZone: 'Europe/London', year: 'numeric', month: 'numeric' }).formatToParts(new Date());
const thisMonth = Number(london.find((p) => p.type === 'year').value) * 12 + Number(london.find((p) => p.type === 'month').value) - 1;
const financialYear = (() => {
  const y = Math.floor(thisMonth / 12) - (thisMonth % 12 < 3 ? 1 : 0);
  return `FY${y}-${String((y + 1) % 100).padStart(2, '0')}`;
})();
// An internal code where a name belongs: lower-case words joined by hyphens, or a bare area code.
const CODE = /^(?=.*[a-z])[a-z0-9]+(-[a-z0-9]+)*$/;

// The cells of the drill-down's table that read like codes rather than names.
async function codesIn(page) {
  const cells = await page.locator('main table td').allInnerTexts();
  return cells.map((c) => c.trim()).filter((c) => CODE.test(c));
}

// Figures to their precision: no 22.199999999999999, no 2e+01.
async function roughFigures(w) {
  return (await w.main()).match(/\b\d+\.\d{2,}\b|\b\d(\.\d+)?e[+-]\d+\b/g) ?? [];
}

for (const width of WIDTHS) {
  test(`${width}: an analyst reads the dashboard for a period, drills down, and reads a campaign's reach`, () =>
    walk(ctx, width, async (w) => {
      const { page } = w;
      await w.signIn('analyst@lantern.example');
      await w.menu('Indicators', DASHBOARD);

      // The summary comes first: every indicator, each with a status in words, before the filters.
      const summary = page.getByRole('table', { name: /^Summary/ });
      assert.equal(await page.locator('main table').first().getAttribute('id'), 'summary', 'the first table is the summary');
      assert.equal(await summary.locator('tbody tr').count(), 15);
      const firstRow = await summary.locator('tbody tr').first().boundingBox();
      assert.ok(firstRow.y + firstRow.height <= page.viewportSize().height, 'the first indicator is on the first screen');
      assert.ok((await page.locator('#filters').boundingBox()).y > firstRow.y, 'the filters follow the summary');
      for (const status of await summary.locator('tbody td:last-child').allInnerTexts()) {
        assert.match(status.trim(), /^(Met|Nearly met|Not met|No target|No figure)$/);
      }
      assert.deepEqual(await roughFigures(w), []);

      // The period is chosen from a list of named choices, grouped, and nothing else in it.
      const period = page.getByLabel('Period');
      const stray = await period.evaluate((select) => [...select.querySelectorAll('optgroup')]
        .flatMap((g) => [...g.childNodes]).filter((n) => n.nodeName !== 'OPTION').map((n) => n.textContent));
      assert.deepEqual(stray, [], 'the period list holds only its choices');
      const label = await period.locator(`option[value="${financialYear}"]`).innerText();
      assert.match(label, new RegExp(`^${financialYear}: April \\d{4} to March \\d{4}$`));
      await period.selectOption({ label });
      await w.submit(page.getByRole('button', { name: 'Show' }), DASHBOARD);
      assert.equal(new URL(page.url()).searchParams.get('period'), financialYear);
      assert.match(await summary.locator('thead').innerText(), new RegExp(financialYear));
      assert.match(await w.main(), /1 April \d{4} to 31 March \d{4}\./);
      assert.deepEqual(await roughFigures(w), []);

      // From the summary to a section, and from there to what it counts: sessions and places by name.
      await summary.getByRole('link', { name: /^O5\.2 / }).click();
      await page.waitForURL(/#O5\.2$/);
      await w.follow(page.getByRole('link', { name: 'See what is counted for O5.2' }), 'Practitioners trained');
      assert.match(await w.main(), /Recognising and responding to domestic abuse/);
      assert.deepEqual(await codesIn(page), []);

      // Campaign reach counted by material and district, by name.
      await w.menu('Indicators', DASHBOARD);
      await summary.getByRole('link', { name: /^O5\.5 / }).click();
      await page.waitForURL(/#O5\.5$/);
      await w.follow(page.getByRole('link', { name: 'See what is counted for O5.5' }), 'Campaign reach: QR scans');
      assert.match(await w.main(), /Southend-on-Sea/);
      assert.deepEqual(await codesIn(page), []);

      // A campaign's reach over the financial year: its chart's months do not overlap and stop at today.
      await w.menu('Campaigns', 'Campaigns');
      await w.follow(page.getByRole('link', { name: 'Not OK at home, not OK at work: recognising coercive control' }),
        'Not OK at home, not OK at work: recognising coercive control');
      await w.follow(page.getByRole('link', { name: 'Reach', exact: true }), 'Reach');
      await page.getByLabel('Period').selectOption(financialYear);
      await w.submit(page.getByRole('button', { name: 'Show' }), 'Reach');
      const labels = await page.locator('svg.lantern-chart text.lantern-chart__label--middle').evaluateAll((texts) =>
        texts.map((t) => { const r = t.getBoundingClientRect(); return { text: t.textContent, left: r.left, right: r.right }; }));
      assert.ok(labels.length >= 2, 'the chart labels its months');
      for (let i = 1; i < labels.length; i++) {
        assert.ok(labels[i - 1].right <= labels[i].left, `"${labels[i - 1].text}" and "${labels[i].text}" overlap`);
      }
      const months = (await page.getByRole('table', { name: /^Scans/ }).locator('tbody th, tbody td:first-child').allInnerTexts())
        .map((m) => m.trim().match(/^(\w{3}) (\d{4})$/)).filter(Boolean).map(([, m, y]) => Number(y) * 12 + MONTHS.indexOf(m));
      assert.ok(months.length >= 2, 'the scans table lists the months');
      assert.ok(Math.max(...months) <= thisMonth, 'no month after this one is drawn');
    }));
}
