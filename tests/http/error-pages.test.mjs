// nginx's own refusals and failures (413, 429, 500, 502, 504) answer with the house pages from
// build/errors (issue 12): the GOV.UK layout with this build's stylesheet, nothing that names the
// software; JSON for /api/ clients. Each is provoked for real. The app cannot answer when they are
// shown, so each carries on its own what a person looking for help needs: Exit this page, and the
// helplines' numbers from the catalogue.
import test, { after, before, describe } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { assertSecurityHeaders, assetVersion, Client, startStack } from './lib.mjs';
import { BIG_FORM_FIELD, oversized, withAppStopped, withBodyTempClosed, withSocketsAway } from './provoke.mjs';

const TITLES = {
  413: 'What you sent is too large',
  429: 'Too many requests',
  500: 'Sorry, there is a problem with the service',
  502: 'Sorry, the service is unavailable',
  504: 'Sorry, the service is taking too long to answer',
};

/** The English help page's phone numbers, as campaigns/help.xml gives them. */
function helplines() {
  const xml = readFileSync(new URL('../../campaigns/help.xml', import.meta.url), 'utf8');
  const english = xml.slice(xml.indexOf('<page lang="en"'), xml.indexOf('</page>'));
  return [...english.matchAll(/<service>[^]*?<phone>([^<]+)<\/phone>/g)].map((m) => m[1]);
}

/** The house page for `status`, and its stylesheet is this build's. */
async function assertHousePage(stack, res, status) {
  assert.equal(res.status, status, res.text.slice(0, 300));
  assert.match(res.headers.get('content-type') ?? '', /^text\/html\b/);
  assert.ok(res.text.includes(`<title>${TITLES[status]} – lantern</title>`), `title of the ${status} page:\n${res.text.slice(0, 400)}`);
  assert.ok(res.text.includes(`<h1 class="govuk-heading-l">${TITLES[status]}</h1>`), `heading of the ${status} page`);
  assert.match(res.text, /<a class="govuk-link" href="\/help">/, 'the help link');
  assert.match(res.text, /<a href="https:\/\/www\.bbc\.co\.uk\/weather" role="button"[^>]*govuk-exit-this-page__button/,
    'Exit this page');
  const phones = helplines();
  assert.ok(phones.length >= 3, `helplines read from campaigns/help.xml: ${phones}`);
  for (const phone of phones)
    assert.ok(res.text.includes(`href="tel:${phone.replaceAll(' ', '')}">${phone}</a>`), `the ${status} page calls ${phone}`);
  assert.ok(res.text.includes('call 999'), 'what to do in an emergency');
  assert.equal(res.headers.get('set-cookie'), null, 'no cookie');
  assert.match(res.text, /class="govuk-template__body"/, 'the GOV.UK layout');
  assert.doesNotMatch(res.text, /nginx|fastcgi|upstream|\.sock|\/tmp\//i, 'internal detail on the page');
  assert.equal(res.headers.get('cache-control'), 'no-store');
  assertSecurityHeaders(res, `the ${status} page`);
  const css = `/assets/${assetVersion()}/lantern.css`;
  assert.ok(res.text.includes(`<link rel="stylesheet" href="${css}">`), 'the stylesheet of this build');
  const sheet = await fetch(stack.base + css);
  await sheet.arrayBuffer();
  assert.equal(sheet.status, 200);
}

describe('house error pages', () => {
  let stack;
  before(async () => {
    // One scan a minute and a burst of one: the third scan is over the limit. Two seconds for the app's answer.
    stack = await startStack({ threads: 2, scanRate: '1r/m', scanBurst: 1, args: ['--upstream-timeout', '2'] });
  });
  after(async () => {
    if (stack) await stack.stop();
  });

  test('413: a body over the limit', async () => {
    await assertHousePage(stack, await oversized(stack.port, '/account'), 413);
    const apiRes = await oversized(stack.port, '/api/v1/me');
    assert.equal(apiRes.status, 413);
    assert.match(apiRes.headers.get('content-type') ?? '', /^application\/json\b/);
    assert.match(JSON.parse(apiRes.text).error, /too large/);
  });

  test('429: over a rate limit', async () => {
    const c = new Client(stack.base);
    for (let i = 0; i < 2; i++) assert.notEqual((await c.get('/c/NOSUCHCODE')).status, 429, `scan ${i + 1}`);
    await assertHousePage(stack, await c.get('/c/NOSUCHCODE'), 429);
  });

  test('500: nginx cannot keep a request body (its temporary directory is closed)', async () => {
    const res = await withBodyTempClosed(stack, () => new Client(stack.base).postForm('/account', { note: BIG_FORM_FIELD }));
    await assertHousePage(stack, res, 500);
  });

  test('502: the app cannot be reached', async () => {
    await assertHousePage(stack, await withSocketsAway(stack, () => new Client(stack.base).get('/help')), 502);
    assert.equal((await new Client(stack.base).get('/healthz')).status, 200, 'back once the socket is');
  });

  test('504: the app does not answer in time', async () => {
    await assertHousePage(stack, await withAppStopped(stack, () => new Client(stack.base).get('/help')), 504);
    assert.equal((await new Client(stack.base).get('/healthz')).status, 200);
  });

  test('the pages are not reachable by address', async () => {
    for (const p of ['/_errors/502.html', '/_errors/429.json']) {
      const res = await new Client(stack.base).get(p);
      assert.equal(res.status, 404, p);
    }
  });
});
