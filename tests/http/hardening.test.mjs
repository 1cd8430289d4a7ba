// No request can stop the server (issue 12): a sign-in's next= that would split a header or lead off
// the site is refused where it arrives, and the server answers the next request from the same process.
import test, { before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startStack, Client, loggedIn } from './lib.mjs';

let stack;
before(async () => {
  stack = await startStack({ demo: true });
});
after(async () => { await stack?.stop(); });

// Every header of a response, as [name, value] pairs.
const headerNames = (res) => [...res.headers.keys()];

async function healthy(pid) {
  const res = await fetch(`${stack.base}/healthz`, { redirect: 'manual' });
  assert.equal(res.status, 200, '/healthz no longer answers');
  assert.equal(stack.appPid(), pid, 'the application process was replaced: it must not have died');
}

test('a signed-in person following /login?next=/%0d%0aX:1 is sent home, and the server lives on', async () => {
  const c = await loggedIn(stack, 'admin@lantern.example');
  const pid = stack.appPid();
  assert.ok(pid, 'no application process');
  const res = await c.get('/login?next=/%0d%0aX:1');
  assert.equal(res.status, 303);
  assert.equal(res.headers.get('location'), '/');
  assert.ok(!headerNames(res).includes('x'), 'the injected header arrived');
  // The same through its encoded forms, and with a whole injected header.
  for (const next of ['/%0d%0aX:1', '/%0aSet-Cookie:%20a=1', '/%0d', '%2F%0D%0AX%3A1']) {
    const again = await c.get(`/login?next=${next}`);
    assert.equal(again.status, 303, next);
    assert.equal(again.headers.get('location'), '/', next);
    assert.equal(again.headers.get('set-cookie'), null, next);
  }
  await healthy(pid);
  // Still signed in: the session survived, as did the process.
  assert.equal((await c.get('/')).status, 200);
});

test('a tab (or other control character) in next does not lead off the site', async () => {
  const c = await loggedIn(stack, 'practitioner@lantern.example');
  for (const next of ['/%09/evil.example/x', '/%0a/evil.example/x', '/%5Cevil.example', '%5C%5Cevil.example',
    'https://evil.example/', '//evil.example/', '/%7f']) {
    const res = await c.get(`/login?next=${next}`);
    assert.equal(res.status, 303, next);
    const location = res.headers.get('location');
    assert.equal(location, '/', `next=${next} went to ${location}`);
    assert.equal(new URL(location, stack.base).origin, new URL(stack.base).origin);
  }
  // A good next is still followed, so the refusals above are the check at work, not a blanket "/".
  const good = await c.get('/login?next=%2Fsessions%3Fview%3Dlist');
  assert.equal(good.headers.get('location'), '/sessions?view=list');
});

test('signing in through a bad next lands on /', async () => {
  const pid = stack.appPid();
  for (const next of ['/\r\nX:1', '/\t/evil.example/x', '/\\evil.example']) {
    const c = new Client(stack.base);
    const form = await c.get(`/login?next=${encodeURIComponent(next)}`);
    assert.equal(form.status, 200);
    const res = await c.postForm('/login', {
      email: 'trainer@lantern.example', password: 'lantern-demo', csrf: c.csrfFrom(form.text), next,
    });
    assert.equal(res.status, 303, JSON.stringify(next));
    assert.equal(res.headers.get('location'), '/', JSON.stringify(next));
    assert.ok(!headerNames(res).includes('x'));
    assert.equal((await c.get('/')).status, 200, 'signed in');
  }
  // The form itself never carries a bad next on to the POST.
  const c = new Client(stack.base);
  const form = await c.get('/login?next=/%0d%0aX:1');
  assert.doesNotMatch(form.text, /name="next" value="\/[\r\n]/);
  assert.match(form.text, /name="next" value="\/"/);
  await healthy(pid);
});
