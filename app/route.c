/* route.c — the only route table, and the dispatcher that applies the same rules to every route:
 * who may call it, CSRF on every unsafe browser request, limits, and error answers. */
#include "route.h"

#include <ctype.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "account.h"
#include "attendance.h"
#include "auth.h"
#include "booking_pages.h"
#include "campaigns.h"
#include "certificates.h"
#include "checkin.h"
#include "coverage.h"
#include "db.h"
#include "deliveries.h"
#include "evaluations.h"
#include "help.h"
#include "home.h"
#include "indicator_pages.h"
#include "html.h"
#include "login.h"
#include "password_pages.h"
#include "organisations.h"
#include "placements.h"
#include "pledges.h"
#include "reach.h"
#include "requests.h"
#include "schools.h"
#include "schools_import.h"
#include "session_pages.h"
#include "site.h"
#include "survey.h"
#include "survey_results.h"
#include "survey_voids.h"
#include "trainer_sessions_pages.h"
#include "users.h"
#include "venue_edit.h"
#include "venue_pages.h"

#define ANY R_ANY_USER
#define STAFF (R_ADMIN | R_TRAINER)
#define CAMPAIGN_LEADS (R_CAMPAIGN | R_ADMIN)
#define CAMPAIGN_READERS (R_CAMPAIGN | R_ADMIN | R_ANALYST)

