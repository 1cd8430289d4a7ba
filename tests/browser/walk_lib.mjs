// Walking a role's day through the pages as a person would (walk_<role>.test.mjs): one stack with the
// demo data and one browser per file, and each walk run twice, at a desktop's width and a phone's.
//
//   const ctx = useWalkStack(before, after, async (stack) => ({ ...what the day starts from }));
//   for (const width of WIDTHS) test(`${width}: ...`, () => walk(ctx, width, async (w) => {
//     await w.signIn('trainer@lantern.example');              // the sign-in form, from the home page
//     await w.menu('Your sessions', 'Your sessions');          // the menu, opened first on a phone
//     await w.follow(w.link('Take attendance'), 'Recognising and responding to domestic abuse');
//     await w.submit(w.page.getByRole('button', { name: 'Add walk-in' }), ...);
//   }));
//
// Every page the walk shows is checked when the walk says it has arrived (w.arrived, or w.follow,
// w.menu and w.submit, which wait for it): its heading is the one expected, axe-core finds no WCAG 2.2
// AA violation, no date is written for machines ("2026-11-20") where people read, and on the phone
// nothing makes the page scroll sideways (overflow.mjs). The problems of every page are gathered and
// fail the walk at its end, all listed; a page the browser showed but the walk never checked fails it
// too, so no page of the journey slips past.
import assert from 'node:assert/strict';
import { startStack } from '../http/lib.mjs';
import { axeViolations, keepOffline, launchBrowser } from './lib.mjs';
import { horizontalOverflow } from './overflow.mjs';

export const WIDTHS = ['desktop', 'phone'];

const CONTEXTS = {
  desktop: { viewport: { width: 1280, height: 900 } },
  phone: { viewport: { width: 390, height: 844 }, screen: { width: 390, height: 844 }, isMobile: true, hasTouch: true },
};

// The demo's stack and a browser for the file; `setup(stack)` makes, through the API or the command
// line, what the day starts from, and its result is ctx.day.
export function useWalkStack(before, after, setup = async () => ({})) {
  const ctx = {};
  before(async () => {
    ctx.stack = await startStack({ demo: true });
    ctx.browser = await launchBrowser();
    ctx.day = await setup(ctx.stack);
  });
  after(async () => {
    await ctx.browser?.close();
    await ctx.stack?.stop();
  });
  return ctx;
}

// Runs one walk at `width` in a context of its own (axe is injected for the checks alone, so the
// context lets it past the pages' CSP), then fails it with every page's problems.
export async function walk(ctx, width, steps) {
  const context = await ctx.browser.newContext({
    ...CONTEXTS[width], baseURL: ctx.stack.base, locale: 'en-GB', timezoneId: 'Europe/London', bypassCSP: true,
  });
  await keepOffline(context);
  // A missing button or option fails in seconds; pages, on a loaded machine under ASan, get longer.
  context.setDefaultTimeout(10_000);
  context.setDefaultNavigationTimeout(30_000);
  const w = new Walk(await context.newPage(), width, ctx.stack.base);
  try {
    await steps(w);
  } catch (err) {
    // The step that failed comes first; the pages' problems so far say what else the walk found.
    if (w.problems.length) err.message += `\nand on the pages before:\n${w.problems.join('\n')}`;
    throw err;
  } finally {
    await context.close();
  }
  assert.deepEqual(w.unchecked(), [], 'pages shown that the walk never checked');
  assert.deepEqual(w.problems, [], `problems on the ${w.checked.length} pages of the walk`);
}

class Walk {
  constructor(page, width, base) {
    this.page = page;
    this.width = width;
    this.phone = width === 'phone';
    this.base = base;
    this.problems = [];
    this.checked = []; // "path: heading" of every page checked, in order
    this.shown = new Set(); // every address of this site the browser showed (without its #fragment)
    this.seen = new Set(); // those the checks saw
    page.on('framenavigated', (frame) => {
      if (frame === page.mainFrame() && frame.url().startsWith(base)) this.shown.add(withoutFragment(frame.url()));
    });
  }

