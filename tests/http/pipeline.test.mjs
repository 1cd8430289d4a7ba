// On PostgreSQL the group commit's SAVEPOINT and RELEASE of each member are not waited for: they go
// with the next statement, in its round trip (app/db_pg.c, commands sent along). So when one member's
// work fails unseen (booking_book does not check audit()'s result, and on PostgreSQL a failed statement
// leaves its transaction failed), that member's RELEASE fails with whatever statement of a later member
// carries it, or with the COMMIT. Here a trigger refuses one person's audit entries, eight people book
// at once, round after round, and every answer must be true: everyone told 201 holds a booking,
// everyone refused holds none, the refused person is never told 201, and the service goes on serving.
// (It caught a request answered 500 after its booking committed: its "last used" write had carried
// another member's failure.)
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';

import { api, onPostgres, sqlite, startStack, tokenFor } from './lib.mjs';
import { newSession } from './writes.mjs';

const onlyPostgres = { skip: !onPostgres && 'commands sent with the next statement are PostgreSQL\'s' };

let stack, admin;

before(async () => {
  if (!onPostgres) return;
  stack = await startStack({ demo: true });
  admin = api(stack.base, await tokenFor(stack, 'admin@lantern.example'));
});

after(async () => {
  await stack?.stop();
});

async function practitioners(n, prefix) {
  const org = (await admin.get('/api/v1/organisations')).json[0].id;
  const out = [];
  for (let i = 0; i < n; i++) {
    const email = `${prefix}${i}@example.org`;
    const res = await admin.post('/api/v1/users', {
      email, name: `Pipeline ${prefix}${i}`, role: 'practitioner', org: String(org), password: 'correct-horse-battery',
    });
    assert.equal(res.status, 201, res.text);
    const id = Number(sqlite(stack.dbPath, `SELECT id FROM users WHERE email = '${email}'`));
    out.push({ email, id, client: api(stack.base, await tokenFor(stack, email)) });
  }
  return out;
}

test('a member whose work failed unseen fails its whole group: every 201 is a booking, and the failed one is none', onlyPostgres, async () => {
  const crowd = await practitioners(8, 'group');
  const refused = crowd[3];
  sqlite(stack.dbPath, `CREATE FUNCTION refuse_audit() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN RAISE EXCEPTION 'refused for the test'; END $$;
    CREATE TRIGGER refuse_audit BEFORE INSERT ON audit_log FOR EACH ROW
      WHEN (NEW.entity = 'booking' AND NEW.actor_id = ${refused.id}) EXECUTE FUNCTION refuse_audit()`);
  let answered = 0, refusedAnswers = 0, rounds = 0;
  for (; rounds < 12; rounds++) {
    const id = await newSession(admin, Date.now() + (30 + rounds) * 86400e3, 20);
    // Eight at once, so that most rounds put several into one group with the refused person.
    const results = await Promise.all(crowd.map((p) => p.client.post(`/api/v1/sessions/${id}/bookings`, {})));
    const held = new Set(sqlite(stack.dbPath, `SELECT user_id FROM bookings WHERE session_id = ${id}`).split('\n').filter(Boolean).map(Number));
    results.forEach((r, i) => {
      const p = crowd[i];
      if (r.status === 201) {
        answered++;
        assert.ok(held.has(p.id), `round ${rounds}: ${p.email} was told 201 but holds no booking`);
      } else {
        assert.ok(r.status === 500 || r.status === 503, `${r.status} ${r.text}`);
        assert.ok(!held.has(p.id), `round ${rounds}: ${p.email} was refused (${r.status} ${r.text}) but holds a booking\n${results.map((x) => x.status).join(' ')}\n${stack.output().split('\n').filter((l) => / error /.test(l)).slice(-30).join('\n')}`);
      }
    });
    assert.notEqual(results[3].status, 201, 'the refused person is never told their booking was made');
    refusedAnswers++;
    assert.equal(sqlite(stack.dbPath, `SELECT count(*) FROM bookings WHERE session_id = ${id} AND user_id = ${refused.id}`), '0');
  }
  assert.equal(refusedAnswers, rounds);
  assert.ok(answered > 0, 'some bookings went through');
  // Still serving: with the trigger gone, the same person books.
  sqlite(stack.dbPath, 'DROP TRIGGER refuse_audit ON audit_log');
  const id = await newSession(admin, Date.now() + 90 * 86400e3, 5);
  const res = await refused.client.post(`/api/v1/sessions/${id}/bookings`, {});
  assert.equal(res.status, 201, res.text);
});