static const struct route routes[] = {
	/* public, by choice */
	{M_GET, "/healthz", R_PUBLIC, 0, home_healthz},
	{M_GET, "/login", R_PUBLIC, 0, login_form},
	{M_POST, "/login", R_PUBLIC, 0, login_submit},
	{M_POST, "/logout", R_PUBLIC, 0, login_logout},
	{M_GET, "/password/forgotten", R_PUBLIC, 0, password_forgotten_page},
	{M_POST, "/password/forgotten", R_PUBLIC, 0, password_forgotten_post},
	{M_GET, "/password/set/{}", R_PUBLIC, 0, password_set_page},
	{M_POST, "/password/set/{}", R_PUBLIC, 0, password_set_post},

	/* everyone signed in */
	{M_GET, "/", ANY, 0, home_page},
	{M_GET, "/account", ANY, 0, account_page},
	{M_POST, "/account/password", ANY, 0, account_password},
	{M_POST, "/account/tokens", ANY, 0, account_token_create},
	{M_GET, "/account/tokens/{}/revoke", ANY, 0, account_token_revoke_page},
	{M_POST, "/account/tokens/{}/revoke", ANY, 0, account_token_revoke},

	/* administration */
	{M_GET, "/admin/users", R_ADMIN, 0, users_list_page},
	{M_GET, "/admin/users/new", R_ADMIN, 0, users_new_page},
	{M_POST, "/admin/users/new", R_ADMIN, 0, users_create},
	{M_GET, "/admin/users/{}", R_ADMIN, 0, users_edit_page},
	{M_POST, "/admin/users/{}", R_ADMIN, 0, users_update},
	{M_GET, "/admin/users/{}/deactivate", R_ADMIN, 0, users_deactivate_page},
	{M_POST, "/admin/users/{}/deactivate", R_ADMIN, 0, users_deactivate},
	{M_GET, "/admin/venues", R_ADMIN, 0, venues_admin_page},
	{M_GET, "/admin/venues/{}", R_ADMIN, 0, venues_edit_page},
	{M_POST, "/admin/venues/{}", R_ADMIN, 0, venues_update},
	{M_GET, "/admin/organisations", R_ADMIN, 0, organisations_list_page},
	{M_GET, "/admin/organisations/new", R_ADMIN, 0, organisations_new_page},
	{M_POST, "/admin/organisations/new", R_ADMIN, 0, organisations_create},
	{M_GET, "/admin/organisations/{}", R_ADMIN, 0, organisations_edit_page},
	{M_POST, "/admin/organisations/{}", R_ADMIN, 0, organisations_update},

	/* courses, sessions and school requests (session_pages.c, requests.c) */
	{M_GET, "/courses", ANY, 0, courses_list_page},
	{M_GET, "/courses/{}", ANY, 0, course_page},
	/* The list is one statement, a snapshot of its own; a transaction around it would cost two round
	 * trips on PostgreSQL. */
	{M_GET, "/sessions", ANY, 0, sessions_list_page},
	{M_GET, "/sessions/new", STAFF, 0, sessions_new_page}, /* before /sessions/{}, which would match "new" */
	{M_POST, "/sessions/new", STAFF, 0, sessions_create},
	{M_GET, "/sessions/{}", ANY, 0, session_page},
	{M_GET, "/sessions/{}/edit", STAFF, 0, sessions_edit_page},
	{M_POST, "/sessions/{}/edit", STAFF, 0, sessions_update},
	{M_GET, "/sessions/{}/cancel", R_ADMIN, 0, sessions_cancel_page},
	{M_POST, "/sessions/{}/cancel", R_ADMIN, 0, sessions_cancel},
	{M_GET, "/requests", R_SCHOOL | STAFF, 0, requests_list_page},
	{M_GET, "/requests/new", R_SCHOOL, 0, requests_new_page},
	{M_POST, "/requests/new", R_SCHOOL, 0, requests_create},
	{M_GET, "/requests/{}/confirm", STAFF, 0, requests_confirm_page},
	{M_POST, "/requests/{}/confirm", STAFF, 0, requests_confirm},
	{M_POST, "/requests/{}/decline", STAFF, 0, requests_decline},
	{M_GET, "/api/v1/courses", ANY, 0, courses_api_list},
	{M_GET, "/api/v1/sessions", ANY, ROUTE_SNAPSHOT, sessions_api_list},
	{M_POST, "/api/v1/sessions", STAFF, 0, sessions_api_create},
	{M_GET, "/api/v1/sessions/{}", ANY, 0, sessions_api_get},
	{M_PUT, "/api/v1/sessions/{}", STAFF, 0, sessions_api_update},
	{M_POST, "/api/v1/sessions/{}/cancel", R_ADMIN, 0, sessions_api_cancel},
	{M_GET, "/api/v1/sessions/{}/bookings", STAFF, 0, sessions_api_bookings},
	{M_GET, "/api/v1/venues", STAFF, 0, venues_api_list},
	{M_GET, "/api/v1/venues/{}", STAFF, 0, venues_api_get},
	{M_PUT, "/api/v1/venues/{}", R_ADMIN, 0, venues_api_update},
	{M_POST, "/api/v1/session-requests", R_SCHOOL, 0, requests_api_create},
	{M_GET, "/api/v1/session-requests", R_SCHOOL | STAFF, 0, requests_api_list},
	/* a trainer's own sessions: today, waiting for marks, coming (trainer_sessions_pages.c) */
	{M_GET, "/my-sessions", STAFF, 0, trainer_sessions_page},
	{M_GET, "/api/v1/me/sessions", STAFF, 0, trainer_sessions_api},
	{M_POST, "/api/v1/session-requests/{}/confirm", STAFF, 0, requests_api_confirm},
	{M_POST, "/api/v1/session-requests/{}/decline", STAFF, 0, requests_api_decline},

	/* booking, calendar feed and training records (booking_pages.c) */
	{M_POST, "/sessions/{}/book", R_PRACTITIONER | R_ADMIN, 0, booking_book_post},
	{M_GET, "/bookings/{}/cancel", R_PRACTITIONER | R_ADMIN, 0, booking_cancel_page},
	{M_POST, "/bookings/{}/cancel", R_PRACTITIONER | R_ADMIN, 0, booking_cancel_post},
	{M_GET, "/bookings", R_PRACTITIONER, 0, booking_my_page},
	{M_POST, "/bookings/preferences", R_PRACTITIONER, 0, booking_preferences_post},
	{M_GET, "/bookings/calendar/reset", R_PRACTITIONER, 0, booking_calendar_reset_page},
	{M_POST, "/bookings/calendar/reset", R_PRACTITIONER, 0, booking_calendar_reset_post},
	{M_GET, "/calendar/{}", R_PUBLIC, 0, booking_calendar_feed},
	{M_GET, "/training", R_PRACTITIONER, 0, booking_training_page},
	{M_GET, "/admin/training", R_ADMIN, 0, booking_training_due_page},
	{M_POST, "/api/v1/sessions/{}/bookings", R_PRACTITIONER | R_ADMIN, 0, booking_api_book},
	{M_DELETE, "/api/v1/bookings/{}", R_PRACTITIONER | R_ADMIN, 0, booking_api_cancel},
	{M_GET, "/api/v1/me/bookings", R_PRACTITIONER, 0, booking_api_my_bookings},
	{M_GET, "/api/v1/me/training", R_PRACTITIONER, 0, booking_api_training},

	/* attendance: roster, check-in, certificates and evaluations (attendance.c, checkin.c, ...) */
	{M_GET, "/sessions/{}/roster", STAFF, 0, attendance_roster_page},
	{M_POST, "/sessions/{}/roster/all", STAFF, 0, attendance_mark_all_post},
	{M_POST, "/sessions/{}/roster/{}", STAFF, 0, attendance_mark_post},
	{M_POST, "/sessions/{}/walk-in", STAFF, 0, attendance_walk_in_post},
	{M_GET, "/sessions/{}/sign-in-sheet", STAFF, 0, attendance_sheet_page},
	{M_GET, "/sessions/{}/marks", STAFF, 0, attendance_marks_page},
	{M_POST, "/sessions/{}/marks", STAFF, 0, attendance_marks_post},
	{M_GET, "/sessions/{}/attendance.csv", STAFF, 0, attendance_csv},
	{M_POST, "/sessions/{}/headcount", STAFF, 0, attendance_headcount_post},
	{M_GET, "/sessions/{}/check-in", STAFF, 0, checkin_screen_page},
	{M_GET, "/sessions/{}/check-in/qr", STAFF, 0, checkin_qr_fragment},
	{M_GET, "/checkin/{}/{}", R_PRACTITIONER, ROUTE_SIGNED_OUT, checkin_scan_page},
	{M_POST, "/checkin/{}/{}", R_PRACTITIONER, 0, checkin_scan_post},
	{M_GET, "/checkin/{}/scanned/{}", R_PRACTITIONER, 0, checkin_promise_page},
	{M_POST, "/checkin/{}/scanned/{}", R_PRACTITIONER, 0, checkin_promise_post},
	{M_GET, "/certificates/{}", R_PRACTITIONER | R_ADMIN, 0, certificates_page},
	{M_GET, "/certificates/{}/certificate.pdf", R_PRACTITIONER | R_ADMIN, 0, certificates_pdf},
	{M_GET, "/certificates/{}/withdraw", R_ADMIN, 0, certificates_withdraw_page},
	{M_POST, "/certificates/{}/withdraw", R_ADMIN, 0, certificates_withdraw_post},
	{M_GET, "/verify/{}", R_PUBLIC, 0, certificates_verify_page},
	{M_GET, "/evaluations/{}", R_PRACTITIONER, 0, evaluations_form},
	{M_POST, "/evaluations/{}", R_PRACTITIONER, 0, evaluations_submit},
	{M_GET, "/admin/evaluations", R_ADMIN, 0, evaluations_results_page},
	{M_PUT, "/api/v1/bookings/{}/attendance", STAFF, 0, attendance_api_mark},
	{M_POST, "/api/v1/sessions/{}/headcount", STAFF, 0, attendance_api_headcount},
	{M_POST, "/api/v1/bookings/{}/evaluation", R_PRACTITIONER, 0, evaluations_api_submit},
	{M_GET, "/api/v1/evaluations", R_ADMIN, 0, evaluations_api_results},
	{M_POST, "/api/v1/sessions/{}/walk-ins", STAFF, 0, attendance_api_walk_in},
	{M_GET, "/api/v1/bookings/{}/certificate", R_PRACTITIONER | R_ADMIN, 0, certificates_api},
	{M_POST, "/api/v1/bookings/{}/certificate/withdraw", R_ADMIN, 0, certificates_api_withdraw},
	/* Campaigns: placements, scans, landing pages, reach and pledges (campaigns.c, help.c, ...) */
	{M_GET, "/c/{}", R_PUBLIC, 0, help_scan},
	{M_GET, "/help", R_PUBLIC, 0, help_page},
	{M_GET, "/help/{}", R_PUBLIC, 0, help_campaign_page},
	{M_POST, "/help/feedback", R_PUBLIC, 0, help_feedback},
	{M_GET, "/campaigns", CAMPAIGN_READERS, 0, campaigns_list_page},
	{M_GET, "/campaigns/{}", CAMPAIGN_READERS, 0, campaigns_page},
	{M_GET, "/campaigns/{}/placements/new", CAMPAIGN_LEADS, 0, placements_new_page},
	{M_POST, "/campaigns/{}/placements", CAMPAIGN_LEADS, 0, placements_create},
	{M_GET, "/campaigns/{}/reach", CAMPAIGN_READERS, 0, reach_page},
	{M_POST, "/campaigns/{}/reach", CAMPAIGN_LEADS, 0, reach_add},
	{M_GET, "/placements/{}", CAMPAIGN_LEADS, 0, placements_page},
	{M_GET, "/placements/{}/material.svg", CAMPAIGN_LEADS, 0, placements_svg},
	{M_GET, "/placements/{}/a4.pdf", CAMPAIGN_LEADS, 0, placements_pdf_a4},
	{M_GET, "/placements/{}/a3.pdf", CAMPAIGN_LEADS, 0, placements_pdf_a3},
	{M_GET, "/pledges", CAMPAIGN_READERS, 0, pledges_list_page},
	{M_GET, "/pledges/new", CAMPAIGN_LEADS, 0, pledges_new_page},
	{M_POST, "/pledges/new", CAMPAIGN_LEADS, 0, pledges_create},
	{M_GET, "/api/v1/campaigns", CAMPAIGN_READERS, 0, campaigns_api_list},
	{M_POST, "/api/v1/campaigns/{}/placements", CAMPAIGN_LEADS, 0, placements_api_create},
	{M_GET, "/api/v1/placements/{}/material.svg", CAMPAIGN_LEADS, 0, placements_svg},
	{M_GET, "/api/v1/placements/{}/a4.pdf", CAMPAIGN_LEADS, 0, placements_pdf_a4},
	{M_GET, "/api/v1/placements/{}/a3.pdf", CAMPAIGN_LEADS, 0, placements_pdf_a3},
	{M_GET, "/api/v1/campaigns/{}/reach", CAMPAIGN_READERS, 0, reach_api},
	{M_POST, "/api/v1/campaigns/{}/reach", CAMPAIGN_LEADS, 0, reach_api_add},
	{M_GET, "/api/v1/pledges", CAMPAIGN_READERS, 0, pledges_api_list},
	{M_POST, "/api/v1/pledges", CAMPAIGN_LEADS, 0, pledges_api_create},
	/* Risk Avert: settings, deliveries, coverage and the pupil survey (schools.c, deliveries.c, survey.c) */
	{M_GET, "/schools", STAFF | R_SCHOOL | R_ANALYST, 0, schools_list_page},
	{M_GET, "/schools/new", R_ADMIN, 0, schools_new_page},
	{M_POST, "/schools/new", R_ADMIN, 0, schools_create},
	{M_GET, "/schools/import", R_ADMIN, 0, schools_import_page},
	{M_POST, "/schools/import", R_ADMIN, ROUTE_UPLOAD, schools_import_post},
	{M_GET, "/schools/import/template.csv", R_ADMIN, 0, schools_import_template},
	{M_GET, "/schools/areas", STAFF | R_ANALYST, 0, coverage_areas_page},
	{M_GET, "/schools/{}", STAFF | R_SCHOOL | R_ANALYST, 0, schools_page},
	{M_GET, "/schools/{}/edit", R_ADMIN, 0, schools_edit_page},
	{M_POST, "/schools/{}/edit", R_ADMIN, 0, schools_update},
	{M_GET, "/schools/{}/coverage", STAFF | R_SCHOOL | R_ANALYST, 0, coverage_page},
	{M_GET, "/schools/{}/deliveries/new", STAFF | R_SCHOOL, 0, deliveries_new_page},
	{M_POST, "/schools/{}/deliveries/new", STAFF | R_SCHOOL, 0, deliveries_create},
	{M_GET, "/survey-runs", STAFF, 0, survey_runs_page},
	{M_GET, "/survey-runs/new", STAFF, 0, survey_new_page},
	{M_POST, "/survey-runs/new", STAFF, 0, survey_create},
	{M_GET, "/survey-runs/{}", STAFF, 0, survey_run_page},
	{M_GET, "/survey-runs/{}/qr.svg", STAFF, 0, survey_run_qr},
	{M_GET, "/survey-runs/{}/close", STAFF, 0, survey_close_page},
	{M_POST, "/survey-runs/{}/close", STAFF, 0, survey_run_close},
	{M_GET, "/survey-runs/{}/answers", STAFF | R_SCHOOL, 0, survey_answers_page},
	{M_POST, "/survey-runs/{}/answers", STAFF | R_SCHOOL, 0, survey_void_post},
	{M_GET, "/survey-runs/{}/answers/void", STAFF | R_SCHOOL, 0, survey_void_page},
	{M_GET, "/survey-runs/{}/results", STAFF | R_SCHOOL | R_ANALYST, 0, survey_run_results_page},
	{M_GET, "/survey-runs/{}/results.csv", STAFF | R_SCHOOL | R_ANALYST, 0, survey_run_results_csv},
	{M_GET, "/survey-results", STAFF | R_SCHOOL | R_ANALYST, 0, survey_results_page},
	{M_GET, "/survey-results.csv", STAFF | R_SCHOOL | R_ANALYST, 0, survey_results_csv},
	{M_GET, "/s/", R_PUBLIC, 0, survey_code_page},
	{M_GET, "/s/{}", R_PUBLIC, 0, survey_pupil_page},
	{M_POST, "/s/{}", R_PUBLIC, ROUTE_PUBLIC_JSON, survey_pupil_submit},
	{M_GET, "/api/v1/schools", STAFF | R_SCHOOL | R_ANALYST, 0, schools_api_list},
	{M_POST, "/api/v1/schools/{}/deliveries", STAFF | R_SCHOOL, 0, deliveries_api_create},
	{M_GET, "/api/v1/schools/{}/coverage", STAFF | R_SCHOOL | R_ANALYST, 0, coverage_api},
	{M_POST, "/api/v1/survey-runs", STAFF, 0, survey_api_open},
	{M_GET, "/api/v1/survey-runs/{}", STAFF, 0, survey_api_get},
	{M_POST, "/api/v1/survey-runs/{}/close", STAFF, 0, survey_api_close},
	{M_GET, "/api/v1/survey-runs/{}/voids", STAFF | R_SCHOOL, 0, survey_api_voids},
	{M_POST, "/api/v1/survey-runs/{}/voids", STAFF | R_SCHOOL, 0, survey_api_void},
	{M_GET, "/api/v1/survey-runs/{}/results", STAFF | R_SCHOOL | R_ANALYST, 0, survey_run_results_api},
	{M_GET, "/api/v1/survey-results", STAFF | R_SCHOOL | R_ANALYST, 0, survey_results_api},

	/* indicators: dashboard, drill-downs, figures, targets and exports (indicator_pages.c) */
	{M_GET, "/indicators", R_ANALYST | R_ADMIN, ROUTE_SNAPSHOT, indicators_dashboard},
	{M_GET, "/indicators/export", R_ANALYST | R_ADMIN, ROUTE_SNAPSHOT, indicators_export_page},
	{M_GET, "/indicators/figures", R_ANALYST | R_ADMIN, 0, indicators_figures_page},
	{M_POST, "/indicators/figures", R_ANALYST | R_ADMIN, 0, indicators_figures_post},
	{M_GET, "/indicators/targets", R_ADMIN, 0, indicators_targets_page},
	{M_POST, "/indicators/targets", R_ADMIN, 0, indicators_targets_post},
	{M_GET, "/indicators/{}", R_ANALYST | R_ADMIN, ROUTE_SNAPSHOT, indicators_detail_page},
	{M_GET, "/api/v1/indicators", R_ANALYST | R_ADMIN, ROUTE_SNAPSHOT, indicators_api_list},
	{M_GET, "/api/v1/indicators/{}/series", R_ANALYST | R_ADMIN, ROUTE_SNAPSHOT, indicators_api_series},
	{M_PUT, "/api/v1/figures/{}/{}/{}", R_ANALYST | R_ADMIN, 0, indicators_api_put_figure},
	{M_PUT, "/api/v1/targets/{}/{}/{}/{}", R_ADMIN, 0, indicators_api_put_target},

	/* JSON API */
	{M_GET, "/api/v1/me", ANY, 0, home_api_me},
	{M_POST, "/api/v1/me/password", ANY, 0, account_api_password},
	{M_GET, "/api/v1/users", R_ADMIN, 0, users_api_list},
	{M_POST, "/api/v1/users", R_ADMIN, 0, users_api_create},
	{M_PUT, "/api/v1/users/{}", R_ADMIN, 0, users_api_update},
	{M_GET, "/api/v1/organisations", R_ADMIN, 0, organisations_api_list},
	{M_POST, "/api/v1/organisations", R_ADMIN, 0, organisations_api_create},
	{M_GET, "/api/v1/areas", ANY, 0, home_api_areas},
};

