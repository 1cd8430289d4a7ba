// A programme admin's day, walked through the pages from the home page at a desktop's width and a
// phone's (walk_lib.mjs: axe-core and, on the phone, sideways scrolling checked on every page).
// Issue 15's fixes met on the way: a school's request confirmed with the school already chosen from
// the kept venues; a session added at a venue chosen from the list, someone booked on it by email (a
// mistyped address refused on the session's page, not a dead end), then the session cancelled
// through a confirmation page; the schools import offers a template and takes the names the pages show
// ("Southend-on-Sea", "Secondary", any case) as well as the codes.
import test, { before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs/promises';
import { useWalkStack, walk, WIDTHS } from './walk_lib.mjs';

const ctx = useWalkStack(before, after);

// A datetime-local value `days` from now at `hour` o'clock (the form reads UK time).
function local(days, hour) {
  const d = new Date(Date.now() + days * 86400e3);
  const date = new Intl.DateTimeFormat('en-CA', { timeZone: 'Europe/London' }).format(d); // YYYY-MM-DD
  return `${date}T${String(hour).padStart(2, '0')}:00`;
}

const SETTING = { desktop: ['800101', 'Wickford Walk Academy'], phone: ['800102', 'Canvey Phone Academy'] };

for (const [n, width] of WIDTHS.entries()) {
  test(`${width}: an admin confirms a school's request, adds and cancels a session, and imports schools`, () =>
    walk(ctx, width, async (w) => {
      const { page } = w;
      await w.signIn('admin@lantern.example');

      // A school's request: the school is already chosen as the venue, from the kept venues.
      await w.follow(page.getByRole('link', { name: 'School requests' }), 'School requests');
      await w.follow(page.getByRole('link', { name: /^Confirm or decline the request from / }).first(), 'Confirm or decline a request');
      const venue = page.getByLabel('Venue', { exact: true });
      assert.ok(await page.getByLabel('A venue used before').isChecked());
      assert.match(await venue.locator('option:checked').innerText(), /^Demo Academy Southend/);
      await page.getByLabel('Starts').fill(local(40 + n, 9));
      await page.getByLabel('Ends').fill(local(40 + n, 10));
      await page.getByLabel('Taylor Trainer').check();
      await w.submit(page.getByRole('button', { name: 'Confirm and create the session' }), /^Risk Avert/);
      assert.match(await w.main(), /Demo Academy Southend/);

      // A session of its own at a venue chosen from the list; then cancelled, after being asked.
      await w.menu('Sessions', 'Face-to-face sessions');
      await w.follow(w.link('Add a session'), 'Add a session');
      await page.getByLabel('Course', { exact: true }).selectOption({ label: 'Coercive control, stalking and harassment' });
      await page.getByLabel('Starts').fill(local(50 + n, 13));
      await page.getByLabel('Ends').fill(local(50 + n, 16));
      await page.getByLabel('A venue used before').check();
      await page.getByLabel('Venue', { exact: true }).selectOption({ label: 'Grays Community Hall, RM17 6AA' });
      await page.getByLabel('Taylor Trainer').check();
      await w.submit(page.getByRole('button', { name: 'Add the session' }), 'Coercive control, stalking and harassment');
      assert.match(await w.main(), /Grays Community Hall/);
      // Someone phones to book: a mistyped address is refused on the session's own page, then booked.
      const email = page.getByLabel("Practitioner's email address");
      await email.fill('priya.practitioner@example.org');
      await w.submit(page.getByRole('button', { name: 'Book this practitioner' }), 'Coercive control, stalking and harassment');
      assert.match(await page.locator('.govuk-error-summary').innerText(), /There is no practitioner with that email address/);
      await email.fill('practitioner@lantern.example');
      await w.submit(page.getByRole('button', { name: 'Book this practitioner' }), 'Coercive control, stalking and harassment');
      assert.match(await page.getByRole('row', { name: /Priya Practitioner/ }).innerText(), /Booked/);
      await w.follow(w.link('Cancel this session'), 'Cancel this session?');
      assert.ok(await page.locator('.govuk-button--warning').isVisible(), 'the button that cancels is red');
      await w.submit(page.locator('.govuk-button--warning'), 'Coercive control, stalking and harassment');
      assert.match(await page.locator('.govuk-summary-list').first().innerText(), /Status\s+Cancelled/);

      // Schools: the import's template, then a setting written with the names the pages show.
      await w.menu('Home', /^Welcome, /);
      await w.follow(page.getByRole('link', { name: 'Import settings' }), 'Import settings');
      const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('link', { name: /Download the template/ }).click()]);
      const template = await fs.readFile(await download.path(), 'utf8');
      assert.match(template, /^urn,name,phase,area,y7,y8,y9,y10,y11,y12,y13\r?\n/);
      assert.match(await w.main(), /southend\s+Southend-on-Sea/, 'the codes are listed with their names');
      const [urn, name] = SETTING[width];
      await page.getByLabel('Or paste the CSV here').fill(`urn,name,phase,area,y7,y8,y9,y10,y11,y12,y13\n${urn},${name},SECONDARY,southend-on-sea,120,118,,,,,\n`);
      await w.submit(page.getByRole('button', { name: 'Check and import' }), 'Import settings');
      assert.match(await page.locator('.govuk-notification-banner').innerText(), /The settings have been imported\s+1 settings: 1 added/);
      await w.follow(page.getByRole('link', { name: 'See the settings' }), /Schools and colleges/);
      await w.follow(page.getByRole('link', { name }), name);
      assert.match(await w.main(), /Secondary · Southend-on-Sea/);
    }));
}
