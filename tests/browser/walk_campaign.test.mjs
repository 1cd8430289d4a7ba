// A campaign lead's day, walked through the pages from the home page at a desktop's width and a
// phone's (walk_lib.mjs: axe-core, dates as people write them and, on the phone, sideways scrolling
// checked on every page). Issue 15's fixes met on the way: the campaigns, placements, reach and
// pledges tables fit a phone; the reach chart ends at today; dates read like the rest of the service.
import test, { before, after } from 'node:test';
import assert from 'node:assert/strict';
import { useWalkStack, walk, WIDTHS } from './walk_lib.mjs';

const ctx = useWalkStack(before, after);

const CAMPAIGN = '16 Days of Action 2026: Name it. Get help.';
const today = new Intl.DateTimeFormat('en-CA', { timeZone: 'Europe/London' }).format(new Date()); // as a date box takes it
const MONTH = new Intl.DateTimeFormat('en-GB', { timeZone: 'Europe/London', month: 'long' }).format(new Date());
const PLACE = { desktop: 'Rayleigh library, front desk', phone: 'Hadleigh pharmacy window' };
const EMPLOYER = { desktop: 'Desk Walk Joinery Ltd', phone: 'Phone Walk Bakery Ltd' };

for (const width of WIDTHS) {
  test(`${width}: a campaign lead places a material, records reach and signs up an employer`, () =>
    walk(ctx, width, async (w) => {
      const { page } = w;
      await w.signIn('campaign@lantern.example');

      // A placement of a material, with its own QR code and print files.
      await w.menu('Campaigns', 'Campaigns');
      await w.follow(page.getByRole('link', { name: CAMPAIGN }), CAMPAIGN);
      await w.follow(w.link('Record a placement'), 'Record a placement');
      await page.getByLabel('Material', { exact: true }).selectOption({ label: 'Pocket card (Card)' });
      await page.getByLabel('Place', { exact: true }).fill(PLACE[width]);
      await page.getByLabel('District', { exact: true }).selectOption({ label: '— Rochford' });
      await page.getByLabel('How many', { exact: true }).fill('40');
      assert.equal(await page.getByLabel('Date placed', { exact: true }).inputValue(), today, 'today is offered');
      await w.submit(page.getByRole('button', { name: 'Save and get the print files' }), 'Pocket card');
      assert.match(await page.locator('.govuk-notification-banner').innerText(), /The placement has been recorded/);
      assert.match(await w.main(), new RegExp(`${PLACE[width]}[\\s\\S]*/c/[0-9a-z]+`));
      assert.equal(await page.getByRole('link', { name: 'PDF for A4 paper' }).count(), 1);

      // Reach: the placement counted, and an event's attendance recorded.
      await w.menu('Campaigns', 'Campaigns');
      await w.follow(page.getByRole('link', { name: CAMPAIGN }), CAMPAIGN);
      await w.follow(page.getByRole('link', { name: 'Reach', exact: true }), 'Reach');
      assert.match(await page.getByRole('row', { name: new RegExp(PLACE[width]) }).innerText(), /Rochford[\s\S]*40/);
      await page.getByLabel(/^Event/).check();
      await page.getByLabel('Date', { exact: true }).fill(today);
      await page.getByLabel('Area', { exact: true }).selectOption({ label: '— Rochford' });
      await page.getByLabel('Count', { exact: true }).fill('35');
      await page.getByLabel(/^Source/).fill(`${width} walk sign-in sheet`);
      await w.submit(page.getByRole('button', { name: 'Save' }), 'Reach');
      assert.match(await page.locator('.govuk-notification-banner').innerText(), /The reach has been recorded/);
      assert.match(await w.main(), new RegExp(`${width} walk sign-in sheet`));
      // This month's reach, chosen from the list of periods.
      await page.getByLabel('Period', { exact: true }).selectOption(today.slice(0, 7));
      await w.submit(page.getByRole('button', { name: 'Show' }), 'Reach');
      assert.equal(await page.getByLabel('Period', { exact: true }).inputValue(), today.slice(0, 7));
      assert.match(await w.main(), new RegExp(`From 1 ${MONTH} `));
      assert.match(await page.getByRole('row', { name: new RegExp(PLACE[width]) }).innerText(), /Rochford[\s\S]*40/);

      // An employer signs the pledge.
      await w.menu('Employer pledges', 'Employer pledges');
      await w.follow(w.link('Record a pledge'), 'Record a pledge');
      await page.getByLabel('Employer', { exact: true }).fill(EMPLOYER[width]);
      await page.getByLabel('Sector', { exact: true }).selectOption({ label: 'Employer' });
      await page.getByLabel('Area', { exact: true }).selectOption({ label: '— Rochford' });
      await page.getByLabel('Date signed', { exact: true }).fill(today);
      await page.getByLabel(/^Contact's role/).fill('Managing director');
      await page.getByLabel(/^Campaign that brought them in/).selectOption({ label: CAMPAIGN });
      await w.submit(page.getByRole('button', { name: 'Save' }), 'Employer pledges');
      assert.match(await page.locator('.govuk-notification-banner').innerText(), /The pledge has been recorded/);
      assert.match(await page.getByRole('row', { name: new RegExp(EMPLOYER[width]) }).innerText(), /Rochford/);
    }));
}