char *route_table_json(void)
{
	json_t *list = json_array();
	for (size_t i = 0; i < ARRAY_LEN(routes); i++) {
		json_t *roles = json_array();
		if (routes[i].roles & R_PUBLIC)
			json_array_append_new(roles, json_string("public"));
		else
			for (int k = 0; k < ROLE__MAX; k++)
				if (routes[i].roles & (1u << k))
					json_array_append_new(roles, json_string(role_name((enum role)k)));
		json_t *row = json_pack("{s:s, s:s, s:o}", "method", req_method_name(routes[i].method), "pattern",
					routes[i].pattern, "roles", roles);
		if (routes[i].flags & ROUTE_SIGNED_OUT)
			json_object_set_new(row, "signed_out", json_true());
		json_array_append_new(list, row);
	}
	char *text = json_dumps(list, JSON_INDENT(1));
	json_decref(list);
	return text;
}

static bool match(const char *pattern, const char *path, const char *params[], int *nparams, struct arena *a)
{
	int n = 0;
	const char *p = pattern, *s = path;
	while (*p && *s) {
		if (p[0] == '{' && p[1] == '}') {
			const char *end = strchr(s, '/');
			size_t len = end ? (size_t)(end - s) : strlen(s);
			if (len == 0 || n >= REQ_MAX_PARAMS)
				return false;
			if (params)
				params[n] = a ? arena_strndup(a, s, len) : NULL;
			n++;
			p += 2;
			s += len;
		} else if (*p++ != *s++) {
			return false;
		}
	}
	if (*p || *s)
		return false;
	if (nparams)
		*nparams = n;
	return true;
}

