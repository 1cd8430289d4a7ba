// Exit this page on the public help pages: by the button, by the skip link and
// by pressing Shift three times, each ending on the neutral site (answered
// inside the browser, never fetched) with the help page out of reach of Back.
// Also: the help page itself makes no third-party requests and sets no cookie.

import test, { after, before, describe } from 'node:test'
import assert from 'node:assert/strict'
import { launchBrowser, keepOffline, isLocalUrl } from './lib.mjs'
import { startStack } from '../http/lib.mjs'

const NEUTRAL = 'https://www.bbc.co.uk/weather'
const NEUTRAL_PAGE = '<!DOCTYPE html><title>Weather</title><p>Neutral page</p>'

describe('Exit this page', () => {
  let stack
  let browser
  before(async () => {
    stack = await startStack({ threads: 2 })
    browser = await launchBrowser()
  })
  after(async () => {
    if (browser) await browser.close()
    if (stack) await stack.stop()
  })

  // A fresh desktop context that answers the neutral site itself and records
  // every request that would have left the machine.
  async function freshPage () {
    const context = await browser.newContext({ locale: 'en-GB', timezoneId: 'Europe/London' })
    await keepOffline(context)
    const external = []
    context.on('request', (req) => { if (!isLocalUrl(req.url())) external.push(req.url()) })
    await context.route((url) => url.href.startsWith(NEUTRAL), (route) =>
      route.fulfill({ status: 200, contentType: 'text/html; charset=utf-8', body: NEUTRAL_PAGE }))
    const page = await context.newPage()
    // Somewhere to come from, so Back has a page to go to.
    await page.goto(`${stack.base}/login`)
    await page.goto(`${stack.base}/help/sixteen-days-2026`)
    await page.waitForSelector('[data-lantern-exit-this-page-init]')
    return { page, context, external }
  }

  async function assertLeft (page, context, external, how) {
    await page.waitForURL((url) => url.href.startsWith(NEUTRAL), { timeout: 10_000 })
    assert.match(await page.textContent('body'), /Neutral page/, `${how}: the neutral page is shown`)
    assert.deepEqual(external.filter((u) => !u.startsWith(NEUTRAL)), [], `${how}: no other site was asked for anything`)
    await page.goBack()
    await page.waitForLoadState()
    assert.ok(!page.url().includes('/help'), `${how}: Back went to ${page.url()}, not the help page`)
    assert.ok(page.url().endsWith('/login'), `${how}: Back returns to the page before the help page (${page.url()})`)
    assert.deepEqual(await context.cookies(stack.base), [], `${how}: the help page set no cookie`)
    await context.close()
  }

  test('the button leaves for the neutral site and out of Back', async () => {
    const { page, context, external } = await freshPage()
    await page.click('.govuk-exit-this-page__button')
    await assertLeft(page, context, external, 'button')
  })

  test('the skip link does the same', async () => {
    const { page, context, external } = await freshPage()
    await page.keyboard.press('Tab') // the first skip link: Skip to main content
    await page.keyboard.press('Tab') // the second: Exit this page
    const focused = await page.evaluate(() => document.activeElement.className)
    assert.match(focused, /govuk-js-exit-this-page-skiplink/)
    await page.keyboard.press('Enter')
    await assertLeft(page, context, external, 'skip link')
  })

  test('pressing Shift three times leaves, with the indicator lights on the way', async () => {
    const { page, context, external } = await freshPage()
    await page.keyboard.press('Shift')
    await page.waitForSelector('.govuk-exit-this-page__indicator--visible')
    await page.keyboard.press('Shift')
    assert.equal(await page.locator('.govuk-exit-this-page__indicator-light--on').count(), 2)
    await page.keyboard.press('Shift')
    await assertLeft(page, context, external, 'Shift x3')
  })

  test('the Polish page announces in Polish', async () => {
    const context = await browser.newContext()
    await keepOffline(context)
    const page = await context.newPage()
    await page.goto(`${stack.base}/help/sixteen-days-2026?lang=pl`)
    await page.waitForSelector('[data-lantern-exit-this-page-init]')
    assert.equal(await page.getAttribute('html', 'lang'), 'pl')
    await page.keyboard.press('Shift')
    await page.waitForFunction(() => /naciśnij jeszcze 2 razy/.test(document.querySelector('.govuk-exit-this-page [role=status]')?.textContent ?? ''))
    await context.close()
  })
})
