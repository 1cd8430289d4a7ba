// A school's lead's day, walked through the pages from the home page at a desktop's width and a
// phone's (walk_lib.mjs: axe-core and, on the phone, sideways scrolling checked on every page).
// Issue 15's fixes met on the way: their requests and their school's tables fit a phone; a request
// sent with a question unanswered says which; dates read like the rest of the service.
import test, { before, after } from 'node:test';
import assert from 'node:assert/strict';
import { useWalkStack, walk, WIDTHS } from './walk_lib.mjs';

const ctx = useWalkStack(before, after);

const SCHOOL = 'Demo Academy Southend';
const YEAR = { desktop: 'Year 11', phone: 'Year 8' };
const DATE = /^\d{1,2} (January|February|March|April|May|June|July|August|September|October|November|December) \d{4}$/;
// Today as the date box takes it, and as the pages write it.
const today = new Intl.DateTimeFormat('en-CA', { timeZone: 'Europe/London' }).format(new Date());
const todayText = new Intl.DateTimeFormat('en-GB', { timeZone: 'Europe/London', day: 'numeric', month: 'long', year: 'numeric' }).format(new Date());

for (const width of WIDTHS) {
  test(`${width}: a school's lead requests a session, records a delivery, and reads coverage and survey results`, () =>
    walk(ctx, width, async (w) => {
      const { page } = w;
      await w.signIn('school@lantern.example');

      // A request for a year group: the form says what is missing, then the request waits for a decision.
      await w.follow(page.getByRole('link', { name: 'Request a session' }), "Your school's session requests");
      await w.follow(w.link('Request a session'), 'Request a session');
      await page.getByLabel('Programme').selectOption({ label: 'Risk Avert: healthy relationships in schools' });
      await w.submit(page.getByRole('button', { name: 'Send the request' }), 'Request a session');
      const summary = await page.locator('.govuk-error-summary').innerText();
      assert.match(summary, /year group/i);
      assert.match(summary, /pupils/i);
      await page.getByLabel('Module (optional)').selectOption({ label: 'Risk Avert: healthy relationships in schools: Small-group sessions (Years 8 to 11)' });
      await page.getByLabel('Year group').selectOption({ label: YEAR[width] });
      await page.getByLabel('Pupils expected').fill('12');
      await page.getByLabel('Preferred dates').fill(`A ${width} walk: any Wednesday afternoon`);
      await w.submit(page.getByRole('button', { name: 'Send the request' }), "Your school's session requests");
      const request = page.getByRole('row', { name: new RegExp(`A ${width} walk`) });
      assert.match(await request.innerText(), new RegExp(`${YEAR[width]}, 12 pupils[\\s\\S]*Waiting for a decision`));

      // A lesson of the programme given by the school's own staff, recorded.
      await w.menu('Your school', SCHOOL);
      await w.follow(w.link('Record a delivery'), 'Record a Risk Avert delivery');
      await page.getByLabel(/^Small-group sessions/).check();
      await page.getByLabel('Year group').selectOption({ label: YEAR[width] });
      await page.getByLabel('Date delivered').fill(today);
      await page.getByLabel('Pupils reached').fill('11');
      await w.submit(page.getByRole('button', { name: 'Record the delivery' }), SCHOOL);
      assert.match(await page.locator('.govuk-notification-banner').innerText(), /The delivery has been recorded/);
      const delivery = page.getByRole('row', { name: new RegExp(`Small-group sessions.*${YEAR[width]}`) }).first();
      assert.equal((await delivery.getByRole('cell').first().innerText()).trim(), todayText);
      assert.match(todayText, DATE);

      // Coverage of the year groups, and the pupils' survey results.
      await w.follow(page.getByRole('link', { name: /^Coverage in AY/ }), /^Risk Avert coverage, AY/);
      assert.match(await page.getByRole('row', { name: /^Small-group sessions/ }).innerText(), /11 pupils/);
      await w.menu('Survey results', 'Pupil survey results');
      assert.match(await page.getByRole('row', { name: /^Demonstrate good understanding/ }).innerText(), /\d+\.\d%/);
      await w.menu('Your school', SCHOOL);
      const run = page.getByRole('row', { name: /Before \(pre\)/ }).first();
      await w.follow(run.getByRole('link').first(), 'Survey results');
      await w.menu('Your school', SCHOOL);
      await w.follow(run.getByRole('link').last(), 'Answers received');
    }));
}
