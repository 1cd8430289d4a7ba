// WCAG 2.2 AA checks with axe-core on the pages each kind of user relies on: public help and the
// pupil survey, sign-in, every role's home, booking, the roster, the dashboard. Any violation axe
// reports at the wcag2a/2aa/21aa/22aa levels fails the test, with what and where.
import test, { before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import { startStack, api, tokenFor, waitFor } from '../http/lib.mjs';
import { signIn, useStackAndBrowser, keepOffline } from './lib.mjs';

const axeSource = fs.readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');
const ctx = useStackAndBrowser(before, after, startStack);

async function violations(page) {
  await page.addScriptTag({ content: axeSource });
  const result = await page.evaluate(() => window.axe.run(document, {
    runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa'] },
  }));
  return result.violations.map((v) => `${v.id}: ${v.help} (${v.nodes.map((n) => n.target.join(' ')).slice(0, 3).join(', ')})`);
}

async function check(page, path) {
  const res = await page.goto(path);
  assert.ok(res.status() < 400, `${path} answered ${res.status()}`);
  assert.deepEqual(await violations(page), [], path);
}

async function newPage() {
  // The page's CSP allows only its own scripts; axe is injected for the test alone.
  const context = await ctx.browser.newContext({ baseURL: ctx.stack.base, bypassCSP: true });
  await keepOffline(context);
  return context.newPage();
}

test('public pages: sign-in, help, a campaign landing page in Polish, the pupil survey', async () => {
  const page = await newPage();
  await check(page, '/login');
  await check(page, '/help');
  await check(page, '/help/sixteen-days-2026?lang=pl');
  const admin = api(ctx.stack.base, await tokenFor(ctx.stack, 'admin@lantern.example'));
  const run = await admin.post('/api/v1/survey-runs', { urn: '900001', year_group: 9, phase: 'pre', capacity: 30 });
  assert.equal(run.status, 201, run.text);
  await check(page, `/s/${run.json.code}`);
  await page.context().close();
});

const journeys = {
  'admin@lantern.example': ['/', '/admin/users', '/admin/users/new', '/schools', '/indicators/targets'],
  'trainer@lantern.example': ['/', '/sessions', '/sessions/new', '/survey-runs', '/survey-runs/new'],
  'practitioner@lantern.example': ['/', '/sessions', '/courses', '/bookings', '/training', '/account'],
  'school@lantern.example': ['/', '/requests/new', '/schools/900001', '/survey-runs/1/answers'],
  'campaign@lantern.example': ['/', '/campaigns', '/pledges'],
  'analyst@lantern.example': ['/', '/indicators', '/indicators/O1.4', '/indicators/figures', '/survey-results'],
};

for (const [email, paths] of Object.entries(journeys)) {
  test(`signed-in pages for ${email.split('@')[0]}`, async () => {
    const page = await newPage();
    await signIn(page, ctx.stack.base, email);
    for (const path of paths) await check(page, path);
    await page.context().close();
  });
}

test('a session page, its roster and an error summary', async () => {
  const page = await newPage();
  await signIn(page, ctx.stack.base, 'admin@lantern.example');
  await page.goto('/sessions');
  const href = await page.locator('main table a[href^="/sessions/"]').first().getAttribute('href');
  await check(page, href);
  await check(page, `${href}/roster`);
  await page.goto('/admin/users/new');
  await page.getByRole('button', { name: 'Save' }).click();
  await page.locator('.govuk-error-summary').waitFor();
  assert.deepEqual(await violations(page), [], 'a form with errors');
  await page.context().close();
});

test('certificate pages: the left-early question, a certificate, its withdrawal, a withdrawn /verify', async () => {
  const admin = api(ctx.stack.base, await tokenFor(ctx.stack, 'admin@lantern.example'));
  const start = Date.now() - 26 * 3600e3;
  const iso = (ms) => new Date(ms).toISOString().replace(/\.\d+Z$/, 'Z');
  const made = await admin.post('/api/v1/sessions', {
    course: 'recognising-and-responding', starts_at: iso(start), ends_at: iso(start + 3 * 3600e3), capacity: 5,
    venue: { name: 'Civic Centre', address: 'Victoria Avenue', postcode: 'SS2 6ER', area: 'southend' }, trainers: ['trainer@lantern.example'],
  });
  assert.equal(made.status, 201, made.text);
  const booked = await admin.post(`/api/v1/sessions/${made.json.id}/bookings`, { email: 'practitioner@lantern.example' });
  assert.equal(booked.status, 201, booked.text);
  const id = booked.json.id;
  const page = await newPage();
  await signIn(page, ctx.stack.base, 'admin@lantern.example');
  await page.goto(`/sessions/${made.json.id}/roster`);
  await page.getByRole('button', { name: /^Left early / }).click();
  await page.getByLabel(/How many minutes was .* there\?/).waitFor();
  assert.deepEqual(await violations(page), [], 'the left-early question');
  await page.getByLabel(/How many minutes was .* there\?/).fill('120');
  await page.getByRole('button', { name: 'Save' }).click();
  await page.waitForURL(/roster\?marked=\d+#booking-\d+$/);
  // The server's duty issues the certificate within seconds of the mark (the session is over).
  await waitFor('the certificate', async () => (await admin.get(`/api/v1/bookings/${id}/certificate`)).status === 200);
  await check(page, `/certificates/${id}`);
  await check(page, `/certificates/${id}/withdraw`);
  await page.getByRole('button', { name: 'Withdraw certificate' }).click();
  await page.locator('.govuk-error-summary').waitFor();
  assert.deepEqual(await violations(page), [], 'the withdrawal without a reason');
  const code = (await admin.get(`/api/v1/bookings/${id}/certificate`)).json.code;
  await page.getByLabel('Why is it being withdrawn?').fill('Entered for the wrong person');
  await page.getByRole('button', { name: 'Withdraw certificate' }).click();
  await page.locator('h1', { hasText: 'This certificate was withdrawn' }).waitFor();
  assert.deepEqual(await violations(page), [], 'a withdrawn certificate');
  const verify = await page.goto(`/verify/${code}`);
  assert.equal(verify.status(), 410);
  assert.deepEqual(await violations(page), [], 'a withdrawn certificate\'s public page');
  await page.context().close();
});
