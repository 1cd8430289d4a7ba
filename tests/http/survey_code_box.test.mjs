// The survey code box (issue 15): /s/ with no code offers a box for the 8-character code the
// trainer's screen shows. Any case, spaces and dashes are taken; a known code goes on to /s/{code};
// an unknown one is said on the same page, with the code kept in the box. Like every pupil page it
// sets no cookie, is not kept in a shared device's cache, and has Exit this page.

import test, { after, before } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { addUser, api, loggedIn, startStack, tokenFor } from './lib.mjs';

let stack;
let trainer;
let code; // an open run's
let openId;
let closedCode;

const get = (p) => fetch(new URL(p, stack.base), { redirect: 'manual' }).then(async (res) => ({
  status: res.status, headers: res.headers, text: await res.text() }));

/** What every answer of the box must be: a public page for pupils. */
function assertPupilPage(res) {
  assert.equal(res.headers.get('set-cookie'), null, 'no cookie');
  assert.match(res.headers.get('cache-control') ?? '', /no-store/);
  assert.match(res.text, /class="govuk-exit-this-page"/);
  assert.match(res.text, /govuk-js-exit-this-page-skiplink/);
  assert.doesNotMatch(res.text, /govuk-service-navigation/, 'no menu for a pupil');
}

before(async () => {
  stack = await startStack();
  const file = path.join(stack.dataDir, 'settings.csv');
  fs.writeFileSync(file, 'urn,name,phase,area,y7,y8,y9,y10,y11,y12,y13\n100001,Oak Academy,secondary,southend,,,180,,,,\n');
  assert.equal((await stack.cli(['schools', 'import', file])).code, 0);
  await addUser(stack, { email: 'trainer@test.example', role: 'trainer' });
  trainer = api(stack.base, await tokenFor(stack, 'trainer@test.example'));
  const open = async () => {
    const r = await trainer.post('/api/v1/survey-runs', { urn: '100001', year_group: 9, phase: 'pre', capacity: 30 });
    assert.equal(r.status, 201, r.text);
    return r.json;
  };
  ({ code, id: openId } = await open());
  const closed = await open();
  closedCode = closed.code;
  assert.equal((await trainer.post(`/api/v1/survey-runs/${closed.id}/close`, {})).status, 200);
});

after(async () => {
  if (stack) await stack.stop();
});

test('/s/ offers a box for the code, as a form that sends it back to /s/', async () => {
  const bare = await get('/s');
  assert.equal(bare.status, 301, 'nginx adds the slash');
  assert.match(bare.headers.get('location'), /\/s\/$/);
  for (const p of ['/s/']) {
    const res = await get(p);
    assert.equal(res.status, 200, p);
    assertPupilPage(res);
    assert.match(res.text, /<h1 class="govuk-heading-l">Enter your survey code<\/h1>/);
    assert.match(res.text, /<form method="get" action="\/s\/" novalidate>/);
    assert.match(res.text, /<label class="govuk-label govuk-label--s" for="code">Survey code<\/label>/);
    assert.match(res.text, /<input class="govuk-input govuk-input--width-10 lantern-code-input" id="code" name="code" type="text" value=""/);
  }
});

test('the code as the screen shows it, in any case, with spaces or dashes, goes to its survey', async () => {
  const upper = code.toUpperCase();
  for (const typed of [code, upper, `${upper.slice(0, 4)}-${upper.slice(4)}`, ` ${code.slice(0, 4)} ${code.slice(4)} `]) {
    const res = await get(`/s/?code=${encodeURIComponent(typed)}`);
    assert.equal(res.status, 303, `${JSON.stringify(typed)}: ${res.text.slice(0, 300)}`);
    assert.equal(res.headers.get('location'), `/s/${code}`);
    assert.equal(res.headers.get('set-cookie'), null);
  }
  const survey = await get(`/s/${code}`);
  assert.equal(survey.status, 200);
  assert.match(survey.text, /name="q1"/);
});

test('a closed survey\'s code goes to the page that says it has closed', async () => {
  const res = await get(`/s/?code=${closedCode.toUpperCase()}`);
  assert.equal(res.status, 303);
  assert.equal((await get(res.headers.get('location'))).status, 410);
});

test('an unknown code is said on the same page, with what was typed kept', async () => {
  const unknown = code === 'abcdefgh' ? 'abcdefgj' : 'abcdefgh';
  const res = await get(`/s/?code=${unknown.toUpperCase()}`);
  assert.equal(res.status, 404);
  assertPupilPage(res);
  assert.match(res.text, /<title>Error: Enter your survey code/);
  assert.match(res.text, /<a href="#code">There is no survey with that code: check it on your teacher&#39;s screen and type it again<\/a>/);
  assert.match(res.text, /<p id="code-error" class="govuk-error-message">/);
  assert.match(res.text, new RegExp(`id="code" name="code" type="text" value="${unknown.toUpperCase()}"`));
  assert.match(res.text, /aria-describedby="code-hint code-error"/);
});

test('a code of the wrong length, or nothing, is named too', async () => {
  let res = await get('/s/?code=k3m9');
  assert.equal(res.status, 400);
  assertPupilPage(res);
  assert.match(res.text, /The code has 8 letters and numbers/);
  res = await get('/s/?code=%20-%20');
  assert.equal(res.status, 400);
  assert.match(res.text, /Enter the survey code from your teacher&#39;s screen/);
});

test('the trainer\'s screen tells pupils where to type the code', async () => {
  const web = await loggedIn(stack, 'trainer@test.example', 'lantern-test-password');
  const page = await web.get(`/survey-runs/${openId}`);
  assert.equal(page.status, 200);
  assert.match(page.text, new RegExp(`<strong class="lantern-break-anywhere">${stack.base.replace(/[.]/g, '\\.')}/s/</strong> and type the code`));
});
