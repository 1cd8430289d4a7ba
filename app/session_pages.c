/* session_pages.c — the catalogue and face-to-face sessions as people see them: course pages, the
 * searchable session list, the session page, create/edit/cancel for admins and trainers, and the
 * JSON API for courses and sessions. Validation and saving are sessions.c's; booking rules are
 * booking.c's, so the pages and the API cannot drift apart.
 *
 * Discretion: some people booked on a session are living with abuse themselves, so who is booked
 * is shown only to the session's trainers and to admins, never to other attendees. */
#include "session_pages.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "attendance.h"
#include "auth.h"
#include "booking.h"
#include "catalog.h"
#include "confirm.h"
#include "db.h"
#include "ref.h"
#include "sessions.h"
#include "valid.h"
#include "venue_pages.h"

/* Pages of the session list hold PAGE_SIZE sessions (up to PAGE_MAX pages: a search that reaches
 * further needs narrowing); the API answers API_LIST_DEFAULT unless asked for up to API_LIST_LIMIT,
 * and says when it was cut. */
enum { PAGE_SIZE = 20, PAGE_MAX = 500, API_LIST_DEFAULT = 100, API_LIST_LIMIT = 1000 };

static const char SQL_SCHOOL_NAME[] = "SELECT name FROM settings WHERE urn = ?";
static const char SQL_SECTOR_NAME[] = "SELECT name FROM sectors WHERE id = ?";

/* ---- who may see and change a session ---- */

static bool is_staff(const struct user *u)
{
	return u->role == ROLE_ADMIN || u->role == ROLE_TRAINER;
}

bool session_visible(const struct session *s, const struct user *u)
{
	if (s->school_urn == NULL || is_staff(u))
		return true;
	return u->role == ROLE_SCHOOL && u->school_urn && strcmp(u->school_urn, s->school_urn) == 0;
}

bool session_manageable(const struct session *s, const struct user *u)
{
	return u->role == ROLE_ADMIN || (u->role == ROLE_TRAINER && session_is_trainer(s, u->id));
}

/* The session named by the path, if it exists and this person may see it; otherwise the caller
 * answers 404, so a pupil session's existence is not revealed to outsiders. */
static bool load_param(const struct req *r, struct session *s)
{
	int64_t id;
	return valid_id(req_param(r, 0), &id) && sessions_load(r->db, r->arena, id, s) && session_visible(s, r->user);
}

/* ---- small text helpers ---- */

/* One name from a lookup table, or the key itself when it has none. */
static const char *name_of(struct db *db, struct arena *a, const char *sql, const char *key)
{
	if (key == NULL)
		return "";
	struct db_stmt *st = db_query(db, sql, "s", key);
	const char *name = db_next(st) ? arena_strdup(a, db_col_text(st, 0)) : key;
	db_done(st);
	return name;
}

const char *session_local_input(struct arena *a, int64_t t)
{
	if (t == 0)
		return "";
	char iso[32];
	time_iso_local(t, iso);
	return arena_strndup(a, iso, 16);
}

static const char *human_time(struct arena *a, int64_t t)
{
	char s[80];
	time_human(t, s, sizeof s);
	return arena_strdup(a, s);
}

static const char *audience_label(const char *audience)
{
	if (strcmp(audience, "practitioners") == 0)
		return "Practitioners";
	if (strcmp(audience, "employers") == 0)
		return "Employers";
	if (strcmp(audience, "parents") == 0)
		return "Parents and carers";
	if (strcmp(audience, "pupils") == 0)
		return "Pupils in secondary schools and colleges";
	return audience;
}

static const char *outcome_label(int outcome)
{
	return outcome == 1 ? "Outcome 1: young people enjoy healthy relationships"
			    : "Outcome 5: awareness and confidence to act on abuse";
}

static const char *kind_label(const char *kind)
{
	if (strcmp(kind, "social-norms") == 0)
		return "Social norms";
	if (strcmp(kind, "pshe") == 0)
		return "PSHE lesson";
	if (strcmp(kind, "targeted") == 0)
		return "Targeted small-group work";
	return kind;
}

/* "Years 8 to 10" for a run, otherwise "Years 7, 9 and 11". */
static const char *years_text(struct arena *a, const struct module *m)
{
	if (m->nyears == 0)
		return "";
	if (m->nyears == 1)
		return arena_printf(a, "Year %d", m->year_groups[0]);
	bool run = true;
	for (int i = 1; i < m->nyears; i++)
		run = run && m->year_groups[i] == m->year_groups[i - 1] + 1;
	if (run)
		return arena_printf(a, "Years %d to %d", m->year_groups[0], m->year_groups[m->nyears - 1]);
	struct buf b = {0};
	buf_puts(&b, "Years ");
	for (int i = 0; i < m->nyears; i++)
		buf_printf(&b, "%s%d", i == 0 ? "" : i == m->nyears - 1 ? " and " : ", ", m->year_groups[i]);
	const char *s = arena_strdup(a, b.data);
	buf_free(&b);
	return s;
}

/* ---- markup helpers ---- */

static void status_tag(struct resp *o, const char *status)
{
	if (strcmp(status, "cancelled") == 0)
		html_tag(o, "Cancelled", "red");
	else if (strcmp(status, "delivered") == 0)
		html_tag(o, "Delivered", "grey");
	else
		html_tag(o, "Scheduled", "blue");
}

static void booking_tag(struct resp *o, const char *status)
{
	static const struct {
		const char *status, *label, *colour;
	} tags[] = {
		{"booked", "Booked", "green"},     {"waitlisted", "Waiting list", "yellow"}, {"cancelled", "Cancelled", "grey"},
		{"attended", "Attended", "green"}, {"late", "Late", "turquoise"},           {"partial", "Partial", "turquoise"},
		{"absent", "Absent", "red"},       {"excused", "Excused", "grey"},
	};
	for (size_t i = 0; i < ARRAY_LEN(tags); i++)
		if (strcmp(tags[i].status, status) == 0) {
			html_tag(o, tags[i].label, tags[i].colour);
			return;
		}
	html_tag(o, status, NULL);
}

/* Multi-line text (addresses, access notes) keeps its line breaks, each line escaped. */
static void lines(struct resp *o, const char *text)
{
	for (const char *p = text; p && *p;) {
		const char *nl = strchr(p, '\n');
		size_t len = nl ? (size_t)(nl - p) : strlen(p);
		struct buf b = {0};
		buf_append(&b, p, len);
		if (b.len && b.data[b.len - 1] == '\r')
			b.data[--b.len] = '\0';
		htmlf(o, "%h", b.data ? b.data : "");
		buf_free(&b);
		if (nl)
			html_lit(o, "<br>");
		p = nl ? nl + 1 : NULL;
	}
}

/* A select's options with its first ("Choose") relabelled, e.g. "Any area" for a search. */
static const struct option *relabel_first(struct arena *a, const struct option *opts, size_t n, const char *label)
{
	struct option *copy = arena_alloc(a, n * sizeof *copy);
	memcpy(copy, opts, n * sizeof *copy);
	if (n)
		copy[0].label = label;
	return copy;
}

/* Courses as options after a blank first one; pupil programmes only when asked for. */
static size_t course_options(struct arena *a, const char *blank, bool pupils, const struct option **out)
{
	const struct catalog *cat = catalog_get();
	struct option *opts = arena_alloc(a, (size_t)(cat->ncourses + 1) * sizeof *opts);
	size_t n = 0;
	opts[n++] = (struct option){"", blank};
	for (int i = 0; i < cat->ncourses; i++)
		if (pupils || !course_is_pupil(&cat->courses[i]))
			opts[n++] = (struct option){cat->courses[i].id, cat->courses[i].title};
	*out = opts;
	return n;
}

/* ---- the search shared by the list page, course pages and the API ---- */

enum search_kind { KIND_ALL, KIND_PRACTITIONER, KIND_PUPIL };

struct search {
	int64_t after;        /* only sessions ending after this (now, unless a from date is given) */
	int64_t from, to;     /* start within [from, to); 0 for no bound */
	const char *course;   /* NULL for any */
	const char *area;     /* includes its sub-areas */
	bool seats;           /* only with places left */
	bool with_cancelled;  /* the API lists cancelled sessions too; pages do not */
	bool past;            /* sessions that have ended, newest first (when=past) */
	const char *sector;   /* the viewer's: places held for a sector are left only for it */
	int64_t now;
	enum search_kind kind;
	int limit, page; /* page from 1: the rows from (page - 1) × limit */
};

/* The filters both lists share. The area test rolls up through area_tree so "essex" finds every
 * district in it. Pupil sessions are limited to staff and the school they are for, whatever the
 * filters say. */
