// lantern front-end script.
//
// Load with <script type="module" src="/assets/VERSION/lantern.js"></script>:
// the CSP forbids inline script, so this does what GOV.UK's page template does
// in an inline <script>. Module scripts run after the document is parsed, so
// document.body exists here; browsers that cannot run modules get the no-JS
// versions of the components, as GOV.UK Frontend intends.

import { createAll, ExitThisPage, initAll } from './govuk-frontend.min.js'

// GOV.UK Frontend styles its JavaScript-enhanced components under
// `.js-enabled`, and only initialises when `.govuk-frontend-supported` is set.
document.body.classList.add('js-enabled', 'govuk-frontend-supported')

initAll()

// Exit this page, leaving no way back: GOV.UK's component (its button, skip
// link, Shift pressed three times, indicator lights and overlay) with one
// change. GOV.UK leaves with `location.href = …`, which keeps the help page in
// the tab's history, so Back returns to it; `location.replace` swaps the help
// page for the destination, so Back skips it where the browser allows. The
// help pages mark the control data-module="lantern-exit-this-page", so initAll
// above leaves it to this class.
class LanternExitThisPage extends ExitThisPage {
  static moduleName = 'lantern-exit-this-page'

  exitPage () {
    if (!this.$updateSpan) return
    this.$updateSpan.textContent = ''
    document.body.classList.add('govuk-exit-this-page-hide-content')
    this.$overlay = document.createElement('div')
    this.$overlay.className = 'govuk-exit-this-page-overlay'
    this.$overlay.setAttribute('role', 'alert')
    this.$overlay.textContent = this.i18n.t('activated')
    document.body.appendChild(this.$overlay)
    window.location.replace(this.$button.href)
  }
}

createAll(LanternExitThisPage)

// Auto-refresh: an element with data-lantern-refresh="N" (seconds) and
// data-lantern-src="URL" (same origin) has its content replaced by the body of
// URL every N seconds (used for the rotating QR code). Nothing happens when no
// element has these attributes. A failed fetch keeps the current content and
// tries again at the next tick; while the page is hidden, fetching pauses and
// resumes at once when it is shown again.

const MIN_REFRESH_SECONDS = 1

function refreshUrl (element) {
  const src = element.getAttribute('data-lantern-src')
  if (!src) return null
  let url
  try {
    url = new URL(src, document.baseURI)
  } catch {
    return null
  }
  return url.origin === window.location.origin ? url : null
}

function startRefresh (element) {
  const seconds = Number.parseFloat(element.getAttribute('data-lantern-refresh'))
  const url = refreshUrl(element)
  if (!Number.isFinite(seconds) || seconds <= 0 || !url) return

  const delay = Math.max(seconds, MIN_REFRESH_SECONDS) * 1000
  let timer = null
  let busy = false

  async function refresh () {
    timer = null
    if (document.hidden) return // resumed by visibilitychange
    busy = true
    try {
      const response = await fetch(url, {
        mode: 'same-origin',
        credentials: 'same-origin',
        cache: 'no-store',
        redirect: 'follow'
      })
      // A redirect (for example to the sign-in page) is not the content.
      if (response.ok && !response.redirected) {
        element.innerHTML = await response.text()
      }
    } catch {
      // Network error: keep what is shown and try again at the next tick.
    } finally {
      busy = false
      schedule()
    }
  }

  function schedule () {
    if (timer === null && !busy && !document.hidden) {
      timer = window.setTimeout(refresh, delay)
    }
  }

  document.addEventListener('visibilitychange', () => {
    if (document.hidden) {
      if (timer !== null) window.clearTimeout(timer)
      timer = null
    } else if (timer === null && !busy) {
      refresh()
    }
  })

  schedule()
}

document.querySelectorAll('[data-lantern-refresh][data-lantern-src]').forEach(startRefresh)

// Mark in place: on the roster (data-module="lantern-mark-in-place") a mark's
// form is posted with fetch, and the person's row is swapped for the row of
// the same id in the page the server answers with (the roster it redirects
// to), so the page keeps its scroll position and the pressed button moves.
// The live region after the list says what changed. Without this script the
// server's redirect comes back to the row by its #anchor. A button marked
// data-lantern-navigate (left early, which asks for minutes on a page of its
// own), an answer without the row (an error page, the sign-in page) or a
// failed fetch fall back to an ordinary submission, which shows the server's
// own page; a mark is idempotent, so sending it again does no harm.

function submitNormally (form, button) {
  const carried = document.createElement('input')
  carried.type = 'hidden'
  carried.name = button.name
  carried.value = button.value
  form.appendChild(carried)
  form.submit() // fires no submit event, so this handler lets it go
}

async function freshRow (form, button, id) {
  const body = new URLSearchParams(new FormData(form))
  body.append(button.name, button.value)
  try {
    const response = await fetch(form.action, {
      method: 'POST',
      body,
      mode: 'same-origin',
      credentials: 'same-origin',
      cache: 'no-store',
      redirect: 'follow'
    })
    if (!response.ok) return null
    const page = new DOMParser().parseFromString(await response.text(), 'text/html')
    const row = page.getElementById(id)
    return row && row.closest('[data-module="lantern-mark-in-place"]') ? document.adoptNode(row) : null
  } catch {
    return null
  }
}

function startMarkInPlace (list) {
  const status = document.querySelector('[data-lantern-roster-status]')
  const pending = new WeakSet()

  list.addEventListener('submit', async (event) => {
    const form = event.target
    const button = event.submitter
    const row = form.closest('li[id]')
    if (!row || !button || !button.name || button.hasAttribute('data-lantern-navigate')) return
    event.preventDefault()
    if (pending.has(form)) return // one mark at a time per person
    pending.add(form)
    row.setAttribute('aria-busy', 'true')
    const fresh = await freshRow(form, button, row.id)
    pending.delete(form)
    row.removeAttribute('aria-busy')
    if (!fresh) {
      submitNormally(form, button)
      return
    }
    // Only the latest mark says "Saved".
    list.querySelectorAll('.lantern-roster__saved').forEach((saved) => saved.remove())
    row.replaceWith(fresh)
    const same = [...fresh.querySelectorAll('button')].find((b) => b.value === button.value)
    if (same) same.focus({ preventScroll: true })
    if (status) {
      const name = fresh.querySelector('.lantern-roster__name')?.textContent ?? ''
      const mark = fresh.querySelector('.govuk-tag')?.textContent ?? ''
      status.textContent = `${name}: ${mark}, saved`
    }
  })
}

document.querySelectorAll('[data-module="lantern-mark-in-place"]').forEach(startMarkInPlace)