static const struct route *find(enum method m, const char *path, const char *params[], int *nparams,
				bool *path_exists, struct arena *a)
{
	if (m == M_HEAD)
		m = M_GET;
	*path_exists = false;
	for (size_t i = 0; i < ARRAY_LEN(routes); i++) {
		if (!match(routes[i].pattern, path, NULL, NULL, NULL))
			continue;
		*path_exists = true;
		if (routes[i].method == m) {
			match(routes[i].pattern, path, params, nparams, a);
			return &routes[i];
		}
	}
	return NULL;
}

const struct route *route_match(enum method m, const char *path, const char *params[], int *nparams,
				bool *path_exists)
{
	return find(m, path, params, nparams, path_exists, NULL);
}

/* Whether this user (NULL: nobody signed in) may open the route. */
static bool may_use(const struct route *rt, const struct user *u)
{
	return (rt->roles & R_PUBLIC) || (u && (rt->roles & (1u << u->role)));
}

const char *route_parent_page(const struct req *r)
{
	char *p = arena_strdup(r->arena, r->path);
	for (char *slash; !route_is_api(p) && (slash = strrchr(p, '/')) != NULL;) {
		slash[slash == p] = '\0'; /* "/a/b" -> "/a", "/a" -> "/" */
		bool exists;
		const struct route *rt = route_match(M_GET, p, NULL, NULL, &exists);
		if (rt && may_use(rt, r->user) && strcmp(p, r->path) != 0)
			return p;
		if (slash == p)
			break;
	}
	return NULL;
}

