// A pupil answers the Risk Avert survey on a phone-sized screen using only the keyboard (Tab to
// move between questions, arrow keys and Space to choose, Enter to send): no clicks, no mouse.

import test, { after, before } from 'node:test'
import assert from 'node:assert/strict'
import fs from 'node:fs'
import path from 'node:path'
import { addUser, api, startStack, tokenFor } from '../http/lib.mjs'
import { launchBrowser, newPhonePage } from './lib.mjs'

let stack
let browser

before(async () => {
  stack = await startStack()
  const csv = path.join(stack.dataDir, 'settings.csv')
  fs.writeFileSync(csv, 'urn,name,phase,area,y7,y8,y9,y10,y11,y12,y13\n700001,Keyboard Academy,secondary,tendring,120,120,120,120,120,,\n')
  const r = await stack.cli(['schools', 'import', csv])
  assert.equal(r.code, 0, r.stderr)
  await addUser(stack, { email: 'trainer@test.example', role: 'trainer' })
  browser = await launchBrowser()
})

after(async () => {
  if (browser) await browser.close()
  if (stack) await stack.stop()
})

/** Presses Tab until the element with this id has focus; fails after `limit` presses. */
async function tabTo (page, id, limit = 30) {
  for (let i = 0; i < limit; i++) {
    await page.keyboard.press('Tab')
    if (await page.evaluate(() => document.activeElement?.id) === id) return
  }
  assert.fail(`Tab never reached #${id}`)
}

/** The radio of this group that is checked, or null. */
const checked = (page, name) =>
  page.evaluate((n) => document.querySelector(`input[name="${n}"]:checked`)?.value ?? null, name)

test('a pupil completes the survey on a phone, keyboard only', async () => {
  const trainer = api(stack.base, await tokenFor(stack, 'trainer@test.example'))
  const run = (await trainer.post('/api/v1/survey-runs', { urn: '700001', year_group: 8, phase: 'post', capacity: 30 })).data
  assert.ok(run.code, 'the run was not opened')

  const page = await newPhonePage(browser)
  await page.goto(run.url)
  assert.equal(await page.locator('h1').textContent(), 'What do you think about relationships?')
  // The form carries a one-use answer token (no cookie): the answers are refused without it.
  assert.equal(await page.locator('form input[type="hidden"][name="token"]').count(), 1)
  // Mobile first: nothing wider than the phone.
  assert.ok(await page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth))

  // Statements: the first radio of each group takes focus from Tab; arrows move and choose.
  const wanted = { q1: '5', q2: '4', q3: '4', q4: '5' }
  for (const [name, value] of Object.entries(wanted)) {
    await tabTo(page, name)
    await page.keyboard.press('Space') // 1: strongly disagree
    for (let i = 1; i < Number(value); i++) await page.keyboard.press('ArrowDown')
    assert.equal(await checked(page, name), value)
  }
  // Scenarios: healthy, unhealthy, not-sure.
  const stories = { s1: 'unhealthy', s2: 'healthy', s3: 'unhealthy', s4: 'healthy' }
  const order = ['healthy', 'unhealthy', 'not-sure']
  for (const [name, value] of Object.entries(stories)) {
    await tabTo(page, name)
    await page.keyboard.press('Space')
    for (let i = 0; i < order.indexOf(value); i++) await page.keyboard.press('ArrowDown')
    assert.equal(await checked(page, name), value)
  }

  // The send button is next; Enter sends the form.
  await page.keyboard.press('Tab')
  assert.equal(await page.evaluate(() => document.activeElement?.textContent?.trim()), 'Send my answers')
  await Promise.all([page.waitForURL(/\?sent=1$/), page.keyboard.press('Enter')])
  assert.equal(await page.locator('h1').textContent(), 'Thank you')
  assert.match(await page.locator('main').textContent(), /Childline free on 0800 1111/)
  assert.deepEqual(await page.context().cookies(), [], 'the survey set a cookie')

  const results = (await trainer.get(`/api/v1/survey-runs/${run.id}/results`)).data
  assert.equal(results.post.responses, 1)
  assert.equal(results.post.good_understanding.suppressed, true)
  await page.context().close()
})