#define SEARCH_FILTERS                                                                                             \
	" AND (?3 = 0 OR s.starts_at < ?3)"                                                                      \
	" AND (?4 IS NULL OR s.course_id = ?4)"                                                                  \
	" AND (?5 IS NULL OR s.area IN (SELECT descendant FROM area_tree WHERE ancestor = ?5))"                  \
	" AND (?6 = 1 OR s.status = 'scheduled')"                                                               \
	/* With places left for the viewer: held places count only for their sector (session_places_for). */ \
	" AND (?7 = 0 OR s.capacity - s.booked > (CASE WHEN s.reserved_places > 0"                               \
	"  AND (s.reserved_until IS NULL OR s.reserved_until > ?13) AND s.reserved_sector IS DISTINCT FROM ?14"   \
	"  THEN max(0, s.reserved_places - s.reserved_booked) ELSE 0 END))"                                      \
	" AND (?8 <> 1 OR s.school_urn IS NULL) AND (?8 <> 2 OR s.school_urn IS NOT NULL)"                       \
	" AND (s.school_urn IS NULL OR ?9 = 1 OR s.school_urn = ?10)"
#define SEARCH_WHERE                                                                                               \
	/* Not yet ended, so started after now less the longest session (session_span, migration 007):          \
	 * an index range on starts_at rather than a walk past every session that has ended. */                 \
	" WHERE s.ends_at > ?1 AND s.starts_at >= max(?2, ?1 - (SELECT longest FROM session_span))"             \
	SEARCH_FILTERS " ORDER BY s.starts_at, s.id LIMIT ?11 OFFSET ?12"
/* Past sessions (when=past): ended by ?1 (now), newest first; started before now too, which gives
 * the index range on starts_at. */
#define SEARCH_PAST_WHERE                                                                                          \
	" WHERE s.starts_at < ?1 AND s.ends_at <= ?1 AND s.starts_at >= ?2"                                      \
	SEARCH_FILTERS " ORDER BY s.starts_at DESC, s.id DESC LIMIT ?11 OFFSET ?12"
#define SEARCH_ROW_COLUMNS                                                                                         \
	"s.id, s.course_id, s.module_id, s.starts_at, s.ends_at, s.capacity, s.venue_name, s.venue_postcode, s.area,"  \
	" s.school_urn, coalesce(s.year_group, 0), s.status, s.booked, s.reserved_sector, s.reserved_places,"           \
	" coalesce(s.reserved_until, 0), s.reserved_booked"
/* The API's sessions, whole; the pages' rows need only what a table row shows (list_from_row). */
static const char SQL_SEARCH[] = "SELECT " SESSION_COLUMNS " FROM sessions s" SEARCH_WHERE;
static const char SQL_SEARCH_ROWS[] = "SELECT " SEARCH_ROW_COLUMNS " FROM sessions s" SEARCH_WHERE;
static const char SQL_SEARCH_PAST[] = "SELECT " SESSION_COLUMNS " FROM sessions s" SEARCH_PAST_WHERE;
static const char SQL_SEARCH_PAST_ROWS[] = "SELECT " SEARCH_ROW_COLUMNS " FROM sessions s" SEARCH_PAST_WHERE;

static void list_from_row(struct db_stmt *st, struct arena *a, struct session *s)
{
	memset(s, 0, sizeof *s);
	s->id = db_col_int64(st, 0);
	s->course_id = arena_strdup(a, db_col_text(st, 1));
	s->module_id = arena_strdup(a, db_col_text(st, 2));
	s->starts_at = db_col_int64(st, 3);
	s->ends_at = db_col_int64(st, 4);
	s->capacity = db_col_int(st, 5);
	s->venue_name = arena_strdup(a, db_col_text(st, 6));
	s->venue_postcode = arena_strdup(a, db_col_text(st, 7));
	s->area = arena_strdup(a, db_col_text(st, 8));
	s->school_urn = arena_strdup(a, db_col_text(st, 9));
	s->year_group = db_col_int(st, 10);
	s->status = arena_strdup(a, db_col_text(st, 11));
	s->booked = db_col_int(st, 12);
	s->reserved_sector = arena_strdup(a, db_col_text(st, 13));
	s->reserved_places = db_col_int(st, 14);
	s->reserved_until = db_col_int64(st, 15);
	s->reserved_booked = db_col_int(st, 16);
}

/* Reads the filters from the query string; a bad one is named in fe and left out. */
static void search_from(const struct req *r, struct search *q, enum search_kind kind, struct form_errors *fe)
{
	memset(q, 0, sizeof *q);
	q->after = q->now = now_utc();
	q->sector = sessions_viewer_sector(r->user);
	q->kind = kind;
	q->limit = PAGE_SIZE;
	const char *course = req_query(r, "course"), *area = req_query(r, "area"), *from = req_query(r, "from"),
		   *to = req_query(r, "to"), *seats = req_query(r, "seats"), *k = req_query(r, "kind"),
		   *page = req_query(r, "page"), *when = req_query(r, "when");
	long long n = 1;
	if (page && *page && !valid_int(page, 1, PAGE_MAX, &n))
		form_error(fe, "page", arena_printf(r->arena, "Choose a page from 1 to %d", PAGE_MAX));
	q->page = (int)n;
	if (when && *when) {
		if (strcmp(when, "past") == 0)
			q->past = true;
		else if (strcmp(when, "upcoming") != 0)
			form_error(fe, "when", "Choose upcoming or past sessions");
	}
	if (course && *course) {
		if (catalog_course(course))
			q->course = course;
		else
			form_error(fe, "course", "Choose a course from the list");
	}
	if (area && *area) {
		if (ref_area_exists(r->db, area, false))
			q->area = area;
		else
			form_error(fe, "area", "Choose an area from the list");
	}
	int y, m, d;
	if (from && *from) {
		/* An explicit start date may reach into the past, for looking back at delivered sessions. */
		if (valid_date(from, &y, &m, &d)) {
			q->from = local_midnight(y, m, d);
			q->after = 0;
		} else {
			form_error(fe, "from", "Enter the from date as YYYY-MM-DD, like 2026-03-05");
		}
	}
	if (to && *to) {
		/* The to date is inclusive: the range ends at the following local midnight. */
		if (valid_date(to, &y, &m, &d))
			q->to = local_midnight(y, m, d + 1);
		else
			form_error(fe, "to", "Enter the to date as YYYY-MM-DD, like 2026-03-31");
	}
	if (q->from && q->to && q->to <= q->from)
		form_error(fe, "to", "The to date must be the same as or after the from date");
	q->seats = seats && (strcmp(seats, "1") == 0 || strcmp(seats, "true") == 0 || strcmp(seats, "yes") == 0);
	if (k && *k) {
		if (strcmp(k, "all") == 0)
			q->kind = KIND_ALL;
		else if (strcmp(k, "practitioner") == 0)
			q->kind = KIND_PRACTITIONER;
		else if (strcmp(k, "pupil") == 0)
			q->kind = KIND_PUPIL;
		else
			form_error(fe, "kind", "Choose practitioner, pupil or all sessions");
	}
}

/* Matching sessions in start order, in one query and without their trainers: up to q->limit + 1
 * (in the arena), so the caller can tell the list goes on. whole: every field (the API), else what a
 * table row shows. */
static int search_run(const struct req *r, const struct search *q, bool whole, struct session **out)
{
	const struct user *u = r->user;
	struct session *list = arena_alloc(r->arena, (size_t)(q->limit + 1) * sizeof *list);
	const char *sql = q->past ? (whole ? SQL_SEARCH_PAST : SQL_SEARCH_PAST_ROWS) : whole ? SQL_SEARCH : SQL_SEARCH_ROWS;
	struct db_stmt *st = db_query(r->db, sql, "IIIssiiiisiiIs", q->past ? q->now : q->after, q->from, q->to,
				      q->course, q->area, q->with_cancelled ? 1 : 0, q->seats ? 1 : 0, (int)q->kind,
				      is_staff(u) ? 1 : 0, u->role == ROLE_SCHOOL ? u->school_urn : NULL, q->limit + 1,
				      (q->page > 1 ? q->page - 1 : 0) * q->limit, q->now, q->sector);
	int n = 0;
	while (n < q->limit + 1 && db_next(st)) {
		if (whole)
			sessions_from_row(st, r->arena, &list[n++]);
		else
			list_from_row(st, r->arena, &list[n++]);
	}
	db_done(st);
	*out = list;
	return n;
}

/* Places for a list: how many are left for the viewer's sector, or that it is full and has a waiting list. */
static void places_cell(struct resp *o, const struct session *s, const char *status, const char *sector, int64_t now)
{
	if (strcmp(status, "scheduled") != 0) {
		status_tag(o, status);
		return;
	}
	if (s->school_urn) {
		htmlf(o, "School session, Year %d", s->year_group);
		return;
	}
	int left = session_places_for(s, sector, now);
	if (left > 0)
		htmlf(o, "%d %h left", left, left == 1 ? "place" : "places");
	else
		html_tag(o, "Full – join the waiting list", "orange");
}