size_t route_body_limit(const char *method, const char *path)
{
	bool exists;
	const struct route *rt = route_match(req_method(method), path ? path : "/", NULL, NULL, &exists);
	return rt && (rt->flags & ROUTE_UPLOAD) ? REQ_MAX_UPLOAD : REQ_MAX_BODY;
}

bool route_is_api(const char *path)
{
	return path && str_starts(path, "/api/");
}

const char *route_log_name(const struct req *r)
{
	return r->route ? r->route->pattern : "-";
}

int route_error(const struct req *r, struct resp *o, int status, const char *message)
{
	resp_reset(o);
	if (route_is_api(r->path))
		return resp_error(o, status, message, NULL);
	const char *title;
	switch (status) {
	case 403: title = "You cannot use this page"; break;
	case 404: title = "Page not found"; break;
	case 405: title = "That action is not available here"; break;
	case 413: title = "What you sent is too large"; break;
	case 429: title = "Too many requests"; break;
	default: title = status >= 500 ? "Sorry, there is a problem with the service" : "There is a problem"; break;
	}
	return page_error(r, o, status, title, message);
}

/* Browsers say where a request came from; refuse unsafe requests that another site started. */
static bool same_site(const struct req *r)
{
	if (r->sec_fetch_site)
		return strcmp(r->sec_fetch_site, "same-origin") == 0 || strcmp(r->sec_fetch_site, "none") == 0;
	return true;
}

