// overflow.mjs itself: on small pages made for the purpose at 390 px, a page that fits has no
// problem, and each way a page can fail to fit (a wide table, a word too long for its box, a box
// that scrolls sideways) is named, while visually hidden text is not. Without this, a check that
// never finds anything would let the phone tests pass on every page.
import test, { before, after } from 'node:test';
import assert from 'node:assert/strict';
import { launchBrowser, newPhonePage } from './lib.mjs';
import { horizontalOverflow } from './overflow.mjs';

let browser, page;
before(async () => {
  browser = await launchBrowser();
  page = await newPhonePage(browser);
});
after(async () => {
  await browser?.close();
});

const VISUALLY_HIDDEN = 'position:absolute;width:1px;height:1px;margin:0;padding:0;overflow:hidden;clip:rect(0 0 0 0);' +
  'clip-path:inset(50%);white-space:nowrap';

async function problemsOf(body) {
  await page.setContent(`<!DOCTYPE html><html lang="en"><head><meta name="viewport" content="width=device-width, initial-scale=1">
    <style>body{margin:0 15px;font:16px sans-serif}</style></head><body>${body}</body></html>`);
  return horizontalOverflow(page);
}

test('a page that fits has no problem, visually hidden text included', async () => {
  assert.deepEqual(await problemsOf(`<h1>Sessions</h1><p>Some words that wrap as they should on a phone.</p>
    <span style="${VISUALLY_HIDDEN}">${'hidden text that is long '.repeat(20)}</span>`), []);
});

test('a table wider than the screen is named', async () => {
  const cells = Array.from({ length: 8 }, (_, i) => `<td style="white-space:nowrap">Column number ${i}</td>`).join('');
  const problems = await problemsOf(`<table id="wide"><tr>${cells}</tr></table>`);
  assert.ok(problems.some((p) => /<table#wide>/.test(p)), problems.join('\n'));
});

test('a word too long for its box is named, though the box itself fits', async () => {
  const problems = await problemsOf(`<p id="long">${'x'.repeat(120)}</p>`);
  assert.ok(problems.some((p) => /<p#long>/.test(p)), problems.join('\n'));
});

test('a box that scrolls sideways is named', async () => {
  const problems = await problemsOf(`<div id="scroller" style="overflow-x:auto"><div style="width:900px">wide</div></div>`);
  assert.ok(problems.some((p) => /<div#scroller> .*scrolls sideways/.test(p)), problems.join('\n'));
});