/* The results table shared by the list page and course pages. */
static void sessions_table(const struct req *r, struct resp *o, const struct session *list, int n, bool show_course,
			   const char *sector)
{
	static const char *const with_course[] = {"Date", "Course", "Venue", "Area", "Places"};
	static const char *const without_course[] = {"Date", "Venue", "Area", "Places"};
	if (show_course)
		html_table_begin(o, NULL, with_course, ARRAY_LEN(with_course));
	else
		html_table_begin(o, NULL, without_course, ARRAY_LEN(without_course));
	int64_t now = now_utc();
	for (int i = 0; i < n; i++) {
		const struct session *s = &list[i];
		htmlf(o, "<tr class=\"govuk-table__row\"><td class=\"govuk-table__cell\"><a class=\"govuk-link\" "
			 "href=\"/sessions/%D\">%h</a></td>",
		      s->id, human_time(r->arena, s->starts_at));
		if (show_course)
			htmlf(o, "<td class=\"govuk-table__cell\">%h</td>", session_course_title(r->arena, s));
		htmlf(o, "<td class=\"govuk-table__cell\">%h<br><span class=\"govuk-hint\">%h</span></td>"
			 "<td class=\"govuk-table__cell\">%h</td><td class=\"govuk-table__cell\">",
		      s->venue_name, s->venue_postcode, ref_area_name(r->db, s->area));
		places_cell(o, s, session_status(s, now), sector, now);
		html_lit(o, "</td></tr>");
	}
	html_table_end(o);
}

/* ---- course pages ---- */

static const char *const audience_order[] = {"practitioners", "employers", "parents", "pupils"};

int courses_list_page(const struct req *r, struct resp *o)
{
	static const char *const cols[] = {"Course", "Length", "What it works towards"};
	struct page p = {.title = "Courses", .nav = "/courses", .wide = true};
	page_begin(r, o, &p);
	html_lit(o, "<h1 class=\"govuk-heading-l\">Courses</h1><p class=\"govuk-body-l\">Face-to-face training and "
		    "education on domestic abuse, delivered across Southend, Essex and Thurrock.</p>"
		    "<p class=\"govuk-body\"><a class=\"govuk-link\" href=\"/sessions\">Find a session to book</a></p>");
	const struct catalog *cat = catalog_get();
	for (size_t a = 0; a < ARRAY_LEN(audience_order); a++) {
		bool any = false;
		for (int i = 0; i < cat->ncourses; i++) {
			const struct course *c = &cat->courses[i];
			if (strcmp(c->audience, audience_order[a]) != 0)
				continue;
			if (!any) {
				htmlf(o, "<h2 class=\"govuk-heading-m\">%h</h2>", audience_label(c->audience));
				html_table_begin(o, NULL, cols, ARRAY_LEN(cols));
			}
			any = true;
			htmlf(o, "<tr class=\"govuk-table__row\"><td class=\"govuk-table__cell\"><a class=\"govuk-link\" "
				 "href=\"/courses/%u\">%h</a></td><td class=\"govuk-table__cell\">%h</td>"
				 "<td class=\"govuk-table__cell\">%h</td></tr>",
			      c->id, c->title, duration_human(r->arena, c->duration_minutes), outcome_label(c->outcome));
		}
		if (any)
			html_table_end(o);
	}
	page_end(r, o, &p);
	return 200;
}

static void bullet_list(struct resp *o, const char **items, int n)
{
	html_lit(o, "<ul class=\"govuk-list govuk-list--bullet\">");
	for (int i = 0; i < n; i++)
		htmlf(o, "<li>%h</li>", items[i]);
	html_lit(o, "</ul>");
}

static void course_modules(const struct req *r, struct resp *o, const struct course *c)
{
	static const char *const cols[] = {"Module", "Kind", "Year groups"};
	html_lit(o, "<h2 class=\"govuk-heading-m\">Modules</h2>");
	html_table_begin(o, NULL, cols, ARRAY_LEN(cols));
	for (int i = 0; i < c->nmodules; i++) {
		const struct module *m = &c->modules[i];
		htmlf(o, "<tr class=\"govuk-table__row\"><td class=\"govuk-table__cell\"><strong>%h</strong>"
			 "<p class=\"govuk-body-s govuk-!-margin-top-1 govuk-!-margin-bottom-0\">%h</p></td>"
			 "<td class=\"govuk-table__cell\">%h</td><td class=\"govuk-table__cell\">%h</td></tr>",
		      m->title, m->description ? m->description : "", kind_label(m->kind), years_text(r->arena, m));
	}
	html_table_end(o);
}

static void course_sessions(const struct req *r, struct resp *o, const struct course *c)
{
	html_lit(o, "<h2 class=\"govuk-heading-m\" id=\"sessions\">Upcoming sessions</h2>");
	int64_t now = now_utc();
	struct search q = {.after = now, .now = now, .course = c->id, .kind = KIND_ALL, .limit = PAGE_SIZE,
			   .sector = sessions_viewer_sector(r->user)};
	struct session *list;
	int n = search_run(r, &q, false, &list);
	if (n == 0)
		html_lit(o, "<p class=\"govuk-body\">There are no sessions of this course scheduled at the moment.</p>");
	else
		sessions_table(r, o, list, n > PAGE_SIZE ? PAGE_SIZE : n, false, q.sector);
	if (n > PAGE_SIZE)
		htmlf(o, "<p class=\"govuk-body\">Showing the first %d. <a class=\"govuk-link\" href=\"/sessions?course=%u\">"
			 "See all sessions of this course</a>.</p>",
		      PAGE_SIZE, c->id);
	if (is_staff(r->user))
		htmlf(o, "<a href=\"/sessions/new?course=%u\" role=\"button\" draggable=\"false\" "
			 "class=\"govuk-button govuk-button--secondary\" data-module=\"govuk-button\">Add a session of this "
			 "course</a>",
		      c->id);
}

int course_page(const struct req *r, struct resp *o)
{
	const struct course *c = catalog_course(req_param(r, 0));
	if (c == NULL)
		return page_error(r, o, 404, "Page not found", "There is no such course.");
	struct page p = {.title = c->title, .nav = "/courses", .back = "/courses", .wide = true};
	page_begin(r, o, &p);
	htmlf(o, "<div class=\"govuk-grid-row\"><div class=\"govuk-grid-column-two-thirds\">"
		 "<span class=\"govuk-caption-l\">%h</span><h1 class=\"govuk-heading-l\">%h</h1>"
		 "<p class=\"govuk-body-l\">%h</p>",
	      audience_label(c->audience), c->title, c->description);
	if (c->lived_experience)
		html_lit(o, "<div class=\"govuk-inset-text\">Co-delivered by people with lived experience of domestic "
			    "abuse.</div>");
	html_lit(o, "<dl class=\"govuk-summary-list\">");
	html_summary_row(o, "Who it is for", audience_label(c->audience));
	html_summary_row(o, "Length", duration_human(r->arena, c->duration_minutes));
	html_summary_row(o, "Works towards", outcome_label(c->outcome));
	html_summary_row(o, "Usual group size", arena_printf(r->arena, "%d", c->default_capacity));
	if (c->refresher_months)
		html_summary_row(o, "Refresher",
				 arena_printf(r->arena, "Take it again every %d months", c->refresher_months));
	html_lit(o, "</dl>");
	if (c->nlearning) {
		html_lit(o, "<h2 class=\"govuk-heading-m\">What people learn</h2>");
		bullet_list(o, c->learning_outcomes, c->nlearning);
	}
	if (c->ntopics) {
		html_lit(o, "<h2 class=\"govuk-heading-m\">Topics</h2>");
		bullet_list(o, c->topics, c->ntopics);
	}
	html_lit(o, "</div></div>");
	if (c->nmodules)
		course_modules(r, o, c);
	course_sessions(r, o, c);
	page_end(r, o, &p);
	return 200;
}

static json_t *string_array(const char **items, int n)
{
	json_t *a = json_array();
	for (int i = 0; i < n; i++)
		json_array_append_new(a, json_string(items[i]));
	return a;
}

static json_t *course_json(const struct course *c)
{
	json_t *modules = json_array();
	for (int i = 0; i < c->nmodules; i++) {
		const struct module *m = &c->modules[i];
		json_t *years = json_array();
		for (int y = 0; y < m->nyears; y++)
			json_array_append_new(years, json_integer(m->year_groups[y]));
		json_array_append_new(modules, json_pack("{s:s, s:s, s:s, s:o}", "id", m->id, "kind", m->kind, "title",
							 m->title, "year_groups", years));
	}
	json_t *j = json_pack("{s:s, s:s, s:s, s:i, s:i, s:o, s:s, s:i, s:b, s:o, s:o}", "id", c->id, "title", c->title,
			      "audience", c->audience, "outcome", c->outcome, "duration_minutes", c->duration_minutes,
			      "modules", modules, "description", c->description, "default_capacity", c->default_capacity,
			      "lived_experience", c->lived_experience ? 1 : 0, "learning_outcomes",
			      string_array(c->learning_outcomes, c->nlearning), "topics", string_array(c->topics, c->ntopics));
	json_object_set_new(j, "refresher_months", c->refresher_months ? json_integer(c->refresher_months) : json_null());
	return j;
}

int courses_api_list(const struct req *r, struct resp *o)
{
	(void)r;
	json_t *list = json_array();
	const struct catalog *cat = catalog_get();
	for (int i = 0; i < cat->ncourses; i++)
		json_array_append_new(list, course_json(&cat->courses[i]));
	return resp_json(o, 200, list);
}

/* ---- the session list ---- */

