// Helpers for lantern's browser tests (run with `node --test tests/browser/`).
//
// Drives Debian's chromium package through playwright-core: no browser is
// downloaded (`npx playwright install` cannot work here).
//
//   import { launchBrowser, newPhonePage } from './lib.mjs'
//   const browser = await launchBrowser()
//   const page = await newPhonePage(browser)
//   await page.goto('http://127.0.0.1:8080/')
//   ...
//   await browser.close()
//
// There is no network: every request to a host other than the loopback
// addresses is answered inside the browser (see EXTERNAL_PAGE) and never
// leaves the machine. A test that needs another answer for an external address
// (for example the Exit this page destination) adds its own page.route(...),
// which takes precedence.

import { readFileSync } from 'node:fs'
import { mkdtemp, rm } from 'node:fs/promises'
import { createRequire } from 'node:module'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { chromium } from 'playwright-core'

export const CHROMIUM_PATH = process.env.LANTERN_CHROMIUM || '/usr/bin/chromium'

export const CHROMIUM_ARGS = Object.freeze([
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync'
])

// What an external address answers with.
export const EXTERNAL_PAGE = '<!DOCTYPE html><title>External page</title><p>External page</p>'

const LOOPBACK_HOSTS = new Set(['127.0.0.1', 'localhost', '[::1]', '::1'])

export function isLocalUrl (url) {
  const u = new URL(url)
  if (u.protocol === 'data:' || u.protocol === 'blob:' || u.protocol === 'about:') return true
  return LOOPBACK_HOSTS.has(u.hostname) || u.hostname.startsWith('127.')
}

// Launches headless chromium. A fresh persistent profile is not needed:
// playwright gives each launch a temporary profile of its own and removes it
// on close. Close with `await browser.close()`.
export async function launchBrowser (options = {}) {
  const downloadsPath = await mkdtemp(join(tmpdir(), 'lantern-chromium-'))
  const browser = await chromium.launch({
    executablePath: CHROMIUM_PATH,
    headless: true,
    args: [...CHROMIUM_ARGS],
    downloadsPath,
    timeout: 30_000,
    ...options
  })
  browser.on('disconnected', () => {
    rm(downloadsPath, { recursive: true, force: true }).catch(() => {})
  })
  return browser
}

// Keeps every request on this machine: requests to other hosts get
// EXTERNAL_PAGE (status 200) without leaving the browser.
export async function keepOffline (contextOrPage) {
  await contextOrPage.route((url) => !isLocalUrl(url.href), (route) =>
    route.fulfill({ status: 200, contentType: 'text/html; charset=utf-8', body: EXTERNAL_PAGE })
  )
}

// A page in a new context shaped like a phone: 390x844 CSS pixels, touch,
// mobile viewport. `contextOptions` are passed to browser.newContext (for
// example { baseURL: 'http://127.0.0.1:8080' }). End it with
// `await page.context().close()`, or by closing the browser.
export async function newPhonePage (browser, contextOptions = {}) {
  const context = await browser.newContext({
    viewport: { width: 390, height: 844 },
    screen: { width: 390, height: 844 },
    deviceScaleFactor: 3,
    isMobile: true,
    hasTouch: true,
    locale: 'en-GB',
    timezoneId: 'Europe/London',
    ...contextOptions
  })
  await keepOffline(context)
  return context.newPage()
}

// A test file's stack (nginx + the app, with the demo data) and browser, started before its tests
// and stopped after them: `const ctx = useStackAndBrowser(); ... ctx.stack.base, ctx.browser`.
export function useStackAndBrowser (before, after, startStack) {
  const ctx = {}
  before(async () => {
    ctx.stack = await startStack({ demo: true })
    ctx.browser = await launchBrowser()
  })
  after(async () => {
    await ctx.browser?.close()
    await ctx.stack?.stop()
  })
  return ctx
}

// Signs in through the real form and waits for the home page.
export async function signIn (page, base, email, password = 'lantern-demo') {
  await page.goto(`${base}/login`)
  await page.getByLabel('Email address').fill(email)
  await page.getByLabel('Password').fill(password)
  await page.getByRole('button', { name: 'Sign in' }).click()
  await page.waitForURL(`${base}/`)
}

// WCAG 2.2 AA violations axe-core finds on the page, as "rule: help (where)" lines: [] when none.
// The page's CSP allows only its own scripts, so open it in a context made with { bypassCSP: true }.
const axeSource = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8')
export async function axeViolations (page) {
  await page.addScriptTag({ content: axeSource })
  const result = await page.evaluate(() => window.axe.run(document, {
    runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa'] },
    resultTypes: ['violations'] // passes are not collected: much faster
  }))
  return result.violations.map((v) => `${v.id}: ${v.help} (${v.nodes.map((n) => n.target.join(' ')).slice(0, 3).join(', ')})`)
}
