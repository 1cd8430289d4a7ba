// Two choices people make on a phone (issue 15), in chromium at 390 px: a trainer picks a session's
// venue from the ones used before, or adds a new one, with JavaScript off (every part of the choice
// shows and works); a pupil types the survey code off the trainer's screen into /s/, with no cookie,
// and lands on the survey, or reads on the same page that no survey has that code. axe-core finds no
// WCAG 2.2 AA violation on these pages, and none of them scrolls sideways.
import test, { before, after } from 'node:test';
import assert from 'node:assert/strict';
import { api, sqlite, startStack, tokenFor } from '../http/lib.mjs';
import { axeViolations, newPhonePage, signIn, useStackAndBrowser } from './lib.mjs';

const ctx = useStackAndBrowser(before, after, startStack);

async function assertFits(page, what) {
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
  assert.equal(overflow, 0, `${what} scrolls sideways by ${overflow} px`);
}

async function assertFitsAndPasses(page, what) {
  await assertFits(page, what);
  assert.deepEqual(await axeViolations(page), [], what);
}

/** A phone; javaScript false for a browser without it (axe then runs in a second, scripted page). */
const phone = (javaScriptEnabled = true) =>
  newPhonePage(ctx.browser, { baseURL: ctx.stack.base, bypassCSP: true, javaScriptEnabled });

/** A local "YYYY-MM-DDTHH:MM" days from now, as a datetime-local field takes it. */
function localInput(days, hour) {
  const date = new Intl.DateTimeFormat('en-CA', { timeZone: 'Europe/London' }).format(new Date(Date.now() + days * 86400e3));
  return `${date}T${String(hour).padStart(2, '0')}:00`;
}

async function fillSession(page, days) {
  await page.getByLabel('Course').selectOption('recognising-and-responding');
  await page.getByLabel('Starts').fill(localInput(days, 10));
  await page.getByLabel('Ends').fill(localInput(days, 13));
}

test('without JavaScript, a trainer picks a venue used before, or adds a new one', async () => {
  const page = await phone(false);
  await signIn(page, ctx.stack.base, 'trainer@lantern.example');
  await page.goto('/sessions/new');
  // Both parts of the choice show: the list and the new venue's fields.
  await assert.doesNotReject(page.getByLabel('Venue', { exact: true }).waitFor({ state: 'visible', timeout: 5000 }));
  assert.ok(await page.getByLabel('Venue name').isVisible(), 'the new venue\'s fields show without JavaScript');
  await assertFits(page, '/sessions/new without JavaScript');

  await fillSession(page, 45);
  await page.getByLabel('A venue used before').check();
  await page.getByLabel('Venue', { exact: true }).selectOption({ label: 'Grays Community Hall, RM17 6AA' });
  await page.getByRole('button', { name: 'Add the session' }).click();
  await page.waitForURL(/\/sessions\/\d+\?done=created/);
  assert.match(await page.locator('main').innerText(), /Grays Community Hall[\s\S]*RM17 6AA/);

  const kept = Number(sqlite(ctx.stack.dbPath, 'SELECT count(*) FROM venues'));
  await page.goto('/sessions/new');
  await fillSession(page, 46);
  await page.getByLabel('A new venue').check();
  await page.getByLabel('Venue name').fill('Rochford Day Centre');
  await page.getByLabel('Address').fill('2 Example Row\nRochford');
  await page.getByLabel('Postcode').fill('SS4 1AA');
  await page.getByLabel('Area').selectOption('rochford');
  await page.getByRole('button', { name: 'Add the session' }).click();
  await page.waitForURL(/\/sessions\/\d+\?done=created/);
  assert.match(await page.locator('main').innerText(), /Rochford Day Centre/);
  assert.equal(Number(sqlite(ctx.stack.dbPath, 'SELECT count(*) FROM venues')), kept + 1);
  await page.goto('/sessions/new');
  assert.equal(await page.getByLabel('Venue', { exact: true }).locator('option', { hasText: 'Rochford Day Centre, SS4 1AA' }).count(), 1);

  // A choice left unmade is named, and the summary's link lands on it.
  await fillSession(page, 47);
  await page.getByRole('button', { name: 'Add the session' }).click();
  assert.match(await page.locator('.govuk-error-summary').innerText(), /Choose a venue used before, or a new venue/);
  await page.context().close();
});

test('the venue choice at 390 px, with JavaScript: one part shows at a time; no AA violation', async () => {
  const page = await phone();
  await signIn(page, ctx.stack.base, 'trainer@lantern.example');
  await page.goto('/sessions/new');
  assert.equal(await page.getByLabel('Venue name').isVisible(), false, 'the new venue\'s fields wait for their radio');
  await page.getByLabel('A new venue').check();
  assert.ok(await page.getByLabel('Venue name').isVisible());
  await assertFitsAndPasses(page, '/sessions/new');
  await page.getByRole('button', { name: 'Add the session' }).click();
  await page.waitForLoadState();
  await assertFitsAndPasses(page, '/sessions/new with errors');
  await page.context().close();
});

test('a pupil types the code from the screen into /s/ and reaches the survey, with no cookie', async () => {
  const trainer = api(ctx.stack.base, await tokenFor(ctx.stack, 'trainer@lantern.example'));
  const run = await trainer.post('/api/v1/survey-runs', { urn: '900001', year_group: 8, phase: 'pre', capacity: 28 });
  assert.equal(run.status, 201, run.text);
  const code = run.json.code;
  const page = await phone();
  await page.goto('/s/');
  assert.ok(await page.getByRole('button', { name: /Exit this page/ }).first().isVisible(), 'Exit this page');
  await assertFitsAndPasses(page, '/s/');
  // As the screen shows it, in capitals and in two halves.
  await page.getByLabel('Survey code').fill(`${code.slice(0, 4).toUpperCase()} ${code.slice(4).toUpperCase()}`);
  await page.getByRole('button', { name: 'Start the survey' }).click();
  await page.waitForURL(`${ctx.stack.base}/s/${code}`);
  assert.ok(await page.locator('input[name="q1"]').first().isVisible(), 'the survey itself');

  await page.goto('/s/');
  await page.getByLabel('Survey code').fill('ZZZZ-ZZZZ');
  await page.getByRole('button', { name: 'Start the survey' }).click();
  await page.waitForLoadState();
  assert.match(page.url(), /\/s\/\?code=ZZZZ-ZZZZ$/);
  assert.match(await page.locator('.govuk-error-summary').innerText(), /There is no survey with that code/);
  assert.equal(await page.getByLabel('Survey code').inputValue(), 'ZZZZ-ZZZZ');
  await assertFitsAndPasses(page, '/s/ with an unknown code');
  assert.deepEqual(await page.context().cookies(), [], 'no cookie on the way');
  await page.context().close();
});