static void search_form(const struct req *r, struct resp *o, const struct form_errors *fe)
{
	const struct user *u = r->user;
	html_lit(o, "<form method=\"get\" action=\"/sessions\" novalidate class=\"lantern-filter\">"
		    "<h2 class=\"govuk-heading-m\">Filter</h2>");
	const struct option *opts;
	/* Pupil programmes only for those who can see pupil sessions. */
	size_t n = course_options(r->arena, "Any course", is_staff(u) || u->role == ROLE_SCHOOL, &opts);
	html_select(o, fe, &(struct field){.name = "course", .label = "Course", .value = req_query(r, "course")}, opts, n);
	n = ref_area_options(r->db, r->arena, false, &opts);
	html_select(o, fe,
		    &(struct field){.name = "area", .label = "Area", .value = req_query(r, "area"),
				    .hint = "An area includes the districts in it"},
		    relabel_first(r->arena, opts, n, "Any area"), n);
	html_input(o, fe, &(struct field){.name = "from", .label = "From", .type = "date", .value = req_query(r, "from"),
					  .hint = "For example, 2026-03-05", .width = "govuk-input--width-10"});
	html_input(o, fe, &(struct field){.name = "to", .label = "To", .type = "date", .value = req_query(r, "to"),
					  .width = "govuk-input--width-10"});
	if (is_staff(u) || u->role == ROLE_SCHOOL) {
		static const struct option kinds[] = {
			{"practitioner", "Practitioner training"}, {"pupil", "Pupil sessions"}, {"all", "All sessions"}};
		html_select(o, fe, &(struct field){.name = "kind", .label = "Kind of session", .value = req_query(r, "kind")},
			    kinds, ARRAY_LEN(kinds));
	}
	const char *seats = req_query(r, "seats");
	htmlf(o, "<div class=\"govuk-form-group\"><div class=\"govuk-checkboxes govuk-checkboxes--small\" "
		 "data-module=\"govuk-checkboxes\"><div class=\"govuk-checkboxes__item\">"
		 "<input class=\"govuk-checkboxes__input\" id=\"seats\" name=\"seats\" type=\"checkbox\" value=\"1\"%h>"
		 "<label class=\"govuk-label govuk-checkboxes__label\" for=\"seats\">Only sessions with places left</label>"
		 "</div></div></div>",
	      seats && strcmp(seats, "1") == 0 ? " checked" : "");
	const char *when = req_query(r, "when");
	if (when && strcmp(when, "past") == 0)
		html_lit(o, "<input type=\"hidden\" name=\"when\" value=\"past\">");
	html_button_secondary(o, "Apply filters");
	html_lit(o, "<p class=\"govuk-body\"><a class=\"govuk-link\" href=\"/sessions\">Clear filters</a></p></form>");
}

/* The list's address with the same filters on another page. */
static const char *page_href(const struct req *r, int page)
{
	struct buf b = {0};
	buf_puts(&b, "/sessions?");
	for (size_t i = 0; i < r->query.n; i++) {
		if (strcmp(r->query.items[i].key, "page") == 0)
			continue;
		url_encode_into(&b, r->query.items[i].key);
		buf_putc(&b, '=');
		url_encode_into(&b, r->query.items[i].value);
		buf_putc(&b, '&');
	}
	buf_printf(&b, "page=%d", page);
	const char *href = arena_strdup(r->arena, b.data);
	buf_free(&b);
	return href;
}

static void when_link(struct resp *o, const char *href, const char *label, bool current)
{
	htmlf(o, "<li class=\"lantern-when-switch__item\"><a class=\"govuk-link lantern-when-switch__link\" href=\"%h\"", href);
	if (current)
		html_lit(o, " aria-current=\"page\"");
	htmlf(o, ">%h</a></li>", label);
}

/* Coming up or past: two links that keep the filters that apply to both (not the dates or the
 * page), the current one marked, so past sessions are a tap away without knowing to set a from date. */
static void when_switch(const struct req *r, struct resp *o, bool past)
{
	static const char *const keep[] = {"course", "area", "kind"};
	struct buf b = {0};
	for (size_t i = 0; i < r->query.n; i++)
		for (size_t k = 0; k < ARRAY_LEN(keep); k++)
			if (strcmp(r->query.items[i].key, keep[k]) == 0 && *r->query.items[i].value) {
				buf_putc(&b, '&');
				url_encode_into(&b, keep[k]);
				buf_putc(&b, '=');
				url_encode_into(&b, r->query.items[i].value);
			}
	const char *filters = arena_strdup(r->arena, b.len ? b.data + 1 : "");
	buf_free(&b);
	html_lit(o, "<nav class=\"lantern-when-switch\" aria-label=\"Which sessions\"><ul class=\"lantern-when-switch__list\">");
	when_link(o, arena_printf(r->arena, "/sessions%s%s", *filters ? "?" : "", filters), "Coming up", !past);
	when_link(o, arena_printf(r->arena, "/sessions?when=past%s%s", *filters ? "&" : "", filters), "Past sessions", past);
	html_lit(o, "</ul></nav>");
}

/* Previous and next links, as the GOV.UK pagination component draws them. */
static void pagination(const struct req *r, struct resp *o, int page, bool more)
{
	html_lit(o, "<nav class=\"govuk-pagination govuk-pagination--block\" aria-label=\"Pages of sessions\">");
	if (page > 1)
		htmlf(o, "<div class=\"govuk-pagination__prev\"><a class=\"govuk-link govuk-pagination__link\" href=\"%h\" "
			 "rel=\"prev\"><span class=\"govuk-pagination__link-title\">Previous<span class=\"govuk-visually-hidden\">"
			 " page</span></span><span class=\"govuk-visually-hidden\">:</span> <span "
			 "class=\"govuk-pagination__link-label\">Page %d</span></a></div>",
		      page_href(r, page - 1), page - 1);
	if (more)
		htmlf(o, "<div class=\"govuk-pagination__next\"><a class=\"govuk-link govuk-pagination__link\" href=\"%h\" "
			 "rel=\"next\"><span class=\"govuk-pagination__link-title\">Next<span class=\"govuk-visually-hidden\">"
			 " page</span></span><span class=\"govuk-visually-hidden\">:</span> <span "
			 "class=\"govuk-pagination__link-label\">Page %d</span></a></div>",
		      page_href(r, page + 1), page + 1);
	html_lit(o, "</nav>");
}

int sessions_list_page(const struct req *r, struct resp *o)
{
	struct form_errors fe = {0};
	struct search q;
	search_from(r, &q, KIND_PRACTITIONER, &fe);
	struct page p = {.title = "Sessions", .nav = "/sessions", .wide = true, .errors = &fe};
	page_begin(r, o, &p);
	html_lit(o, "<h1 class=\"govuk-heading-l\">Face-to-face sessions</h1>");
	if (is_staff(r->user))
		html_lit(o, "<a href=\"/sessions/new\" role=\"button\" draggable=\"false\" class=\"govuk-button\" "
			    "data-module=\"govuk-button\">Add a session</a>");
	html_lit(o, "<div class=\"govuk-grid-row\"><div class=\"govuk-grid-column-one-third\">");
	search_form(r, o, &fe);
	html_lit(o, "</div><div class=\"govuk-grid-column-two-thirds\">");
	when_switch(r, o, q.past);
	struct session *list;
	int n = search_run(r, &q, false, &list), page = q.page, first = (page - 1) * PAGE_SIZE;
	if (n == 0 && page == 1) {
		html_lit(o, "<h2 class=\"govuk-heading-m\">No sessions found</h2><p class=\"govuk-body\">No sessions match "
			    "these filters. Try a wider area or date range.</p>");
	} else if (n <= PAGE_SIZE && page == 1) {
		htmlf(o, "<h2 class=\"govuk-heading-m\">%d %hsession%h</h2>", n, q.past ? "past " : "", n == 1 ? "" : "s");
		sessions_table(r, o, list, n, true, q.sector);
	} else {
		int shown = n > PAGE_SIZE ? PAGE_SIZE : n;
		if (shown)
			htmlf(o, "<h2 class=\"govuk-heading-m\">Sessions %d to %d</h2>", first + 1, first + shown);
		else
			html_lit(o, "<h2 class=\"govuk-heading-m\">No more sessions</h2>");
		if (shown)
			sessions_table(r, o, list, shown, true, q.sector);
		pagination(r, o, page, n > PAGE_SIZE && page < PAGE_MAX);
	}
	html_lit(o, "</div></div>");
	page_end(r, o, &p);
	return fe.n ? 400 : 200;
}

/* ---- the session page ---- */

