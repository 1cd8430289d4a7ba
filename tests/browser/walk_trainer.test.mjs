// A trainer's day, walked through the pages from the home page at a desktop's width and a phone's
// (walk_lib.mjs: axe-core and, on the phone, sideways scrolling checked on every page). Issue 15's
// fixes met on the way: "Your sessions" on the home page and in the menu; the roster marks in place
// and shows the current mark as pressed; a walk-in already on the roster is said to be, and a
// malformed email is called malformed; past sessions waiting for marks are a link away, and their
// paper sheet goes in there; a roster not open yet says why its buttons are off; closing a pupil
// survey asks first.
import test, { before, after } from 'node:test';
import assert from 'node:assert/strict';
import { api, sqlite, tokenFor } from '../http/lib.mjs';
import { useWalkStack, walk, WIDTHS } from './walk_lib.mjs';

// Each width has its own people to mark and its own past session, so the two walks never meet.
const PEOPLE = { desktop: ['Anna Brooks', 'Vic Walsh'], phone: ['Callum Doyle', 'Will Xu'] };
const PAST_VENUE = { desktop: 'Westcliff Library', phone: 'Leigh Community Centre' };
const iso = (ms) => new Date(ms).toISOString().replace(/\.\d+Z$/, 'Z');

const ctx = useWalkStack(before, after, async (stack) => {
  const admin = api(stack.base, await tokenFor(stack, 'admin@lantern.example'));
  const emailOf = (name) => sqlite(stack.dbPath, `SELECT email FROM users WHERE name = '${name}'`).trim();
  // A session of the trainer's two days ago per width, its two people not marked yet.
  const start = Date.now() - 2 * 86400e3;
  for (const width of WIDTHS) {
    const made = await admin.post('/api/v1/sessions', {
      course: 'recognising-and-responding', starts_at: iso(start), ends_at: iso(start + 3 * 3600e3), capacity: 10,
      venue: { name: PAST_VENUE[width], address: '1 Example Road', postcode: 'SS9 1AA', area: 'southend' },
      trainers: ['trainer@lantern.example'],
    });
    assert.equal(made.status, 201, made.text);
    for (const n of [1, 2]) {
      const email = `${width}-past${n}@example.org`;
      const user = await admin.post('/api/v1/users', { email, name: `${width} Past Person ${n}`, role: 'practitioner', org: '2' });
      assert.equal(user.status, 201, user.text);
      const booked = await admin.post(`/api/v1/sessions/${made.json.id}/bookings`, { email });
      assert.equal(booked.status, 201, booked.text);
    }
  }
  return {
    alreadyThere: { name: 'Owen Price', email: emailOf('Owen Price') }, // checked in this morning (the demo)
    booked: Object.fromEntries(WIDTHS.map((w) => [w, emailOf(PEOPLE[w][1])])),
  };
});

