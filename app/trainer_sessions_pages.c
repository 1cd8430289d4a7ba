/* trainer_sessions_pages.c — "Your sessions": a trainer's sessions today (with the way to take
 * attendance), the past ones still waiting for marks (a paper sheet entered afterwards), and the
 * coming ones; on a page of its own, first on the home page, and in the API. */
#include "trainer_sessions_pages.h"

#include "auth.h"
#include "html.h"
#include "trainer_sessions.h"

enum { TODAY_LIMIT = 20, AWAITING_LIMIT = 50, COMING_LIMIT = 20, API_LIMIT = 200 };

/* What is left to do on a session, and the link to do it. The link names the session for people
 * who hear links out of context. */
static void session_action(const struct req *r, struct resp *o, const struct trainer_session *t, enum trainer_group g,
			   const char *context)
{
	const struct session *s = &t->s;
	if (g == TRAINER_COMING) {
		if (s->school_urn)
			htmlf(o, "<p class=\"govuk-body\">Year %d, %d pupils expected</p>", s->year_group,
			      s->pupils_expected > 0 ? s->pupils_expected : 0);
		else
			htmlf(o, "<p class=\"govuk-body\">%d booked of %d places</p>", s->booked, s->capacity);
		return;
	}
	html_lit(o, "<p class=\"govuk-body\">");
	if (s->school_urn) {
		if (t->unmarked)
			html_tag(o, "Head-count not recorded", "yellow");
		else
			html_tag(o, "Head-count recorded", "green");
		htmlf(o, " <a class=\"govuk-link\" href=\"/sessions/%D/roster\">Record the head-count"
			 "<span class=\"govuk-visually-hidden\"> for %h</span></a></p>",
		      s->id, context);
		return;
	}
	if (t->unmarked)
		html_tag(o, arena_printf(r->arena, "%d not marked", t->unmarked), "yellow");
	else if (s->booked > 0)
		html_tag(o, "Everyone marked", "green");
	htmlf(o, " <a class=\"govuk-link\" href=\"/sessions/%D/roster\">%h<span class=\"govuk-visually-hidden\"> for %h</span></a>",
	      s->id, g == TRAINER_TODAY ? "Take attendance" : "Mark attendance", context);
	if (g == TRAINER_AWAITING_MARKS)
		htmlf(o, " or <a class=\"govuk-link\" href=\"/sessions/%D/marks\">enter a paper sheet"
			 "<span class=\"govuk-visually-hidden\"> for %h</span></a>",
		      s->id, context);
	html_lit(o, "</p>");
}

/* A list of sessions as headed items rather than a table, so it fits a phone as it is. */
static void session_list(const struct req *r, struct resp *o, const struct trainer_session *list, int n,
			 enum trainer_group g)
{
	html_lit(o, "<ul class=\"govuk-list lantern-session-list\">");
	for (int i = 0; i < n; i++) {
		const struct session *s = &list[i].s;
		const char *title = session_course_title(r->arena, s), *when = session_when_text(r->arena, s->starts_at, s->ends_at);
		htmlf(o, "<li class=\"lantern-session-list__item\"><h3 class=\"govuk-heading-s govuk-!-margin-bottom-1\">"
			 "<a class=\"govuk-link\" href=\"/sessions/%D\">%h</a></h3>"
			 "<p class=\"govuk-body govuk-!-margin-bottom-1\">%h</p>"
			 "<p class=\"govuk-body govuk-!-margin-bottom-1 lantern-session-list__venue\">%h, %h</p>",
		      s->id, title, when, s->venue_name, s->venue_postcode);
		session_action(r, o, &list[i], g, arena_printf(r->arena, "%s, %s", title, when));
		html_lit(o, "</li>");
	}
	html_lit(o, "</ul>");
}