/* The origin of an absolute URL, for comparing: scheme and host in lower case, the port only when
 * it is not the scheme's default; "" when url is not http(s). Into out[size]. */
static void origin_of(const char *url, char *out, size_t size)
{
	out[0] = '\0';
	const char *host = NULL;
	bool https = false;
	if (strncasecmp(url, "https://", 8) == 0)
		host = url + 8, https = true;
	else if (strncasecmp(url, "http://", 7) == 0)
		host = url + 7;
	size_t len = host ? strcspn(host, "/?#") : 0;
	if (len == 0 || len + 9 > size)
		return;
	size_t n = (size_t)snprintf(out, size, "%s://", https ? "https" : "http");
	for (size_t i = 0; i < len; i++)
		out[n++] = (char)tolower((unsigned char)host[i]);
	out[n] = '\0';
	const char *dflt = https ? ":443" : ":80";
	if (n > strlen(dflt) && strcmp(out + n - strlen(dflt), dflt) == 0)
		out[n - strlen(dflt)] = '\0';
}

/* Whether an unsafe browser request comes from our own pages: its Origin, or its Referer when it
 * sends no Origin, must be the public address (site_base_url()). A request with neither comes from a
 * program, not a browser page, and another site cannot make a browser send neither. Our pages say
 * Referrer-Policy: no-referrer, which makes browsers send "Origin: null" even from our own forms;
 * that is believed only with Sec-Fetch-Site: same-origin, which no page can forge. */