static void done_banner(const struct req *r, struct resp *o)
{
	static const struct {
		const char *done, *heading, *text;
	} notices[] = {
		{"booked", "The place is booked", "A confirmation with a calendar invitation has been sent by email."},
		{"overlap", "The place is booked", "A confirmation with a calendar invitation has been sent by email."},
		{"waitlisted", "Added to the waiting list",
		 "Places that come free are offered in the order people joined the list, and an email is sent."},
		{"cancelled", "The booking has been cancelled", "A confirmation has been sent by email."},
		{"created", "The session has been created", NULL},
		{"updated", "The session has been saved", NULL},
		{"session-cancelled", "The session has been cancelled",
		 "Everyone who was booked or waiting has been told by email."},
	};
	const char *done = req_query(r, "done"), *overlap = req_query(r, "overlap");
	for (size_t i = 0; done && i < ARRAY_LEN(notices); i++)
		if (strcmp(done, notices[i].done) == 0)
			html_notice(o, notices[i].heading, notices[i].text);
	if ((done && strcmp(done, "overlap") == 0) || (overlap && strcmp(overlap, "1") == 0))
		html_warning(o, r->user->role == ROLE_PRACTITIONER
					? "This session overlaps another session you are booked on. Check you can attend "
					  "both, or cancel one of them."
					: "This session overlaps another session the practitioner is booked on. Check they "
					  "can attend both.");
}

static void trainers_row(struct resp *o, const struct session *s)
{
	html_summary_row_open(o, s->ntrainers == 1 ? "Trainer" : "Trainers");
	for (int i = 0; i < s->ntrainers; i++)
		htmlf(o, "%h%h", i ? ", " : "", s->trainer_names[i]);
	html_summary_row_close(o);
}

/* sector: the viewer's, for the places left to them. */
static void details(const struct req *r, struct resp *o, const struct session *s, const char *status, const char *sector,
		    int64_t now)
{
	struct arena *a = r->arena;
	html_lit(o, "<dl class=\"govuk-summary-list\">");
	const struct course *c = catalog_course(s->course_id);
	html_summary_row_open(o, "Course");
	htmlf(o, "<a class=\"govuk-link\" href=\"/courses/%u\">%h</a>", s->course_id, c ? c->title : s->course_id);
	html_summary_row_close(o);
	const struct module *m = catalog_module(c, s->module_id);
	if (m)
		html_summary_row(o, "Module", arena_printf(a, "%s (%s)", m->title, kind_label(m->kind)));
	html_summary_row(o, "When", session_when_text(a, s->starts_at, s->ends_at));
	html_summary_row_open(o, "Status");
	status_tag(o, status);
	html_summary_row_close(o);
	html_summary_row_open(o, "Venue");
	htmlf(o, "<strong>%h</strong>", s->venue_name);
	if (s->venue_room)
		htmlf(o, "<br>%h", s->venue_room);
	html_lit(o, "<br>");
	lines(o, s->venue_address);
	htmlf(o, "<br>%h", s->venue_postcode);
	html_summary_row_close(o);
	if (s->venue_access) {
		html_summary_row_open(o, "Access");
		lines(o, s->venue_access);
		html_summary_row_close(o);
	}
	html_summary_row(o, "Area", ref_area_name(r->db, s->area));
	trainers_row(o, s);
	if (s->school_urn) {
		const char *school = name_of(r->db, a, SQL_SCHOOL_NAME, s->school_urn);
		html_summary_row(o, "School", arena_printf(a, "%s (URN %s)", school, s->school_urn));
		html_summary_row(o, "Year group", arena_printf(a, "Year %d", s->year_group));
		if (s->pupils_expected >= 0)
			html_summary_row(o, "Pupils expected", arena_printf(a, "%d", s->pupils_expected));
	} else {
		html_summary_row(o, "Places", arena_printf(a, "%d", s->capacity));
		html_summary_row(o, "Places left", arena_printf(a, "%d", session_places_for(s, sector, now)));
		html_summary_row(o, "Waiting list",
				 s->waitlisted == 1 ? "1 person" : arena_printf(a, "%d people", s->waitlisted));
		if (session_reserve_active(s, now)) {
			const char *name = name_of(r->db, a, SQL_SECTOR_NAME, s->reserved_sector);
			const char *held = s->reserved_until ? arena_printf(a, "%d for %s until %s", s->reserved_places, name,
									    human_time(a, s->reserved_until))
							     : arena_printf(a, "%d for %s", s->reserved_places, name);
			html_summary_row(o, "Reserved places",
					 arena_printf(a, "%s: %d not yet taken", held, session_places_held(s, now)));
		}
		if (s->booking_opens_at)
			html_summary_row(o, "Booking opens", human_time(a, s->booking_opens_at));
		if (s->booking_closes_at)
			html_summary_row(o, "Booking closes", human_time(a, s->booking_closes_at));
		if (s->cancel_cutoff_at)
			html_summary_row(o, "Cancel by", human_time(a, s->cancel_cutoff_at));
	}
	html_lit(o, "</dl>");
}

static const char SQL_MY_BOOKING[] = "SELECT id, status FROM bookings WHERE session_id = ? AND user_id = ?"
				     " AND status <> 'cancelled' ORDER BY id DESC LIMIT 1";

/* Whether a person may still book: the same window booking.c enforces, said before they try. */
static const char *booking_closed_reason(struct arena *a, const struct session *s, const char *status, int64_t now)
{
	if (strcmp(status, "scheduled") != 0 || s->starts_at <= now)
		return "This session can no longer be booked.";
	if (s->booking_opens_at && now < s->booking_opens_at)
		return arena_printf(a, "Booking opens on %s.", human_time(a, s->booking_opens_at));
	if (s->booking_closes_at && now >= s->booking_closes_at)
		return arena_printf(a, "Booking closed on %s.", human_time(a, s->booking_closes_at));
	return NULL;
}

/* A practitioner's own place: book, join the waiting list, or cancel. sector: theirs. */
static void my_place(const struct req *r, struct resp *o, const struct session *s, const char *status, const char *sector,
		     int64_t now)
{
	struct arena *a = r->arena;
	html_lit(o, "<h2 class=\"govuk-heading-m\" id=\"book\">Your place</h2>");
	struct db_stmt *st = db_query(r->db, SQL_MY_BOOKING, "II", s->id, r->user->id);
	int64_t booking = 0;
	const char *bstatus = NULL;
	if (db_next(st)) {
		booking = db_col_int64(st, 0);
		bstatus = arena_strdup(a, db_col_text(st, 1));
	}
	db_done(st);
	/* The confirmation page (GET) of the cancel action (POST), at one address. */
	const char *cancel_page = arena_printf(a, "/bookings/%lld/cancel", (long long)booking);
	if (bstatus && strcmp(bstatus, "booked") == 0) {
		html_lit(o, "<p class=\"govuk-body\">You are booked on this session.</p>");
		if (strcmp(status, "scheduled") != 0 || s->starts_at <= now)
			return;
		if (s->cancel_cutoff_at && now >= s->cancel_cutoff_at)
			html_lit(o, "<p class=\"govuk-body\">The cancellation cut-off has passed. To cancel, contact the "
				    "programme team.</p>");
		else
			html_link_button(o, cancel_page, "Cancel your booking", true);
		return;
	}
	if (bstatus && strcmp(bstatus, "waitlisted") == 0) {
		htmlf(o, "<p class=\"govuk-body\">You are number %d on the waiting list. If a place comes free you will "
			 "be booked automatically and told by email.</p>",
		      booking_position(r->db, booking));
		if (strcmp(status, "scheduled") == 0 && s->starts_at > now)
			html_link_button(o, cancel_page, "Leave the waiting list", true);
		return;
	}
	if (bstatus) {
		html_lit(o, "<p class=\"govuk-body\">Your attendance: ");
		booking_tag(o, bstatus);
		html_lit(o, "</p>");
		/* Both come once the session has ended, not at the door. */
		if (attendance_present(bstatus) && now >= s->ends_at)
			htmlf(o, "<p class=\"govuk-body\"><a class=\"govuk-link\" href=\"/certificates/%D\">Your certificate</a> · "
				 "<a class=\"govuk-link\" href=\"/evaluations/%D\">Tell us how it went</a></p>",
			      booking, booking);
		else if (attendance_present(bstatus))
			html_lit(o, "<p class=\"govuk-body\">When the session has ended we will e-mail you your certificate "
				    "and ask how it went.</p>");
		return;
	}
	const char *closed = booking_closed_reason(a, s, status, now);
	if (closed) {
		htmlf(o, "<p class=\"govuk-body\">%h</p>", closed);
		return;
	}
	bool full = session_places_for(s, sector, now) == 0;
	if (full)
		html_lit(o, "<p class=\"govuk-body\">This session is full. Join the waiting list and you will be booked "
			    "automatically, in the order people joined, if a place comes free.</p>");
	html_form_begin(r, o, arena_printf(a, "/sessions/%lld/book", (long long)s->id));
	html_button(o, full ? "Join the waiting list" : "Book a place");
	html_form_end(o);
}

/* Admins book a named practitioner, e.g. someone who phoned the programme team. */
static void book_on_behalf(const struct req *r, struct resp *o, const struct session *s, const struct form_errors *fe)
{
	html_lit(o, "<h2 class=\"govuk-heading-m\">Book on behalf of a practitioner</h2>");
	html_form_begin(r, o, arena_printf(r->arena, "/sessions/%lld/book", (long long)s->id));
	html_input(o, fe,
		   &(struct field){.name = "email", .label = "Practitioner's email address", .type = "email",
				   .value = fe && fe->n ? req_form(r, "email") : NULL,
				   .hint = "They get the confirmation email, as if they had booked themselves"});
	html_button_secondary(o, "Book this practitioner");
	html_form_end(o);
}

