/* checkin.c — the trainer's full-screen QR code and the attendee's side of scanning it. The code
 * changes every 30 seconds, so a photo of it shared later does not work. */
#include "checkin.h"

#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "attendance.h"
#include "auth.h"
#include "catalog.h"
#include "html.h"
#include "qr.h"
#include "route.h"
#include "sessions.h"
#include "site.h"
#include "valid.h"

int64_t checkin_slot(int64_t now)
{
	return now / CHECKIN_SLOT_SECONDS;
}

void checkin_token(int64_t session_id, int64_t slot, char out[17])
{
	char msg[48], mac[65];
	snprintf(msg, sizeof msg, "%lld:%lld", (long long)session_id, (long long)slot);
	auth_hmac_hex("checkin", msg, mac);
	memcpy(out, mac, 16);
	out[16] = '\0';
}

bool checkin_token_valid(int64_t session_id, const char *token, int64_t now)
{
	if (token == NULL || strlen(token) != 16)
		return false;
	int64_t slot = checkin_slot(now);
	char expect[17];
	bool ok = false;
	/* Both are always compared, so timing says nothing about which slot matched. */
	for (int64_t s = slot; s >= slot - 1; s--) {
		checkin_token(session_id, s, expect);
		ok |= str_equal_ct(token, expect);
	}
	return ok;
}

static bool window_open(const struct session *s, int64_t now)
{
	return strcmp(s->status, "cancelled") != 0 && now >= s->starts_at - CHECKIN_OPENS_BEFORE && now <= s->ends_at;
}

static int load_staff_session(const struct req *r, struct resp *o, struct session *s)
{
	int64_t id;
	if (!valid_id(req_param(r, 0), &id) || !sessions_load(r->db, r->arena, id, s))
		return route_error(r, o, 404, "There is no such session.");
	if (r->user->role != ROLE_ADMIN && !session_is_trainer(s, r->user->id))
		return route_error(r, o, 403, "Only this session's trainers and admins show its check-in code.");
	return 0;
}

/* The QR code for now, with the address spelled out for anyone who cannot scan. */
static void qr_block(const struct req *r, struct resp *o, const struct session *s)
{
	char token[17];
	checkin_token(s->id, checkin_slot(now_utc()), token);
	const char *url = arena_printf(r->arena, "%s/checkin/%lld/%s", site_base_url(), (long long)s->id, token);
	qr_html(o, url, QR_MEDIUM, 0, "Check-in QR code");
	htmlf(o, "<p class=\"lantern-qr__caption govuk-body\">Or open %h</p>", url);
}

int checkin_screen_page(const struct req *r, struct resp *o)
{
	struct session s;
	int rc = load_staff_session(r, o, &s);
	if (rc)
		return rc;
	const struct course *c = catalog_course(s.course_id);
	bool open = window_open(&s, now_utc());
	struct page p = {.title = "Check in", .wide = true, .refresh = open ? CHECKIN_SLOT_SECONDS : 0,
			 .back = arena_printf(r->arena, "/sessions/%lld/roster", (long long)s.id)};
	page_begin(r, o, &p);
	htmlf(o, "<h1 class=\"govuk-heading-l\">Check in: %h</h1>", c ? c->title : s.course_id);
	if (!open) {
		char when[80];
		time_human(s.starts_at - CHECKIN_OPENS_BEFORE, when, sizeof when);
		htmlf(o, "<p class=\"govuk-body\">Check-in is open from 30 minutes before the start until the end of the "
			 "session. It opens at %h.</p>",
		      when);
	} else {
		html_lit(o, "<p class=\"govuk-body-l\">Scan this code with your phone while signed in to lantern.</p>");
		htmlf(o, "<div class=\"lantern-qr lantern-qr--fullscreen\" data-lantern-refresh=\"10\" "
			 "data-lantern-src=\"/sessions/%D/check-in/qr\">",
		      s.id);
		qr_block(r, o, &s);
		html_lit(o, "</div>");
	}
	page_end(r, o, &p);
	return 200;
}