  // This site's address of the page shown, without the host.
  path() {
    const u = new URL(this.page.url());
    return u.pathname + u.search;
  }

  // Signs in through the form, from the address a person types: the home page, which asks them to.
  async signIn(email, password = 'lantern-demo') {
    await this.page.goto('/');
    await this.arrived('Sign in to lantern');
    await this.page.getByLabel('Email address').fill(email);
    await this.page.getByLabel('Password').fill(password);
    await this.submit(this.page.getByRole('button', { name: 'Sign in' }), /^Welcome, /);
  }

  // Opens the service's menu if it is folded away (a phone), then follows its link `name`.
  async menu(name, heading) {
    const nav = this.page.getByRole('navigation', { name: 'Menu' });
    const link = nav.getByRole('link', { name, exact: true });
    if (!(await link.isVisible())) await nav.getByRole('button', { name: 'Menu' }).click();
    await this.follow(link, heading);
  }

  // Clicks a link (or anything that leads to another page) and checks the page it leads to.
  async follow(locator, heading) {
    const from = this.page.url();
    await locator.click();
    await this.page.waitForURL((url) => url.href !== from);
    return this.arrived(heading);
  }

  // Presses a form's button and checks the page that answers; the address may stay the same (a form
  // shown again with its errors), so this waits for the new document rather than a new address.
  async submit(button, heading) {
    await Promise.all([this.page.waitForEvent('load'), button.click()]);
    return this.arrived(heading);
  }

  // The page shown now is the one expected: its h1 reads `heading` (a string or RegExp). Then its checks.
  async arrived(heading) {
    await this.page.waitForLoadState('load');
    const h1 = this.page.locator('h1').first();
    if (heading instanceof RegExp) assert.match(await h1.innerText(), heading, `the heading at ${this.path()}`);
    else assert.equal((await h1.innerText()).trim(), heading, `the heading at ${this.path()}`);
    await this.check();
    return this.page;
  }

  // axe-core on the page as it is now (after a change made in place, too), and its width on a phone.
  async check(what = '') {
    const where = `${this.path()}${what ? ` (${what})` : ''}`;
    this.checked.push(`${where}: ${(await this.page.locator('h1').first().innerText()).trim()}`);
    for (const v of await axeViolations(this.page)) this.problems.push(`${where} ${v}`);
    for (const d of await machineDates(this.page)) this.problems.push(`${where} a date written as ${d}, not like "20 November 2026"`);
    if (this.phone) for (const p of await horizontalOverflow(this.page)) this.problems.push(`${where} ${p}`);
    this.seen.add(withoutFragment(this.page.url()));
  }

  // Addresses shown as pages that no check saw (a page passed through on the way is one too).
  unchecked() {
    return [...this.shown].filter((url) => !this.seen.has(url));
  }

  // A link by its name, or a link drawn as a button (GOV.UK's start and action links say they are buttons).
  link(name, within = this.page) {
    return within.getByRole('link', { name, exact: true }).or(within.getByRole('button', { name, exact: true })).first();
  }

  // The text of the page's main part, for what it says.
  main() {
    return this.page.locator('main').innerText();
  }
}

const withoutFragment = (url) => url.replace(/#.*$/, '');

// Dates written for machines ("2026-11-20") in what the page says, rather than as the service writes
// them for people: hints and error messages showing what to type, and the fields themselves, aside.
async function machineDates(page) {
  return page.locator('main').evaluate((main) => {
    const aside = '.govuk-hint, .govuk-error-message, .govuk-error-summary, input, textarea, select, code, pre';
    const found = [];
    const walker = document.createTreeWalker(main, NodeFilter.SHOW_TEXT);
    for (let t = walker.nextNode(); t; t = walker.nextNode()) {
      if (t.parentElement.closest(aside) || !t.parentElement.checkVisibility()) continue;
      for (const m of t.textContent.matchAll(/\b\d{4}-\d{2}-\d{2}\b/g)) found.push(`"${m[0]}"`);
    }
    return [...new Set(found)];
  });
}
