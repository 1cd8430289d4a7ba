// The public's and pupils' journeys, walked at a desktop's width and a phone's (walk_lib.mjs: axe-core,
// dates as people write them and, on the phone, sideways scrolling checked on every page). Nobody
// signs in: a pupil types the survey's short address, gets the code wrong once, then answers; someone
// who scanned a campaign poster reads its help page and leaves it with Exit this page; someone
// checks a certificate from its QR code. Issue 15's fixes met on the way: /s/ offers a box for the
// code on the trainer's screen, which takes it however it is typed; the pages fit a phone.
import test, { before, after } from 'node:test';
import assert from 'node:assert/strict';
import { api, sqlite, tokenFor } from '../http/lib.mjs';
import { useWalkStack, walk, WIDTHS } from './walk_lib.mjs';

const NEUTRAL = 'https://www.bbc.co.uk/weather';

// What the day starts from: a survey open in a classroom (a trainer opened it), a poster's code and a
// certificate's code (printed as QR codes).
const ctx = useWalkStack(before, after, async (stack) => {
  const trainer = api(stack.base, await tokenFor(stack, 'trainer@lantern.example'));
  const run = await trainer.post('/api/v1/survey-runs', { urn: '900002', year_group: 10, phase: 'post', capacity: 30 });
  assert.equal(run.status, 201, run.text);
  return {
    survey: run.json.code,
    poster: sqlite(stack.dbPath, "SELECT code FROM placements WHERE campaign_id = 'sixteen-days-2026' AND lang = 'en' ORDER BY id LIMIT 1"),
    certificate: sqlite(stack.dbPath, 'SELECT code FROM certificates WHERE withdrawn_at IS NULL ORDER BY booking_id LIMIT 1'),
  };
});

const STATEMENTS = [/^1\. I can tell when something/, /^2\. I know what a healthy relationship/, /^3\. I have friends I can count on/, /^4\. I know which adults/];
const STORIES = [[/^Story 1\. Mia's boyfriend/, 'Unhealthy'], [/^Story 2\. Josh and Amir/, 'Healthy'],
  [/^Story 3\. Ellie's girlfriend/, 'Unhealthy'], [/^Story 4\. Sam tells their partner/, 'Healthy']];

for (const width of WIDTHS) {
  test(`${width}: a pupil answers the survey from its code; a poster's help page and Exit this page; a certificate checked`, () =>
    walk(ctx, width, async (w) => {
      const { page } = w;
      await page.context().route((url) => url.href.startsWith(NEUTRAL), (route) =>
        route.fulfill({ status: 200, contentType: 'text/html; charset=utf-8', body: '<!DOCTYPE html><title>Weather</title><p>Neutral page</p>' }));

      // The address on the board, then the code; mistyped first, then as shown, in capitals.
      await page.goto('/s/');
      await w.arrived('Enter your survey code');
      const code = page.getByLabel('Survey code');
      await code.fill('zzzz9999');
      await w.submit(page.getByRole('button', { name: 'Start the survey' }), 'Enter your survey code');
      assert.match(await page.locator('.govuk-error-summary').innerText(), /There is no survey with that code/);
      await code.fill(ctx.day.survey.toUpperCase());
      await w.submit(page.getByRole('button', { name: 'Start the survey' }), 'What do you think about relationships?');
      for (const statement of STATEMENTS) await page.getByRole('group', { name: statement }).getByLabel('Agree', { exact: true }).check();
      for (const [story, answer] of STORIES) await page.getByRole('group', { name: story }).getByLabel(answer, { exact: true }).check();
      await w.submit(page.getByRole('button', { name: 'Send my answers' }), 'Thank you');
      assert.match(await w.main(), /Childline/);
      assert.deepEqual(await page.context().cookies(), [], 'the survey set no cookie');

      // A poster's QR code: its help page, left quickly.
      await page.goto(`/c/${ctx.day.poster}`);
      await w.arrived(/./);
      assert.match(page.url(), /\/help\/sixteen-days-2026/);
      assert.deepEqual(await page.context().cookies(), [], 'the help page set no cookie');
      await page.getByRole('button', { name: /Exit this page/ }).click();
      await page.waitForURL((url) => url.href.startsWith(NEUTRAL));

      // A certificate's QR code: the public page that vouches for it.
      await page.goto(`/verify/${ctx.day.certificate}`);
      await w.arrived('This certificate is genuine');
      assert.match(await w.main(), /Date\s+\d{1,2} [A-Z][a-z]+ \d{4}/);
    }));
}