int checkin_qr_fragment(const struct req *r, struct resp *o)
{
	struct session s;
	int rc = load_staff_session(r, o, &s);
	if (rc)
		return rc;
	if (!window_open(&s, now_utc()))
		return resp_text(o, 409, "text/html; charset=utf-8", "", 0);
	qr_block(r, o, &s);
	return 200;
}

/* Marks the person as there (a walk-in if not booked). */
static int mark_there(const struct req *r, struct resp *o, int64_t session_id)
{
	const char *error = NULL;
	if (attendance_walk_in(r->db, r->arena, r->user, session_id, r->user->id, &error) == 0)
		return page_error(r, o, 409, "Check-in failed", error);
	return 0;
}

static int closed(const struct req *r, struct resp *o)
{
	return page_error(r, o, 409, "Check-in is closed",
			  "You can check in from 30 minutes before the start until the end of the session.");
}

/* Checks the session, its window and the token as scanned now; 0 when the scan is good. */
static int check_scan(const struct req *r, struct resp *o, struct session *s)
{
	int64_t id;
	if (!valid_id(req_param(r, 0), &id) || !sessions_load(r->db, r->arena, id, s))
		return page_error(r, o, 404, "Check-in failed", "There is no such session.");
	int64_t now = now_utc();
	if (!window_open(s, now))
		return closed(r, o);
	if (!checkin_token_valid(id, req_param(r, 1), now))
		return page_error(r, o, 410, "This code has expired",
				  "The code on the screen changes every 30 seconds. Scan the code showing now.");
	return 0;
}

static int checked_in(const struct req *r, struct resp *o, const struct session *s)
{
	const struct course *c = catalog_course(s->course_id);
	struct page p = {.title = "You are checked in"};
	page_begin(r, o, &p);
	htmlf(o, "<div class=\"govuk-panel govuk-panel--confirmation\"><h1 class=\"govuk-panel__title\">You are checked in"
		 "</h1><div class=\"govuk-panel__body\">%h</div></div>"
		 "<p class=\"govuk-body\">When the session has ended we will e-mail you your certificate and ask how "
		 "it went; the certificate will also be in <a class=\"govuk-link\" href=\"/training\">your training "
		 "record</a>.</p>",
	      c ? c->title : s->course_id);
	page_end(r, o, &p);
	return 200;
}

/* Opened from the person's own scan or our own pages (not a link on another site). */
static bool direct(const struct req *r)
{
	return r->sec_fetch_site == NULL || strcmp(r->sec_fetch_site, "none") == 0 ||
	       strcmp(r->sec_fetch_site, "same-origin") == 0;
}

/* Arriving from another site asks first, so a link elsewhere cannot check anyone in. */
static int ask_first(const struct req *r, struct resp *o)
{
	struct page p = {.title = "Check in"};
	page_begin(r, o, &p);
	html_lit(o, "<h1 class=\"govuk-heading-l\">Check in to this session?</h1>");
	html_form_begin(r, o, r->path);
	html_button(o, "Check in");
	html_form_end(o);
	page_end(r, o, &p);
	return 200;
}

/* A check-in promise is "TIME-MAC": the time of a good scan and the HMAC of session and time, so
 * the scan survives the sign-in that follows it for CHECKIN_PROMISE_SECONDS. */
static const char *promise_make(struct arena *a, int64_t session_id, int64_t scanned_at)
{
	char msg[48], mac[65];
	snprintf(msg, sizeof msg, "%lld:%lld", (long long)session_id, (long long)scanned_at);
	auth_hmac_hex("checkin-promise", msg, mac);
	mac[32] = '\0';
	return arena_printf(a, "%lld-%s", (long long)scanned_at, mac);
}