static const char SQL_BOOKINGS[] = "SELECT b.id, u.name, u.email, coalesce(o.name, ''), b.status FROM bookings b"
				   " JOIN users u ON u.id = b.user_id LEFT JOIN organisations o ON o.id = u.org_id"
				   " WHERE b.session_id = ?1 AND (?2 = 1 OR b.status <> 'cancelled')"
				   " ORDER BY b.status = 'cancelled', b.status = 'waitlisted', b.id";

/* Who is booked: only for the session's trainers and admins (the route or caller checks). The
 * waiting list is in id order, so a running count gives each person's position. */
static void bookings_table(const struct req *r, struct resp *o, const struct session *s)
{
	static const char *const cols[] = {"Name", "Organisation", "Status", "Waiting list"};
	html_lit(o, "<h2 class=\"govuk-heading-m\">Who is booked</h2><p class=\"govuk-body\">Only this session's "
		    "trainers and the programme team can see this list. Some people attending may be affected by "
		    "abuse themselves: keep it to yourself.</p>");
	struct db_stmt *st = db_query(r->db, SQL_BOOKINGS, "Ii", s->id, 0);
	int n = 0, position = 0;
	while (db_next(st)) {
		if (n++ == 0)
			html_table_begin(o, NULL, cols, ARRAY_LEN(cols));
		const char *status = db_col_text(st, 4);
		htmlf(o, "<tr class=\"govuk-table__row\"><td class=\"govuk-table__cell\">%h</td>"
			 "<td class=\"govuk-table__cell\">%h</td><td class=\"govuk-table__cell\">",
		      db_col_text(st, 1), db_col_text(st, 3));
		booking_tag(o, status);
		html_lit(o, "</td><td class=\"govuk-table__cell\">");
		if (strcmp(status, "waitlisted") == 0)
			htmlf(o, "%d", ++position);
		html_lit(o, "</td></tr>");
	}
	db_done(st);
	if (n)
		html_table_end(o);
	else
		html_lit(o, "<p class=\"govuk-body\">Nobody is booked yet.</p>");
}

static void manage(const struct req *r, struct resp *o, const struct session *s, const char *status)
{
	bool admin = r->user->role == ROLE_ADMIN;
	if (strcmp(s->status, "cancelled") == 0)
		return;
	html_lit(o, "<h2 class=\"govuk-heading-m\">Manage this session</h2><div class=\"govuk-button-group\">");
	htmlf(o, "<a href=\"/sessions/%D/edit\" role=\"button\" draggable=\"false\" class=\"govuk-button "
		 "govuk-button--secondary\" data-module=\"govuk-button\">Change this session</a></div>",
	      s->id);
	if (admin && strcmp(status, "scheduled") == 0) {
		html_lit(o, "<p class=\"govuk-body\">Cancelling tells everyone booked or waiting by email and cancels "
			    "their bookings. It cannot be undone.</p>");
		html_link_button(o, arena_printf(r->arena, "/sessions/%lld/cancel", (long long)s->id), "Cancel this session",
				 true);
	}
}

int session_page_render(const struct req *r, struct resp *o, int64_t id, const struct form_errors *fe, int status)
{
	struct session s;
	if (!sessions_load(r->db, r->arena, id, &s) || !session_visible(&s, r->user))
		return page_error(r, o, 404, "Page not found", "There is no such session.");
	int64_t now = now_utc();
	const char *state = session_status(&s, now);
	const char *title = session_course_title(r->arena, &s);
	char date[40];
	date_human(s.starts_at, date, sizeof date);
	struct page p = {.title = title, .nav = "/sessions", .errors = fe, .back = "/sessions"};
	page_begin(r, o, &p);
	done_banner(r, o);
	htmlf(o, "<span class=\"govuk-caption-l\">%h</span><h1 class=\"govuk-heading-l\">%h</h1>", date, title);
	if (strcmp(state, "cancelled") == 0)
		html_warning(o, "This session has been cancelled.");
	const char *sector = sessions_viewer_sector(r->user);
	details(r, o, &s, state, sector, now);
	const struct user *u = r->user;
	if (u->role == ROLE_PRACTITIONER && s.school_urn == NULL)
		my_place(r, o, &s, state, sector, now);
	if (u->role == ROLE_ADMIN && s.school_urn == NULL && strcmp(s.status, "cancelled") != 0)
		book_on_behalf(r, o, &s, fe);
	if (session_manageable(&s, u)) {
		if (strcmp(s.status, "cancelled") != 0)
			htmlf(o, "<p class=\"govuk-body\"><a class=\"govuk-button\" role=\"button\" draggable=\"false\" "
				 "data-module=\"govuk-button\" href=\"/sessions/%D/roster\">%h</a></p>",
			      s.id, s.school_urn ? "Record the head-count" : "Take attendance");
		if (s.school_urn == NULL)
			bookings_table(r, o, &s);
		manage(r, o, &s, state);
	}
	page_end(r, o, &p);
	return status;
}

int session_page(const struct req *r, struct resp *o)
{
	int64_t id;
	if (!valid_id(req_param(r, 0), &id))
		return page_error(r, o, 404, "Page not found", "There is no such session.");
	return session_page_render(r, o, id, NULL, 200);
}

/* ---- create and edit ---- */

static const char SQL_TRAINER_OPTIONS[] =
	"SELECT email, name FROM users WHERE active = 1 AND (role = 'trainer' OR (role = 'admin'"
	" AND instr(',' || lower(?1) || ',', ',' || lower(email) || ',') > 0)) ORDER BY name LIMIT 200";

/* Whether a comma-separated list of emails holds this one (emails compare without case). */
static bool in_list(const char *list, const char *item)
{
	size_t n = strlen(item);
	for (const char *p = list; p && *p;) {
		const char *end = strchr(p, ',');
		size_t len = end ? (size_t)(end - p) : strlen(p);
		if (len == n && strncasecmp(p, item, n) == 0)
			return true;
		p = end ? end + 1 : NULL;
	}
	return false;
}

/* Admins may also deliver; they are listed only when already chosen, so editing keeps them. */
void session_trainer_checkboxes(const struct req *r, struct resp *o, const struct form_errors *fe,
				const char *selected)
{
	const char *err = form_error_for(fe, "trainers");
	htmlf(o, "<div class=\"govuk-form-group%h\"><fieldset class=\"govuk-fieldset\" aria-describedby=\"trainers-hint%h\">"
		 "<legend class=\"govuk-fieldset__legend govuk-fieldset__legend--s\">Trainers</legend>"
		 "<div id=\"trainers-hint\" class=\"govuk-hint\">Select everyone who delivers this session.</div>",
	      err ? " govuk-form-group--error" : "", err ? " trainers-error" : "");
	if (err)
		htmlf(o, "<p id=\"trainers-error\" class=\"govuk-error-message\"><span class=\"govuk-visually-hidden\">"
			 "Error:</span> %h</p>",
		      err);
	html_lit(o, "<div class=\"govuk-checkboxes govuk-checkboxes--small\" data-module=\"govuk-checkboxes\">");
	struct db_stmt *st = db_query(r->db, SQL_TRAINER_OPTIONS, "s", selected ? selected : "");
	int i = 0;
	while (db_next(st)) {
		const char *email = db_col_text(st, 0);
		/* The first box carries the field's id so the error summary link lands on it. */
		const char *suffix = i ? arena_printf(r->arena, "-%d", i) : "";
		htmlf(o, "<div class=\"govuk-checkboxes__item\"><input class=\"govuk-checkboxes__input\" id=\"trainers%h\" "
			 "name=\"trainers\" type=\"checkbox\" value=\"%h\"%h><label class=\"govuk-label "
			 "govuk-checkboxes__label\" for=\"trainers%h\">%h</label></div>",
		      suffix, email, in_list(selected, email) ? " checked" : "", suffix, db_col_text(st, 1));
		i++;
	}
	db_done(st);
	if (i == 0)
		html_lit(o, "<p class=\"govuk-body\" id=\"trainers\">There are no active trainers yet. An admin can add "
			    "them under Users.</p>");
	html_lit(o, "</div></fieldset></div>");
}

size_t session_module_options(struct arena *a, const char *none_label, const struct option **out)
{
	const struct catalog *cat = catalog_get();
	size_t cap = 1;
	for (int i = 0; i < cat->ncourses; i++)
		cap += (size_t)cat->courses[i].nmodules;
	struct option *opts = arena_alloc(a, cap * sizeof *opts);
	size_t n = 0;
	opts[n++] = (struct option){"", none_label};
	for (int i = 0; i < cat->ncourses; i++)
		for (int k = 0; k < cat->courses[i].nmodules; k++) {
			const struct module *m = &cat->courses[i].modules[k];
			opts[n++] = (struct option){m->id, arena_printf(a, "%s: %s (%s)", cat->courses[i].title, m->title,
									 years_text(a, m))};
		}
	*out = opts;
	return n;
}

static void time_input(struct resp *o, const struct form_errors *fe, const char *name, const char *label,
		       const char *value, const char *hint)
{
	html_input(o, fe, &(struct field){.name = name, .label = label, .value = value, .type = "datetime-local",
					  .hint = hint, .width = "govuk-input--width-20"});
}

