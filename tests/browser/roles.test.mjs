// Each demo role signs in through the real login form in chromium and lands on its own home page,
// with the navigation its role allows; signing out ends the session.
import test, { before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startStack, SESSION_COOKIE } from '../http/lib.mjs';
import { keepOffline, useStackAndBrowser } from './lib.mjs';

const ctx = useStackAndBrowser(before, after, startStack);

const roles = [
  { email: 'admin@lantern.example', caption: 'Programme admin', nav: 'Users' },
  { email: 'trainer@lantern.example', caption: 'Trainer', nav: 'Your sessions' },
  { email: 'school@lantern.example', caption: 'School lead', nav: 'School requests' },
  { email: 'practitioner@lantern.example', caption: 'Practitioner', nav: 'Your bookings' },
  { email: 'campaign@lantern.example', caption: 'Campaign lead', nav: 'Your account' },
  { email: 'analyst@lantern.example', caption: 'Analyst', nav: 'Your account' },
];

for (const role of roles) {
  test(`${role.caption} signs in and sees their home page`, async () => {
    const context = await ctx.browser.newContext({ baseURL: ctx.stack.base });
    await keepOffline(context);
    const page = await context.newPage();
    await page.goto('/');
    assert.match(page.url(), /\/login\?next=/);
    await page.getByLabel('Email address').fill(role.email);
    await page.getByLabel('Password').fill('lantern-demo');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.waitForURL(`${ctx.stack.base}/`);
    assert.equal(await page.locator('.govuk-caption-l').textContent(), role.caption);
    assert.match(await page.locator('h1').textContent(), /^Welcome, /);
    const nav = page.getByRole('navigation', { name: 'Menu' });
    assert.ok(await nav.getByRole('link', { name: role.nav, exact: true }).isVisible());
    // Only admins see administration.
    assert.equal(await nav.getByRole('link', { name: 'Users' }).count(), role.caption === 'Programme admin' ? 1 : 0);
    const cookies = await context.cookies();
    const session = cookies.find((c) => c.name === SESSION_COOKIE);
    assert.ok(session && session.httpOnly && session.secure && session.sameSite === 'Lax');
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.waitForURL(/\/login$/);
    await page.goto('/');
    assert.match(page.url(), /\/login\?next=/);
    await context.close();
  });
}

test('a wrong password shows the error summary linked to the field', async () => {
  const context = await ctx.browser.newContext({ baseURL: ctx.stack.base });
  const page = await context.newPage();
  await page.goto('/login');
  await page.getByLabel('Email address').fill('admin@lantern.example');
  await page.getByLabel('Password').fill('not-the-password');
  await page.getByRole('button', { name: 'Sign in' }).click();
  const summary = page.locator('.govuk-error-summary');
  await summary.waitFor();
  assert.match(await summary.textContent(), /Enter a correct email address and password/);
  assert.match(await page.title(), /^Error: Sign in/);
  await context.close();
});
