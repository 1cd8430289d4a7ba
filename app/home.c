/* home.c — the signed-in home page (one per role), /healthz and /api/v1/me. */
#include "home.h"

#include "auth.h"
#include "db.h"
#include "html.h"
#include "trainer_sessions_pages.h"

/* What each role comes here to do; links grow as features land. */
static const struct home_link {
	unsigned roles;
	const char *href;
	const char *title;
	const char *text;
} home_links[] = {
	{R_TRAINER, "/my-sessions", "Your sessions", "Today's sessions, the coming ones, and past ones waiting for attendance marks."},
	{R_ANY_USER, "/sessions", "Sessions", "Find face-to-face training by course, area and date, and see places left."},
	{R_ANY_USER, "/courses", "Courses", "The catalogue: what each course covers, who it is for and when it runs next."},
	{R_SCHOOL, "/requests", "Request a session", "Ask for a Risk Avert session for a year group and follow your requests."},
	{R_ADMIN | R_TRAINER, "/requests", "School requests", "Confirm or decline the sessions schools have asked for."},
	{R_ADMIN, "/admin/users", "Users", "Create accounts, change roles and deactivate people who have left."},
	{R_ADMIN, "/admin/organisations", "Organisations", "The partner organisations practitioners belong to."},
	{R_ADMIN, "/admin/venues", "Venues", "Where sessions are held: correct an address or the access notes."},
	{R_PRACTITIONER, "/bookings", "Your bookings", "Sessions you are booked on or waiting for, what became of past ones, and your calendar feed."},
	{R_PRACTITIONER, "/training", "Training record", "What you have attended, with certificates, feedback and when refreshers fall due."},
	{R_ADMIN, "/admin/training", "Refreshers due", "Who in each organisation is due or overdue refresher training."},
	{R_ADMIN, "/admin/evaluations", "Evaluations", "What attendees say about each course: usefulness and confidence before and after."},
	{R_ANALYST | R_ADMIN, "/indicators", "Indicators", "Outcome 1 and Outcome 5 figures for any period and area, with charts, drill-downs and exports."},
	{R_ANALYST | R_ADMIN, "/indicators/figures", "Externally sourced figures", "Enter victim, perpetrator and incident figures with their source."},
	{R_ADMIN, "/indicators/targets", "Baselines and targets", "Set where each indicator started and what the Board aims for."},
	{R_CAMPAIGN | R_ADMIN | R_ANALYST, "/campaigns", "Campaigns",
	 "Place campaign materials with their own QR codes, print them, and see how far each campaign reached."},
	{R_CAMPAIGN | R_ADMIN | R_ANALYST, "/pledges", "Employer pledges",
	 "The employers who have signed the domestic abuse employer pledge."},
	{R_ADMIN | R_TRAINER | R_ANALYST, "/schools", "Schools and colleges",
	 "Every setting, whether it delivers Risk Avert this year, and each one's coverage by year group."},
	{R_ADMIN | R_TRAINER | R_ANALYST, "/schools/areas", "Risk Avert by area",
	 "How many settings of each phase deliver the programme, and the list of those that do not yet."},
	{R_ADMIN, "/schools/import", "Import settings", "Add or update schools and colleges from a CSV file."},
	{R_SCHOOL, "/schools", "Your school", "Record Risk Avert lessons and see which year groups have had which modules."},
	{R_ADMIN | R_TRAINER, "/survey-runs", "Pupil surveys",
	 "Open an anonymous survey for a class, show them the code, and close it when they are done."},
	{R_SCHOOL | R_ANALYST | R_ADMIN | R_TRAINER, "/survey-results", "Pupil survey results",
	 "What pupils understand about healthy relationships, before and after the programme."},
	{R_ANY_USER, "/account", "Your account", "Change your password and manage your API tokens."},
};

static const char *const role_intro[ROLE__MAX] = {
	[ROLE_ADMIN] = "You run the programme: the catalogue, sessions, people, schools, baselines and targets.",
	[ROLE_TRAINER] = "You deliver sessions: see your sessions, take attendance and run pupil surveys.",
	[ROLE_SCHOOL] = "You lead healthy-relationships education in your school: request sessions and record delivery.",
	[ROLE_PRACTITIONER] = "Book face-to-face domestic abuse training and keep your training record up to date.",
	[ROLE_CAMPAIGN] = "You run awareness campaigns: place materials, record reach and sign up employers.",
	[ROLE_ANALYST] = "You report to the Domestic Abuse Board: read the Outcome 1 and Outcome 5 indicators.",
};

int home_page(const struct req *r, struct resp *o)
{
	const struct user *u = r->user;
	struct page p = {.title = "Home", .nav = "/"};
	page_begin(r, o, &p);
	htmlf(o, "<span class=\"govuk-caption-l\">%h</span><h1 class=\"govuk-heading-l\">Welcome, %h</h1>"
		 "<p class=\"govuk-body-l\">%h</p>",
	      role_label(u->role), u->name, role_intro[u->role]);
	/* What a trainer comes for first: today's sessions and any still waiting for marks. */
	if (u->role == ROLE_TRAINER)
		trainer_sessions_home(r, o);
	html_lit(o, "<ul class=\"govuk-list lantern-home-links\">");
	for (size_t i = 0; i < ARRAY_LEN(home_links); i++) {
		const struct home_link *l = &home_links[i];
		if (l->roles & (1u << u->role))
			htmlf(o, "<li><h2 class=\"govuk-heading-s govuk-!-margin-bottom-1\"><a class=\"govuk-link\" "
				 "href=\"%h\">%h</a></h2><p class=\"govuk-body\">%h</p></li>",
			      l->href, l->title, l->text);
	}
	html_lit(o, "</ul>");
	page_end(r, o, &p);
	return 200;
}

static const char SQL_HEALTH[] = "SELECT count(*) FROM areas";

int home_healthz(const struct req *r, struct resp *o)
{
	/* A real read, so a broken or missing database shows here. */
	if (db_int(r->db, -1, SQL_HEALTH, "") <= 0)
		return resp_text(o, 503, "text/plain; charset=utf-8", "database unavailable\n", 21);
	return resp_text(o, 200, "text/plain; charset=utf-8", "ok\n", 3);
}

int home_api_me(const struct req *r, struct resp *o)
{
	const struct user *u = r->user;
	json_t *j = json_pack("{s:s, s:s, s:s}", "email", u->email, "name", u->name, "role", role_name(u->role));
	if (u->org_id)
		json_object_set_new(j, "organisation", json_integer(u->org_id));
	if (u->school_urn)
		json_object_set_new(j, "school", json_string(u->school_urn));
	return resp_json(o, 200, j);
}

static const char SQL_AREAS_ALL[] = "SELECT id, name, parent, is_leaf FROM areas ORDER BY rowid";

int home_api_areas(const struct req *r, struct resp *o)
{
	json_t *list = json_array();
	struct db_stmt *st = db_query(r->db, SQL_AREAS_ALL, "");
	while (db_next(st))
		json_array_append_new(list, json_pack("{s:s, s:s, s:s?, s:b}", "id", db_col_text(st, 0), "name",
						      db_col_text(st, 1), "parent", db_col_text(st, 2), "leaf",
						      db_col_int(st, 3)));
	return resp_json(o, 200, list);
}