static void number_input(struct resp *o, const struct form_errors *fe, const char *name, const char *label,
			 const char *value, const char *hint)
{
	html_input(o, fe, &(struct field){.name = name, .label = label, .value = value, .hint = hint,
					  .width = "govuk-input--width-4", .inputmode = "numeric"});
}

static void session_fields(const struct req *r, struct resp *o, const struct session_input *v,
			   const struct form_errors *fe)
{
	struct arena *a = r->arena;
	const struct option *opts;
	size_t n = course_options(a, "Choose a course", true, &opts);
	html_select(o, fe, &(struct field){.name = "course", .label = "Course", .value = v->course}, opts, n);
	n = session_module_options(a, "None: the whole course", &opts);
	html_select(o, fe,
		    &(struct field){.name = "module", .label = "Module (optional)", .value = v->module,
				    .hint = "For a pupil session that delivers one module of the programme"},
		    opts, n);
	time_input(o, fe, "starts_at", "Starts", v->starts_at, "UK time, for example 2026-03-05 09:30");
	time_input(o, fe, "ends_at", "Ends", v->ends_at, NULL);
	number_input(o, fe, "capacity", "Places", v->capacity, "Leave blank to use the course's usual group size");

	venue_choice_fields(r, o, v, fe, true);
	html_input(o, fe, &(struct field){.name = "venue_room", .label = "Room (optional)", .value = v->venue_room});
	session_trainer_checkboxes(r, o, fe, v->trainers);

	html_lit(o, "<h2 class=\"govuk-heading-m\">Pupil sessions</h2><p class=\"govuk-body\">Only for a pupil "
		    "programme delivered in a school.</p>");
	html_input(o, fe, &(struct field){.name = "school", .label = "School URN", .value = v->school,
					  .width = "govuk-input--width-10", .inputmode = "numeric",
					  .hint = "The setting's 6-digit DfE URN"});
	static const struct option years[] = {{"", "Not a pupil session"}, {"7", "Year 7"},   {"8", "Year 8"},
					      {"9", "Year 9"},                {"10", "Year 10"}, {"11", "Year 11"},
					      {"12", "Year 12"},              {"13", "Year 13"}};
	html_select(o, fe, &(struct field){.name = "year_group", .label = "Year group", .value = v->year_group}, years,
		    ARRAY_LEN(years));
	number_input(o, fe, "pupils_expected", "Pupils expected", v->pupils_expected, NULL);

	html_lit(o, "<h2 class=\"govuk-heading-m\">Booking</h2><p class=\"govuk-body\">Leave these blank to take "
		    "bookings until the session starts.</p>");
	time_input(o, fe, "booking_opens_at", "Booking opens (optional)", v->booking_opens_at, NULL);
	time_input(o, fe, "booking_closes_at", "Booking closes (optional)", v->booking_closes_at, NULL);
	time_input(o, fe, "cancel_cutoff_at", "Cancellation cut-off (optional)", v->cancel_cutoff_at,
		   "After this, people contact the programme team to cancel");

	html_lit(o, "<h2 class=\"govuk-heading-m\">Reserved places</h2><p class=\"govuk-body\">Hold some places for "
		    "one sector until a date; after it they open to everyone.</p>");
	n = ref_sector_options(r->db, a, &opts);
	html_select(o, fe, &(struct field){.name = "reserved_sector", .label = "Sector", .value = v->reserved_sector},
		    relabel_first(a, opts, n, "No reserved places"), n);
	number_input(o, fe, "reserved_places", "Places reserved", v->reserved_places, NULL);
	time_input(o, fe, "reserved_until", "Reserved until", v->reserved_until, NULL);
}

static int render_form(const struct req *r, struct resp *o, int64_t id, const struct session_input *v,
		       const struct form_errors *fe, int status)
{
	struct arena *a = r->arena;
	struct page p = {.title = id ? "Change a session" : "Add a session", .nav = "/sessions", .errors = fe,
			 .back = id ? arena_printf(a, "/sessions/%lld", (long long)id) : "/sessions"};
	page_begin(r, o, &p);
	htmlf(o, "<h1 class=\"govuk-heading-l\">%h</h1>", p.title);
	html_form_begin(r, o, id ? arena_printf(a, "/sessions/%lld/edit", (long long)id) : "/sessions/new");
	session_fields(r, o, v, fe);
	html_button(o, id ? "Save changes" : "Add the session");
	html_form_end(o);
	page_end(r, o, &p);
	return status;
}

static void input_from_session(const struct req *r, const struct session *s, struct session_input *v)
{
	struct arena *a = r->arena;
	memset(v, 0, sizeof *v);
	v->course = s->course_id;
	v->module = s->module_id ? s->module_id : "";
	v->starts_at = session_local_input(a, s->starts_at);
	v->ends_at = session_local_input(a, s->ends_at);
	v->capacity = arena_printf(a, "%d", s->capacity);
	v->venue_name = s->venue_name;
	v->venue_address = s->venue_address;
	v->venue_postcode = s->venue_postcode;
	v->venue_room = s->venue_room;
	v->venue_access = s->venue_access;
	v->area = s->area;
	venue_choice_from_session(r, s, v);
	struct buf b = {0};
	for (int i = 0; i < s->ntrainers; i++)
		buf_printf(&b, "%s%s", i ? "," : "", s->trainer_emails[i]);
	v->trainers = arena_strdup(a, b.len ? b.data : "");
	buf_free(&b);
	v->school = s->school_urn;
	v->year_group = s->year_group ? arena_printf(a, "%d", s->year_group) : "";
	v->pupils_expected = s->pupils_expected >= 0 ? arena_printf(a, "%d", s->pupils_expected) : "";
	v->booking_opens_at = session_local_input(a, s->booking_opens_at);
	v->booking_closes_at = session_local_input(a, s->booking_closes_at);
	v->cancel_cutoff_at = session_local_input(a, s->cancel_cutoff_at);
	v->reserved_sector = s->reserved_sector;
	v->reserved_places = s->reserved_places ? arena_printf(a, "%d", s->reserved_places) : "";
	v->reserved_until = session_local_input(a, s->reserved_until);
}

/* A new session with no capacity given gets the course's usual group size. */
static void default_capacity(struct arena *a, struct session_input *in)
{
	const struct course *c = catalog_course(in->course);
	if ((in->capacity == NULL || *in->capacity == '\0') && c)
		in->capacity = arena_printf(a, "%d", c->default_capacity);
}

/* sessions_save commits on its own; then, in a transaction of their own, the people booked or waiting
 * are told if the session moved in time or place (old: as it was), and places the change freed (a
 * capacity rise, a smaller reserve) go to the waiting list. */
static void settle_change(struct db *db, struct arena *a, const struct session *old)
{
	if (db_begin(db) != DB_OK) {
		log_error("session %lld: could not tell its people or fill from the waiting list", (long long)old->id);
		return;
	}
	booking_tell_changed(db, a, old);
	booking_fill(db, a, old->id);
	if (db_commit(db) != DB_OK)
		db_rollback(db);
}

int sessions_new_page(const struct req *r, struct resp *o)
{
	struct session_input v = {0};
	const char *course = req_query(r, "course");
	if (catalog_course(course))
		v.course = course;
	/* A trainer adding a session is usually delivering it. */
	if (r->user->role == ROLE_TRAINER)
		v.trainers = r->user->email;
	return render_form(r, o, 0, &v, NULL, 200);
}

int sessions_create(const struct req *r, struct resp *o)
{
	struct session_input in;
	sessions_input_from(r, &in);
	default_capacity(r->arena, &in);
	struct form_errors fe = {0};
	int64_t id = sessions_save(r->db, r->arena, r->user, 0, &in, &fe);
	if (id == 0) {
		if (fe.n == 0)
			return page_error(r, o, 500, "Sorry, there is a problem with the service", "Try again later.");
		return render_form(r, o, 0, &in, &fe, 400);
	}
	return resp_redirect(o, arena_printf(r->arena, "/sessions/%lld?done=created", (long long)id));
}

/* The session to edit, if this person may change it; otherwise *status says why not. */
static bool editable(const struct req *r, struct resp *o, struct session *s, int *status)
{
	if (!load_param(r, s)) {
		*status = page_error(r, o, 404, "Page not found", "There is no such session.");
		return false;
	}
	if (!session_manageable(s, r->user)) {
		*status = page_error(r, o, 403, "You cannot use this page", "Only this session's trainers and admins can "
									     "change it.");
		return false;
	}
	if (strcmp(s->status, "cancelled") == 0) {
		*status = page_error(r, o, 409, "This session has been cancelled", "A cancelled session cannot be changed.");
		return false;
	}
	return true;
}

int sessions_edit_page(const struct req *r, struct resp *o)
{
	struct session s;
	int status;
	if (!editable(r, o, &s, &status))
		return status;
	struct session_input v;
	input_from_session(r, &s, &v);
	return render_form(r, o, s.id, &v, NULL, 200);
}

