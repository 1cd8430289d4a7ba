// A practitioner's day, walked through the pages from the home page at a desktop's width and a
// phone's (walk_lib.mjs: axe-core and, on the phone, sideways scrolling checked on every page).
// Issue 15's fixes met on the way: the booking is there to see in Your bookings; cancelling it asks
// first and it stays in view, said to be cancelled; the training record links the certificate and
// the feedback form, its dates reading like the rest of the service; the feedback form's error
// summary names each question left unanswered and leads to it; the form reopened once sent says so
// and leads back to the session.
import test, { before, after } from 'node:test';
import assert from 'node:assert/strict';
import { api, sqlite, tokenFor, waitFor } from '../http/lib.mjs';
import { useWalkStack, walk, WIDTHS } from './walk_lib.mjs';

const ATTENDED = 'Risk assessment (DASH) and referral to MARAC'; // last week, feedback still open (the demo)
const TO_BOOK = 'Supporting employees affected by domestic abuse';
const DATE = /^\d{1,2} (January|February|March|April|May|June|July|August|September|October|November|December) \d{4}$/;

// The desktop walk is the demo's practitioner; the phone's is someone made with the same history:
// at last week's session, marked attended, a certificate issued, feedback not given yet.
const ctx = useWalkStack(before, after, async (stack) => {
  const admin = api(stack.base, await tokenFor(stack, 'admin@lantern.example'));
  const phone = { email: 'phone.walker@example.org', password: 'phone-walker-password-1', name: 'Phoebe Walker' };
  const made = await admin.post('/api/v1/users', { ...phone, role: 'practitioner', org: '2' });
  assert.equal(made.status, 201, made.text);
  const session = sqlite(stack.dbPath, "SELECT session_id FROM bookings b JOIN users u ON u.id = b.user_id" +
    " WHERE u.email = 'practitioner@lantern.example' AND b.status = 'attended' ORDER BY session_id DESC LIMIT 1");
  const booked = await admin.post(`/api/v1/sessions/${session}/bookings`, { email: phone.email });
  assert.equal(booked.status, 201, booked.text);
  const marked = await admin.put(`/api/v1/bookings/${booked.json.id}/attendance`, { status: 'attended' });
  assert.ok(marked.status < 300, marked.text);
  await waitFor('the certificate', async () => (await admin.get(`/api/v1/bookings/${booked.json.id}/certificate`)).status === 200);
  return { desktop: { email: 'practitioner@lantern.example', password: 'lantern-demo', name: 'Priya Practitioner' }, phone };
});

for (const width of WIDTHS) {
  test(`${width}: a practitioner books a session, cancels it, and gets their certificate and gives feedback`, () =>
    walk(ctx, width, async (w) => {
      const { page } = w;
      const me = ctx.day[width];
      await w.signIn(me.email, me.password);

      // Find a session of a course and book it.
      await w.menu('Sessions', 'Face-to-face sessions');
      await page.getByLabel('Course').selectOption({ label: TO_BOOK });
      await w.submit(page.getByRole('button', { name: 'Apply filters' }), 'Face-to-face sessions');
      const row = page.getByRole('row', { name: /Colchester Business Centre/ }).first();
      await w.follow(row.getByRole('link'), TO_BOOK);
      await w.submit(page.getByRole('button', { name: 'Book a place' }), TO_BOOK);
      assert.match(await page.locator('.govuk-notification-banner').innerText(), /booked/i);

      // It is in Your bookings; from there, cancelled through a confirmation.
      await w.menu('Your bookings', 'Your bookings');
      const booking = page.getByRole('row', { name: new RegExp(TO_BOOK) }).first();
      assert.match(await booking.innerText(), /Booked/);
      await w.follow(booking.getByRole('link', { name: TO_BOOK }), TO_BOOK);
      await w.follow(w.link('Cancel your booking'), 'Cancel your booking?');
      assert.ok(await page.locator('.govuk-button--warning').isVisible(), 'the button that cancels is red');
      await w.submit(page.getByRole('button', { name: 'Yes, cancel my booking' }), 'Your bookings');
      const cancelled = page.getByRole('row', { name: new RegExp(TO_BOOK) });
      assert.equal(await cancelled.count(), 1, 'the cancelled booking stays in view, once');
      assert.match(await cancelled.innerText(), /Booking cancelled/);

      // The training record: last week's session, its certificate and its feedback form.
      await w.menu('Training record', 'Your training record');
      const card = page.locator('.govuk-summary-card', { hasText: ATTENDED }).first();
      const attendedOn = (await card.locator('.govuk-summary-list__row', { hasText: 'Attended' }).locator('dd').first().innerText()).trim();
      assert.match(attendedOn, DATE);
      await w.follow(card.getByRole('link', { name: /^Certificate/ }), 'Certificate of attendance');
      assert.match(await w.main(), new RegExp(`${me.name}[\\s\\S]*${ATTENDED.replace(/[()]/g, '\\$&')}[\\s\\S]*on ${attendedOn}`));
      await w.menu('Training record', 'Your training record');
      await w.follow(card.getByRole('link', { name: /^Give feedback/ }), 'Tell us how the session went');

      // Sent empty, the error summary names each question, and its first link leads to the answers.
      await w.submit(page.getByRole('button', { name: 'Send feedback' }), 'Tell us how the session went');
      const summary = page.locator('.govuk-error-summary');
      assert.match(await summary.innerText(), /Select how useful the session was for your work/);
      assert.match(await summary.innerText(), /Select how confident you are now to take action \(ask, respond, refer\)/);
      await summary.getByRole('link').first().click();
      assert.equal(await page.evaluate(() => document.activeElement?.name), 'usefulness');
      const answers = {
        'How useful was the session for your work?': '5 – very',
        'Before the session, how confident were you to recognise domestic abuse?': '2',
        'Now, how confident are you to recognise domestic abuse?': '4',
        'Before the session, how confident were you to take action (ask, respond, refer)?': '2',
        'Now, how confident are you to take action (ask, respond, refer)?': '4',
      };
      for (const [question, answer] of Object.entries(answers)) {
        await page.getByRole('group', { name: question }).getByLabel(answer, { exact: true }).check();
      }
      await w.submit(page.getByRole('button', { name: 'Send feedback' }), 'Thank you');
      // Back to the form by the browser's Back: it says the feedback is in, and leads on from there.
      await page.goBack();
      await w.arrived('You have already sent feedback');
      await w.follow(page.getByRole('link', { name: 'Go back to where you were' }), ATTENDED);
      await w.menu('Training record', 'Your training record');
      assert.match(await card.innerText(), /Feedback sent/);
    }));
}