void trainer_sessions_home(const struct req *r, struct resp *o)
{
	int64_t now = now_utc();
	struct trainer_session *today, *awaiting, *coming;
	bool more;
	int n = trainer_sessions(r->db, r->arena, r->user->id, TRAINER_TODAY, now, TODAY_LIMIT, &today, &more);
	int waiting = trainer_sessions(r->db, r->arena, r->user->id, TRAINER_AWAITING_MARKS, now, AWAITING_LIMIT, &awaiting, &more);
	bool many_waiting = more;
	int next = trainer_sessions(r->db, r->arena, r->user->id, TRAINER_COMING, now, 1, &coming, &more);
	html_lit(o, "<h2 class=\"govuk-heading-m\">Your sessions today</h2>");
	if (n)
		session_list(r, o, today, n, TRAINER_TODAY);
	else
		html_lit(o, "<p class=\"govuk-body\">You have no sessions today.</p>");
	if (waiting)
		htmlf(o, "<div class=\"govuk-inset-text\"><a class=\"govuk-link\" href=\"/my-sessions#awaiting-marks\">"
			 "%h%d past %h waiting for attendance marks</a></div>",
		      many_waiting ? "More than " : "", waiting, waiting == 1 && !many_waiting ? "session is" : "sessions are");
	if (next) {
		char day[40];
		date_human(coming[0].s.starts_at, day, sizeof day);
		htmlf(o, "<p class=\"govuk-body\">Your next session after today is on %h. ", day);
	} else {
		html_lit(o, "<p class=\"govuk-body\">");
	}
	html_lit(o, "<a class=\"govuk-link\" href=\"/my-sessions\">All your sessions</a></p>");
}

int trainer_sessions_page(const struct req *r, struct resp *o)
{
	static const struct {
		const char *id, *heading, *none;
		int limit;
	} groups[TRAINER_GROUP__MAX] = {
		[TRAINER_TODAY] = {"today", "Today", "You have no sessions today.", TODAY_LIMIT},
		[TRAINER_AWAITING_MARKS] = {"awaiting-marks", "Waiting for attendance marks",
					    "Every past session of yours has its attendance marked.", AWAITING_LIMIT},
		[TRAINER_COMING] = {"coming", "Coming up", "You have no sessions coming up.", COMING_LIMIT},
	};
	/* The order a trainer works in: today, then what is overdue, then what is ahead. */
	static const enum trainer_group order[] = {TRAINER_TODAY, TRAINER_AWAITING_MARKS, TRAINER_COMING};
	struct page p = {.title = "Your sessions", .nav = "/my-sessions"};
	page_begin(r, o, &p);
	html_lit(o, "<h1 class=\"govuk-heading-l\">Your sessions</h1>");
	int64_t now = now_utc();
	for (size_t i = 0; i < ARRAY_LEN(order); i++) {
		enum trainer_group g = order[i];
		struct trainer_session *list;
		bool more;
		int n = trainer_sessions(r->db, r->arena, r->user->id, g, now, groups[g].limit, &list, &more);
		htmlf(o, "<h2 class=\"govuk-heading-m\" id=\"%h\">%h</h2>", groups[g].id, groups[g].heading);
		if (g == TRAINER_AWAITING_MARKS && n)
			html_lit(o, "<p class=\"govuk-body\">Past sessions where someone with a place is not marked yet, or a "
				    "pupil head-count is missing. Their certificates and evaluations wait for the marks.</p>");
		if (n)
			session_list(r, o, list, n, g);
		else
			htmlf(o, "<p class=\"govuk-body\">%h</p>", groups[g].none);
		if (more)
			htmlf(o, "<p class=\"govuk-body\">These are the first %d.</p>", n);
	}
	html_lit(o, "<p class=\"govuk-body\"><a class=\"govuk-link\" href=\"/sessions?when=past\">Past sessions</a> · "
		    "<a class=\"govuk-link\" href=\"/sessions\">All sessions</a></p>");
	page_end(r, o, &p);
	return 200;
}

int trainer_sessions_api(const struct req *r, struct resp *o)
{
	static const char *const keys[TRAINER_GROUP__MAX] = {
		[TRAINER_TODAY] = "today", [TRAINER_COMING] = "coming", [TRAINER_AWAITING_MARKS] = "awaiting_marks"};
	int64_t now = now_utc();
	json_t *j = json_object();
	for (int g = 0; g < TRAINER_GROUP__MAX; g++) {
		struct trainer_session *list;
		bool more;
		int n = trainer_sessions(r->db, r->arena, r->user->id, (enum trainer_group)g, now, API_LIMIT, &list, &more);
		json_t *items = json_array();
		for (int i = 0; i < n; i++) {
			/* The API's sessions name their trainers; the pages show none. */
			sessions_load_trainers(r->db, r->arena, &list[i].s);
			json_t *s = session_json(&list[i].s, now, NULL);
			json_object_set_new(s, "unmarked", json_integer(list[i].unmarked));
			json_array_append_new(items, s);
		}
		json_object_set_new(j, keys[g], items);
		if (more)
			/* Say the list was cut rather than let a client think it has everything. */
			resp_header(o, "X-Lantern-Truncated", "true");
	}
	return resp_json(o, 200, j);
}