int sessions_update(const struct req *r, struct resp *o)
{
	struct session s;
	int status;
	if (!editable(r, o, &s, &status))
		return status;
	struct session_input in;
	sessions_input_from(r, &in);
	/* No ticked box means no trainers, not "keep the old ones": let validation say so. */
	if (in.trainers == NULL)
		in.trainers = "";
	struct form_errors fe = {0};
	if (sessions_save(r->db, r->arena, r->user, s.id, &in, &fe) == 0) {
		if (form_error_for(&fe, "id"))
			return page_error(r, o, 409, "This session cannot be changed", form_error_for(&fe, "id"));
		if (fe.n == 0)
			return page_error(r, o, 500, "Sorry, there is a problem with the service", "Try again later.");
		return render_form(r, o, s.id, &in, &fe, 400);
	}
	settle_change(r->db, r->arena, &s);
	return resp_redirect(o, arena_printf(r->arena, "/sessions/%lld?done=updated", (long long)s.id));
}

void session_summary(const struct req *r, struct resp *o, const struct session *s)
{
	html_lit(o, "<dl class=\"govuk-summary-list\">");
	html_summary_row(o, "Course", session_course_title(r->arena, s));
	html_summary_row(o, "When", session_when_text(r->arena, s->starts_at, s->ends_at));
	html_summary_row(o, "Where", arena_printf(r->arena, "%s, %s", s->venue_name, s->venue_postcode));
	html_lit(o, "</dl>");
}

/* "1 person booked", "3 people on the waiting list". */
static const char *people(struct arena *a, int n, const char *where)
{
	return arena_printf(a, "%d %s %s", n, n == 1 ? "person" : "people", where);
}

/* Who cancelling tells: everyone booked or waiting gets an e-mail (booking_cancel_session). */
static void cancel_consequences(const struct req *r, struct resp *o, const struct session *s)
{
	struct arena *a = r->arena;
	const char *told = s->booked && s->waitlisted
				   ? arena_printf(a, "%s and %s", people(a, s->booked, "booked"),
						  people(a, s->waitlisted, "on the waiting list"))
			   : s->booked ? people(a, s->booked, "booked")
			   : s->waitlisted ? people(a, s->waitlisted, "on the waiting list")
					   : NULL;
	if (told)
		htmlf(o, "<p class=\"govuk-body\">%h will be told by e-mail that the session is cancelled, and their "
			 "bookings will be cancelled with it.</p>",
		      told);
	else
		html_lit(o, "<p class=\"govuk-body\">Nobody is booked or waiting, so nobody needs to be told.</p>");
	if (s->school_urn)
		html_lit(o, "<p class=\"govuk-body\">The school is not e-mailed: let them know yourself.</p>");
}

int sessions_cancel_page(const struct req *r, struct resp *o)
{
	int64_t id;
	struct session s;
	if (!valid_id(req_param(r, 0), &id) || !sessions_load(r->db, r->arena, id, &s))
		return page_error(r, o, 404, "Page not found", "There is no such session.");
	const char *back = arena_printf(r->arena, "/sessions/%lld", (long long)id);
	if (strcmp(s.status, "cancelled") == 0)
		return page_error_back(r, o, 409, "This session is already cancelled",
				       "Everyone who was booked or waiting was told when it was cancelled.", back);
	char date[40];
	date_human(s.starts_at, date, sizeof date);
	struct confirm c = {.title = "Cancel this session?", .caption = date, .nav = "/sessions",
			    .action = arena_printf(r->arena, "%s/cancel", back), .button = "Yes, cancel this session",
			    .back = back, .warning = "This cannot be undone."};
	confirm_begin(r, o, &c);
	session_summary(r, o, &s);
	cancel_consequences(r, o, &s);
	return confirm_end(r, o, &c);
}

int sessions_cancel(const struct req *r, struct resp *o)
{
	int64_t id;
	if (!valid_id(req_param(r, 0), &id))
		return page_error(r, o, 404, "Page not found", "There is no such session.");
	struct booking_result out;
	booking_cancel_session(r->db, r->arena, id, r->user, &out);
	if (out.http != 200)
		return page_error(r, o, out.http, "The session cannot be cancelled", out.error);
	return resp_redirect(o, arena_printf(r->arena, "/sessions/%lld?done=session-cancelled", (long long)id));
}

/* ---- JSON API ---- */

int sessions_api_list(const struct req *r, struct resp *o)
{
	struct form_errors fe = {0};
	struct search q;
	search_from(r, &q, KIND_ALL, &fe);
	if (fe.n)
		return resp_error(o, 400, fe.e[0].message, fe.e[0].field);
	q.with_cancelled = true;
	long long limit = API_LIST_DEFAULT;
	const char *given = req_query(r, "limit");
	if (given && *given && !valid_int(given, 1, API_LIST_LIMIT, &limit))
		return resp_error(o, 400, "Give limit as a whole number from 1 to 1000.", "limit");
	q.limit = (int)limit;
	struct session *found;
	int n = search_run(r, &q, true, &found);
	if (n > limit) {
		/* Say the list was cut rather than let a client think it has everything. */
		resp_header(o, "X-Lantern-Truncated", "true");
		n = (int)limit;
	}
	int64_t now = now_utc();
	sessions_load_trainers_list(r->db, r->arena, found, n);
	resp_json_list_begin(o);
	for (int i = 0; i < n; i++)
		resp_json_list_add(o, session_json(&found[i], now, q.sector));
	return resp_json_list_end(o, 200);
}

static int api_saved(const struct req *r, struct resp *o, int64_t id, int status)
{
	struct session s;
	if (!sessions_load(r->db, r->arena, id, &s))
		return resp_error(o, 500, "The session was saved but could not be read back.", NULL);
	return resp_json(o, status, session_json(&s, now_utc(), sessions_viewer_sector(r->user)));
}

static int api_save_failed(struct resp *o, const struct form_errors *fe)
{
	if (fe->n == 0)
		return resp_error(o, 500, "The session could not be saved.", NULL);
	if (form_error_for(fe, "id"))
		return resp_error(o, 409, form_error_for(fe, "id"), NULL);
	return resp_error(o, 422, fe->e[0].message, fe->e[0].field);
}

int sessions_api_create(const struct req *r, struct resp *o)
{
	if (r->json == NULL)
		return resp_error(o, 415, "Send a JSON object with Content-Type: application/json.", NULL);
	struct session_input in;
	sessions_input_from(r, &in);
	default_capacity(r->arena, &in);
	struct form_errors fe = {0};
	int64_t id = sessions_save(r->db, r->arena, r->user, 0, &in, &fe);
	return id ? api_saved(r, o, id, 201) : api_save_failed(o, &fe);
}

int sessions_api_get(const struct req *r, struct resp *o)
{
	struct session s;
	if (!load_param(r, &s))
		return resp_error(o, 404, "There is no such session.", NULL);
	return resp_json(o, 200, session_json(&s, now_utc(), sessions_viewer_sector(r->user)));
}

int sessions_api_update(const struct req *r, struct resp *o)
{
	if (r->json == NULL)
		return resp_error(o, 415, "Send a JSON object with Content-Type: application/json.", NULL);
	struct session s;
	if (!load_param(r, &s))
		return resp_error(o, 404, "There is no such session.", NULL);
	if (!session_manageable(&s, r->user))
		return resp_error(o, 403, "Only this session's trainers and admins can change it.", NULL);
	struct session_input in;
	sessions_input_from(r, &in);
	struct form_errors fe = {0};
	if (sessions_save(r->db, r->arena, r->user, s.id, &in, &fe) == 0)
		return api_save_failed(o, &fe);
	settle_change(r->db, r->arena, &s);
	return api_saved(r, o, s.id, 200);
}

int sessions_api_cancel(const struct req *r, struct resp *o)
{
	int64_t id;
	if (!valid_id(req_param(r, 0), &id))
		return resp_error(o, 404, "There is no such session.", NULL);
	struct booking_result out;
	booking_cancel_session(r->db, r->arena, id, r->user, &out);
	if (out.http != 200)
		return resp_error(o, out.http, out.error, out.field);
	return api_saved(r, o, id, 200);
}

int sessions_api_bookings(const struct req *r, struct resp *o)
{
	struct session s;
	if (!load_param(r, &s))
		return resp_error(o, 404, "There is no such session.", NULL);
	if (!session_manageable(&s, r->user))
		return resp_error(o, 403, "Only this session's trainers and admins can see who is booked.", NULL);
	json_t *list = json_array();
	struct db_stmt *st = db_query(r->db, SQL_BOOKINGS, "Ii", s.id, 1);
	int position = 0;
	while (db_next(st)) {
		const char *status = db_col_text(st, 4);
		bool waiting = strcmp(status, "waitlisted") == 0;
		json_t *j = json_pack("{s:I, s:I, s:s, s:s, s:s, s:s}", "id", (json_int_t)db_col_int64(st, 0), "session",
				      (json_int_t)s.id, "email", db_col_text(st, 2), "name", db_col_text(st, 1),
				      "organisation", db_col_text(st, 3), "status", status);
		json_object_set_new(j, "waitlist_position", waiting ? json_integer(++position) : json_null());
		json_array_append_new(list, j);
	}
	db_done(st);
	return resp_json(o, 200, list);
}
