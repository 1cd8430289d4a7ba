// Records a test makes through the API as an admin would: sessions and practitioners.
import assert from 'node:assert/strict';
import { api, loggedIn, tokenFor } from './lib.mjs';

export const PASSWORD = 'correct-horse-battery';
export const iso = (ms) => new Date(ms).toISOString().replace(/\.\d+Z$/, 'Z');

/** The JSON of a response that must have `status` (default 201). */
export async function ok(promise, status = 201) {
  const r = await promise;
  assert.equal(r.status, status, `${r.status} ${r.text}`);
  return r.json;
}

/** A practitioner session at the Civic Centre; `more` adds or replaces fields. Returns its id. */
export async function makeSession(admin, { startMs = Date.now() + 14 * 86400e3, hours = 3, capacity = 10, ...more } = {}) {
  return (await ok(admin.post('/api/v1/sessions', {
    course: 'recognising-and-responding', starts_at: iso(startMs), ends_at: iso(startMs + hours * 3600e3), capacity,
    trainers: ['trainer@lantern.example'],
    venue: { name: 'Civic Centre', address: 'Victoria Avenue', postcode: 'SS2 6ER', area: 'southend' }, ...more,
  }))).id;
}

let made = 0;
/** A new practitioner of organisation 2: { email, name, api, web } (web: signed in). */
export async function makePractitioner(stack, admin, prefix) {
  const n = ++made;
  const email = `${prefix}${n}@example.org`, name = `Person ${prefix} ${n}`;
  await ok(admin.post('/api/v1/users', { email, name, role: 'practitioner', org: '2', password: PASSWORD }));
  return { email, name, api: api(stack.base, await tokenFor(stack, email)), web: await loggedIn(stack, email, PASSWORD) };
}