for (const width of WIDTHS) {
  test(`${width}: a trainer's day, from today's session to the paper sheet of a past one and a pupil survey`, () =>
    walk(ctx, width, async (w) => {
      const { page } = w;
      const [marked, walkIn] = PEOPLE[width];
      await w.signIn('trainer@lantern.example');

      // Today's session is on the home page, with the way to its roster.
      const today = page.locator('.lantern-session-list__item', { hasText: 'Southend Civic Suite' });
      await w.follow(today.getByRole('link', { name: /^Take attendance/ }), 'Recognising and responding to domestic abuse');
      assert.match(page.url(), /\/sessions\/\d+\/roster$/);

      // A mark is made in place: no reload, the row's button pressed, its tag changed.
      await page.evaluate(() => { window.walkNoReload = true; });
      const attended = page.getByRole('button', { name: `Attended ${marked}`, exact: true });
      assert.equal(await attended.getAttribute('aria-pressed'), 'false');
      await attended.click();
      await page.getByRole('button', { name: `Attended ${marked}`, pressed: true }).waitFor();
      assert.equal(await page.evaluate(() => window.walkNoReload), true, 'the roster was not reloaded');
      const row = page.locator('.lantern-roster__item', { hasText: marked });
      assert.match(await row.locator('.govuk-tag').innerText(), /Attended/);
      await w.check(`${marked} marked`);

      // Walk-ins: a malformed email is called malformed; someone checked in already is said to be.
      const email = page.getByLabel('Email address');
      await email.fill('owen.price.example.org');
      await w.submit(page.getByRole('button', { name: 'Add walk-in' }), 'Recognising and responding to domestic abuse');
      assert.match(await page.locator('.govuk-error-summary').innerText(), /correct format/);
      await email.fill(ctx.day.alreadyThere.email);
      await w.submit(page.getByRole('button', { name: 'Add walk-in' }), 'Recognising and responding to domestic abuse');
      assert.match(await page.locator('.govuk-error-summary').innerText(),
        new RegExp(`${ctx.day.alreadyThere.name} is already on the roster, marked as Attended`));
      // Someone booked who walks in is marked, not added twice.
      await email.fill(ctx.day.booked[width]);
      await w.submit(page.getByRole('button', { name: 'Add walk-in' }), 'Recognising and responding to domestic abuse');
      assert.match(await page.locator('.govuk-notification-banner').innerText(), /Marked as attended/);
      assert.equal(await page.locator('.lantern-roster__item', { hasText: walkIn }).count(), 1);
      assert.equal(await page.getByRole('button', { name: `Attended ${walkIn}`, exact: true }).getAttribute('aria-pressed'), 'true');

      // Back home: past sessions waiting for marks are a link away, and a paper sheet goes in there.
      await w.menu('Home', /^Welcome, /);
      await w.follow(page.getByRole('link', { name: /past sessions? (is|are) waiting for attendance marks/ }), 'Your sessions');
      const waiting = page.locator('#awaiting-marks + p + ul > li', { hasText: PAST_VENUE[width] });
      await w.follow(waiting.getByRole('link', { name: /^enter a paper sheet/ }), 'Recognising and responding to domestic abuse');
      for (const n of [1, 2]) await page.getByRole('group', { name: new RegExp(`${width} Past Person ${n}`) }).getByLabel('Attended').check();
      await w.submit(page.getByRole('button', { name: /^Save/ }), 'Recognising and responding to domestic abuse');
      assert.match(await page.locator('.govuk-notification-banner').innerText(), /Attendance saved/);
      for (const n of [1, 2]) {
        assert.equal(await page.getByRole('button', { name: `Attended ${width} Past Person ${n}`, exact: true }).getAttribute('aria-pressed'), 'true');
      }

      // Your sessions, from the menu: that session waits no more; one to come says when marking opens,
      // rather than failing when a button is pressed.
      await w.menu('Your sessions', 'Your sessions');
      assert.equal(await page.locator('.lantern-session-list__item', { hasText: PAST_VENUE[width] }).count(), 0);
      const coming = page.locator('#coming + ul > li', { hasText: 'Basildon Training Centre' }).first();
      await w.follow(coming.getByRole('link').first(), 'Recognising and responding to domestic abuse');
      await w.follow(w.link('Take attendance'), 'Recognising and responding to domestic abuse');
      assert.match(await w.main(), /You can take attendance from .*Until then the buttons below are switched off/s);
      assert.ok(await page.getByRole('button', { name: /^Attended / }).first().isDisabled());

      // A pupil survey: opened, its code shown, closed after a confirmation.
      await w.menu('Pupil surveys', 'Pupil surveys');
      await w.follow(w.link('Open a survey'), 'Open a pupil survey');
      await page.getByLabel('School or college').selectOption({ label: 'Demo Academy Southend (900001)' });
      await page.getByLabel('Year group').selectOption({ label: 'Year 8' });
      await page.getByLabel('After the sessions (post)').check();
      await page.getByLabel('Pupils present').fill('27');
      await w.submit(page.getByRole('button', { name: 'Open the survey' }), /./);
      assert.match(await w.main(), /[a-z0-9]{8}/);
      await w.follow(page.getByRole('button', { name: 'Close the survey now' }), 'Close the survey now?');
      await w.submit(page.getByRole('button', { name: 'Yes, close the survey' }), /./);
      assert.match(await w.main(), /Closed/);
    }));
}