static bool from_our_pages(const struct req *r)
{
	const char *claimed = r->origin ? r->origin : r->referer;
	if (claimed == NULL)
		return true;
	if (r->origin && strcmp(r->origin, "null") == 0)
		return r->sec_fetch_site && strcmp(r->sec_fetch_site, "same-origin") == 0;
	char ours[300], theirs[300];
	origin_of(site_base_url(), ours, sizeof ours);
	origin_of(claimed, theirs, sizeof theirs);
	return ours[0] && strcmp(ours, theirs) == 0;
}

static int dispatch(struct req *r, struct resp *o, const struct req_raw *raw)
{
	const char *why = NULL;
	r->path = raw->path && *raw->path ? raw->path : "/";
	if (!utf8_valid(r->path, strlen(r->path)) || strlen(r->path) > 1024)
		return route_error(r, o, 400, "The address is not valid.");
	bool path_exists;
	enum method m = req_method(raw->method);
	r->route = find(m, r->path, r->params, &r->nparams, &path_exists, r->arena);
	int status = req_parse(r, raw, &why);
	if (status)
		return route_error(r, o, status, why);
	status = auth_identify(r);
	if (status)
		return route_error(r, o, status, "The API token is not valid or has been revoked.");
	if (r->route == NULL) {
		if (!path_exists)
			return route_error(r, o, 404, "If you typed the web address, check it is correct.");
		return route_error(r, o, 405, "This address does not accept that kind of request.");
	}
	const struct route *rt = r->route;
	bool handler_signs_in = r->user == NULL && (rt->flags & ROUTE_SIGNED_OUT);
	if (!(rt->roles & R_PUBLIC) && !handler_signs_in) {
		if (r->user == NULL) {
			if (route_is_api(r->path))
				return resp_error(o, 401, "Send an API token: Authorization: Bearer TOKEN.", NULL);
			struct buf next = {0};
			buf_puts(&next, "/login?next=");
			url_encode_into(&next, r->path);
			const char *loc = arena_strdup(r->arena, next.data);
			buf_free(&next);
			return resp_redirect(o, loc);
		}
		if (!(rt->roles & (1u << r->user->role)))
			return route_error(r, o, 403, "Your account does not have access to this page.");
	}
	bool unsafe = m == M_POST || m == M_PUT || m == M_DELETE;
	/* A bearer token is not something another site can make a browser send. */
	if (unsafe && !r->via_token && !from_our_pages(r))
		return route_error(r, o, 403,
				   "This request did not come from lantern's own pages. Go back, reload the page and try "
				   "again.");
	if (unsafe && !route_is_api(r->path)) {
		/* ROUTE_PUBLIC_JSON (route.h): a JSON body needs no form token, but must still be same-site. */
		bool json_exempt = (rt->flags & ROUTE_PUBLIC_JSON) && (rt->roles & R_PUBLIC) && r->json != NULL;
		if (!same_site(r) || !(json_exempt || auth_csrf_valid(r, req_form(r, "csrf"))))
			return route_error(r, o, 403,
					   "This form has expired or did not come from lantern. Go back, reload the page and "
					   "try again.");
	}
	if (rt->flags & ROUTE_SNAPSHOT)
		db_snapshot_begin(r->db);
	status = rt->handler(r, o);
	if (rt->flags & ROUTE_SNAPSHOT)
		db_snapshot_end(r->db);
	return status;
}

int route_handle(struct req *r, struct resp *o, const struct req_raw *raw)
{
	int status = dispatch(r, o, raw);
	/* Every request ends here, one refused before its handler too: what it kept for later (a token's
	 * last use) is written, nothing of it is left on the connection for the next, and a database
	 * failure on its way, even in the sign-in, is its own 500. */
	if (r->db && db_request_end(r->db)) {
		log_error("database failure during %s %s", req_method_name(r->method), route_log_name(r));
		status = route_error(r, o, 500, "Try again later.");
	}
	if (o->fault) {
		/* The answer as built cannot go out (resp_fail logged what): this request gets the house 500
		 * page instead, and the worker goes on to the next. */
		log_error("%s %s: answered 500 instead", req_method_name(r->method), route_log_name(r));
		o->fault = NULL;
		status = route_error(r, o, 500, "Try again later.");
	}
	return status;
}
