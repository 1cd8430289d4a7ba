// The Board's dashboard at desktop and at phone width: the summary of every indicator is on the
// first screen (before the filters), it fits a 390 px screen as stacked rows, each row's link
// reaches its indicator's section, and axe-core finds no WCAG 2.2 AA violation at either width.
import test, { before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startStack } from '../http/lib.mjs';
import { signIn, useStackAndBrowser, keepOffline, newPhonePage, axeViolations } from './lib.mjs';

const ctx = useStackAndBrowser(before, after, startStack);

const widths = {
  desktop: async () => {
    const context = await ctx.browser.newContext({ baseURL: ctx.stack.base, viewport: { width: 1280, height: 900 }, bypassCSP: true });
    await keepOffline(context);
    return context.newPage();
  },
  phone: () => newPhonePage(ctx.browser, { baseURL: ctx.stack.base, bypassCSP: true }),
};

for (const [name, open] of Object.entries(widths)) {
  test(`the summary is on the first screen (${name})`, async () => {
    const page = await open();
    await signIn(page, ctx.stack.base, 'analyst@lantern.example');
    await page.goto('/indicators');
    const viewport = page.viewportSize();
    const summary = page.getByRole('table', { name: /^Summary/ });
    const caption = await summary.locator('caption').boundingBox();
    const firstRow = await summary.locator('tbody tr').first().boundingBox();
    assert.ok(caption.y + caption.height <= viewport.height, `the summary's caption ends at ${caption.y + caption.height}, below ${viewport.height}`);
    assert.ok(firstRow.y + firstRow.height <= viewport.height, `its first indicator ends at ${firstRow.y + firstRow.height}`);
    // The first screen shows figures, not filters: the period choice comes after the summary.
    const filters = await page.locator('#filters').boundingBox();
    assert.ok(filters.y > firstRow.y, 'the filters follow the summary');
    assert.equal(await summary.locator('tbody tr').count(), 15);
    // Never wider than the screen: at 390 px the rows stack.
    const box = await summary.boundingBox();
    assert.ok(box.x >= 0 && box.x + box.width <= viewport.width, `the summary spans ${box.x} to ${box.x + box.width} of ${viewport.width}`);
    // Each status says its words, whatever the colour.
    for (const tag of await summary.locator('tbody td:last-child').allTextContents()) {
      assert.match(tag.trim(), /^(Met|Nearly met|Not met|No target|No figure)$/);
    }
    // A row leads to its indicator's section.
    await summary.getByRole('link', { name: /^O5\.5 / }).click();
    await page.waitForURL(/#O5\.5$/);
    const section = await page.locator('section#O5\\.5 h3').boundingBox();
    assert.ok(section.y >= 0 && section.y < viewport.height, 'the section is in view');
    assert.deepEqual(await axeViolations(page), [], `/indicators at ${name} width`);
    await page.context().close();
  });
}
