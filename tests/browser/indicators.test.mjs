// An analyst opens the dashboard, changes the period and the area, and drills into a figure to the
// records it counts.
import test, { before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startStack } from '../http/lib.mjs';
import { periodCovering } from '../http/periods.mjs';
import { signIn, useStackAndBrowser, keepOffline } from './lib.mjs';

const ctx = useStackAndBrowser(before, after, startStack);
// The demo dates its Southend posters 5 and 6 days before today and their scans since (app/demo.c):
// a period that holds the last week counts them all, whatever today is.
const PERIOD = periodCovering(Date.now() - 7 * 86400e3, Date.now());

test('analyst reads the dashboard, changes period and area, and drills down', async () => {
  const context = await ctx.browser.newContext({ baseURL: ctx.stack.base, viewport: { width: 1280, height: 900 } });
  await keepOffline(context);
  const page = await context.newPage();
  await signIn(page, ctx.stack.base, 'analyst@lantern.example');
  await page.getByRole('navigation', { name: 'Menu' }).getByRole('link', { name: 'Indicators', exact: true }).click();
  await page.waitForURL(/\/indicators$/);
  assert.match(await page.locator('h1').textContent(), /Outcome 1 and Outcome 5 indicators/);
  // Every indicator has its section, and each chart is paired with a table of the same numbers.
  assert.equal(await page.locator('section.lantern-indicator').count(), 15);
  assert.equal(await page.locator('svg.lantern-chart').count(), 15);

  await page.getByLabel('Period').selectOption(PERIOD);
  await page.getByLabel('Area').selectOption('southend');
  await page.getByRole('button', { name: 'Show' }).click();
  await page.waitForURL(new RegExp(`period=${PERIOD}&area=southend`));
  assert.match(await page.locator('.govuk-caption-l').first().textContent(), new RegExp(`Southend-on-Sea, ${PERIOD}`));
  // The demo's scans in Southend this period are counted.
  const scans = page.locator('section#O5\\.5 .lantern-indicator__value');
  assert.match(await scans.textContent(), /^\s*\d+/);
  const shown = Number((await scans.textContent()).trim().split(/\s/)[0]);
  assert.ok(shown > 0, 'demo scans in Southend');

  await page.locator('section#O5\\.5').getByRole('link', { name: /See what is counted/ }).click();
  await page.waitForURL(new RegExp(`/indicators/O5\\.5\\?period=${PERIOD}&area=southend`));
  const rows = page.locator('main table').last().locator('tbody tr');
  assert.ok(await rows.count() > 0);
  // The placements listed add up to the figure.
  let total = 0;
  for (const cell of await rows.locator('td:last-child').allTextContents()) total += Number(cell);
  assert.equal(total, shown);

  // A wrong period is named in the error summary.
  await page.goto('/indicators?period=2025-Q9');
  assert.match(await page.locator('.govuk-error-summary').textContent(), /Enter a period like/);
  await context.close();
});