/* The time of the scan a promise records, or -1 when it was not made by this server for this session. */
static int64_t promise_scanned_at(struct arena *a, int64_t session_id, const char *promise)
{
	const char *dash = promise ? strchr(promise, '-') : NULL;
	if (dash == NULL || dash == promise || dash - promise > 15 || strlen(dash + 1) != 32)
		return -1;
	int64_t t = 0;
	for (const char *p = promise; p < dash; p++) {
		if (*p < '0' || *p > '9')
			return -1;
		t = t * 10 + (*p - '0');
	}
	return str_equal_ct(promise_make(a, session_id, t), promise) ? t : -1;
}

/* Opening the scanned address checks you in at once. Signed out, a good scan becomes a promise
 * carried through the sign-in (its next), which checks you in once you are signed in. */
int checkin_scan_page(const struct req *r, struct resp *o)
{
	struct session s;
	int rc = check_scan(r, o, &s);
	if (rc)
		return rc;
	if (r->user == NULL)
		return resp_redirect(o, arena_printf(r->arena, "/login?next=/checkin/%lld/scanned/%s", (long long)s.id,
						     promise_make(r->arena, s.id, now_utc())));
	if (!direct(r))
		return ask_first(r, o);
	rc = mark_there(r, o, s.id);
	return rc ? rc : checked_in(r, o, &s);
}

int checkin_scan_post(const struct req *r, struct resp *o)
{
	struct session s;
	int rc = check_scan(r, o, &s);
	if (rc == 0)
		rc = mark_there(r, o, s.id);
	return rc ? rc : checked_in(r, o, &s);
}

/* Checks a promise: made here for this session, at most CHECKIN_PROMISE_SECONDS old, the scan
 * inside the check-in window. 0 when it is good. */
static int check_promise(const struct req *r, struct resp *o, struct session *s)
{
	int64_t id;
	if (!valid_id(req_param(r, 0), &id) || !sessions_load(r->db, r->arena, id, s))
		return page_error(r, o, 404, "Check-in failed", "There is no such session.");
	int64_t scanned_at = promise_scanned_at(r->arena, id, req_param(r, 1));
	if (scanned_at < 0)
		return page_error(r, o, 410, "Check-in failed",
				  "This check-in address is not one lantern made. Scan the code showing now.");
	int64_t age = now_utc() - scanned_at;
	if (age > CHECKIN_PROMISE_SECONDS || age < -60)
		return page_error(r, o, 410, "Your scan has expired",
				  "A scan of the check-in code is good for 10 minutes. Scan the code showing now.");
	if (!window_open(s, scanned_at))
		return closed(r, o);
	return 0;
}

int checkin_promise_page(const struct req *r, struct resp *o)
{
	struct session s;
	int rc = check_promise(r, o, &s);
	if (rc)
		return rc;
	if (!direct(r))
		return ask_first(r, o);
	rc = mark_there(r, o, s.id);
	return rc ? rc : checked_in(r, o, &s);
}

int checkin_promise_post(const struct req *r, struct resp *o)
{
	struct session s;
	int rc = check_promise(r, o, &s);
	if (rc == 0)
		rc = mark_there(r, o, s.id);
	return rc ? rc : checked_in(r, o, &s);
}

const char *checkin_sign_in_prompt(const struct req *r, const char *next)
{
	unsigned long long id;
	char promise[64];
	int end = 0;
	struct session s;
	if (next == NULL || sscanf(next, "/checkin/%llu/scanned/%63[0-9a-f-]%n", &id, promise, &end) != 2 ||
	    next[end] != '\0' || id > INT64_MAX || !sessions_load(r->db, r->arena, (int64_t)id, &s) ||
	    promise_scanned_at(r->arena, (int64_t)id, promise) < 0)
		return NULL;
	const struct course *c = catalog_course(s.course_id);
	return arena_printf(r->arena, "Sign in to check in to %s at %s", c ? c->title : s.course_id, s.venue_name);
}
