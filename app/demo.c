/* demo.c — demonstration data, so every role sees its journey with data on first sign-in: partner
 * organisations, schools and colleges across the areas with some Risk Avert deliveries and closed
 * pupil surveys (results released at once: disclosure.h), one user per role (each with the password
 * DEMO_PASSWORD, which `make run` prints), face-to-face training past, running now and to come
 * (demo_training.c), the school's requests, baselines and targets, and campaigns with placements,
 * scans, other reach and pledges. Everything is dated from the app's clock. Each part is added only
 * if it is not there yet; a session running now is added whenever there is none. */
#include "demo.h"

#include <stdio.h>
#include <string.h>
#include <time.h>

#include "auth.h"
#include "catalog.h"
#include "db.h"
#include "deliveries.h"
#include "demo_training.h"
#include "organisations.h"
#include "period.h"
#include "placements.h"
#include "pledges.h"
#include "reach.h"
#include "requests.h"
#include "schools.h"
#include "scanq.h"
#include "sessions.h"
#include "survey.h"
#include "survey_instrument.h"
#include "users.h"
#include "util.h"
#include "valid.h"

static const struct org_input demo_orgs[] = {
	{"Essex Police", "police", "essex", NULL},
	{"Mid and South Essex NHS Foundation Trust", "health", "essex", NULL},
	{"Southend City Council", "local-authority", "southend", NULL},
	{"Thurrock Council Housing", "housing", "thurrock", NULL},
	{"Colchester Community Advice", "voluntary", "colchester", NULL},
	{"Lantern Demo Training Team", "other", "greater-essex", NULL},
};

/* Fictional settings, one of each phase, across the areas; blank rolls are not known. */
static const struct setting_input demo_settings[] = {
	{"900001", "Demo Academy Southend", "secondary", "southend", {"180", "182", "175", "170", "168", "", ""}},
	{"900002", "Thurrock Riverside School", "secondary", "thurrock", {"210", "205", "200", "198", "190", "", ""}},
	{"900003", "Basildon Park All-Through Academy", "all-through", "basildon",
	 {"150", "148", "152", "140", "138", "90", "85"}},
	{"900004", "Colchester Sixth Form College", "sixth-form", "colchester", {"", "", "", "", "", "620", "590"}},
	{"900005", "Chelmsford College of Further Education", "fe-college", "chelmsford", {"", "", "", "", "", "", ""}},
	{"900006", "Harlow Meadows Special School", "special", "harlow", {"12", "14", "11", "13", "10", "8", "6"}},
	{"900007", "Tendring Learning Centre", "alternative-provision", "tendring", {"", "", "8", "12", "15", "", ""}},
	{"900008", "Anglia Coast University Centre", "he", "colchester", {"", "", "", "", "", "", ""}},
};

/* Deliveries this academic year, days after it began (never after today). */
static const struct {
	const char *urn, *module, *year, *pupils;
	int day;
} demo_deliveries[] = {
	{"900001", "social-norms", "7", "170", 10},
	{"900001", "social-norms", "8", "175", 10},
	{"900001", "healthy-relationships", "9", "160", 24},
	{"900001", "consent-and-online", "10", "150", 38},
	{"900002", "social-norms", "7", "200", 17},
	{"900003", "healthy-relationships", "8", "140", 31},
	{"900003", "small-group", "10", "8", 45},
	{"900006", "healthy-relationships", "9", "10", 20},
};

static const char SQL_SETTING_EXISTS[] = "SELECT count(*) FROM settings WHERE urn = ?";
static const char SQL_DEMO_DELIVERIES[] = "SELECT count(*) FROM deliveries WHERE urn = '900001'";
static const char SQL_DEMO_RUNS[] = "SELECT count(*) FROM survey_runs WHERE urn = '900001'";
static const char SQL_RUN_CODE[] = "SELECT code FROM survey_runs WHERE id = ?";
static const char SQL_RUN_CLOSE[] = "UPDATE survey_runs SET closed_at = ? WHERE id = ?";
static const char SQL_ORG_ID[] = "SELECT id FROM organisations WHERE name = ?";
static const char SQL_DEMO_LEAD[] = "SELECT id FROM users WHERE email = 'campaign@lantern.example'";
static const char SQL_USER_EXISTS[] = "SELECT count(*) FROM users WHERE email = ?";

static const struct {
	const char *email, *name, *role, *org;
} demo_users[] = {
	{"admin@lantern.example", "Alex Admin", "admin", "Lantern Demo Training Team"},
	{"trainer@lantern.example", "Taylor Trainer", "trainer", "Lantern Demo Training Team"},
	{"school@lantern.example", "Sam School-Lead", "school", NULL},
	{"practitioner@lantern.example", "Priya Practitioner", "practitioner", "Mid and South Essex NHS Foundation Trust"},
	{"campaign@lantern.example", "Casey Campaigns", "campaign", "Southend City Council"},
	{"analyst@lantern.example", "Ari Analyst", "analyst", NULL},
};

static const char SQL_REQUESTS_ANY[] = "SELECT count(*) FROM session_requests";
static const char SQL_USER_ID[] = "SELECT id FROM users WHERE email = ?";

/* Open requests from the demo school, so the school's list and the confirm page have something. */
static const struct request_input demo_requests[] = {
	{"risk-avert", "consent-and-online", "10", "170", "Any Tuesday or Thursday morning next half-term",
	 "Two tutor groups have pupils with hearing impairments; the hall has a loop."},
	{"risk-avert", "social-norms", "7", "180", "The first two weeks after half-term, mornings",
	 "The whole year group together in the hall, if possible."},
};

static int demo_add_requests(struct db *db)
{
	if (db_int(db, 0, SQL_REQUESTS_ANY, "") > 0)
		return 0;
	struct user school = {.id = db_int(db, 0, SQL_USER_ID, "s", "school@lantern.example"),
			      .email = "school@lantern.example", .role = ROLE_SCHOOL, .school_urn = "900001"};
	for (size_t i = 0; i < ARRAY_LEN(demo_requests); i++) {
		struct form_errors fe = {0};
		if (requests_save(db, &school, &demo_requests[i], &fe) == 0) {
			fprintf(stderr, "demo: cannot add a school request: %s\n", fe.n ? fe.e[0].message : "?");
			return -1;
		}
	}
	printf("demo: school requests %zu\n", ARRAY_LEN(demo_requests));
	return 0;
}

/* Baselines (last financial year) and targets (this one) for Greater Essex, as the programme team
 * would set them, so the dashboard can say how each indicator is doing against its target. */
static const struct {
	const char *indicator;
	double baseline, target;
} demo_goals[] = {
	{"O1.1", 2, 4}, {"O1.2", 20, 40}, {"O1.4", 900, 1500}, {"O1.5", 45, 60}, {"O5.1", 8, 12},
	{"O5.2", 60, 100}, {"O5.3", 78, 85}, {"O5.5", 150, 400}, {"O5.6", 3, 8}, {"O5.7", 70, 80},
};
static const char SQL_GOAL[] = "INSERT INTO indicator_targets (indicator, kind, period, area, value, note,"
			       " set_by, set_at) VALUES (?, ?, ?, 'greater-essex', ?, 'Demonstration figure', ?, ?)"
			       " ON CONFLICT DO NOTHING";

static int demo_targets(struct db *db)
{
	time_t now = (time_t)now_utc();
	struct tm tm;
	localtime_r(&now, &tm);
	int fy = tm.tm_year + 1900 - (tm.tm_mon < 3); /* financial years start in April */
	char this_year[32], last_year[32];
	snprintf(this_year, sizeof this_year, "FY%d-%02d", fy, (fy + 1) % 100);
	snprintf(last_year, sizeof last_year, "FY%d-%02d", fy - 1, fy % 100);
	int64_t admin = db_int(db, 0, SQL_USER_ID, "s", "admin@lantern.example");
	if (db_begin(db) != DB_OK)
		return -1;
	for (size_t i = 0; i < ARRAY_LEN(demo_goals); i++)
		if (db_exec(db, SQL_GOAL, "sssdII", demo_goals[i].indicator, "baseline", last_year, demo_goals[i].baseline,
			    admin, (int64_t)now) != DB_OK ||
		    db_exec(db, SQL_GOAL, "sssdII", demo_goals[i].indicator, "target", this_year, demo_goals[i].target, admin,
			    (int64_t)now) != DB_OK) {
			db_rollback(db);
			return -1;
		}
	if (db_commit(db) != DB_OK)
		return -1;
	printf("demo: baselines for %s and targets for %s\n", last_year, this_year);
	return 0;
}

/* ---- campaigns: placements with a few hundred scans over recent months, other reach, pledges ---- */

static const struct {
	const char *campaign, *material, *place, *area, *language;
	int quantity, days_ago, scans;
} demo_placements[] = {
	{"workplace-coercive-control", "poster", "Basildon Borough Council offices, staff room", "basildon", NULL, 6, 200, 38},
	{"workplace-coercive-control", "poster", "Chelmsford City Council, civic centre canteen", "chelmsford", NULL, 8, 180, 45},
	{"workplace-coercive-control", "card", "Colchester Hospital managers' training", "colchester", NULL, 120, 150, 27},
	{"workplace-coercive-control", "social", "Essex County Council staff intranet", "chelmsford", NULL, 1, 120, 96},
	{"workplace-coercive-control", "poster", "Thurrock Council depot, Grays", "thurrock", NULL, 4, 90, 21},
	{"workplace-coercive-control", "card", "Harlow business breakfast", "harlow", NULL, 60, 60, 12},
	{"workplace-coercive-control", "poster", "Tendring District Council, Clacton office", "tendring", NULL, 3, 30, 9},
	{"sixteen-days-2026", "poster", "Southend Central Library, notice board", "southend", NULL, 2, 6, 14},
	{"sixteen-days-2026", "poster-pl", "Polish shop, London Road, Southend", "southend", NULL, 1, 5, 11},
	{"sixteen-days-2026", "leaflet", "Basildon Hospital A&E waiting room", "basildon", NULL, 200, 5, 8},
	{"sixteen-days-2026", "card", "Pharmacies in Grays", "thurrock", NULL, 300, 4, 10},
	{"sixteen-days-2026", "poster", "Colchester bus station", "colchester", NULL, 3, 4, 7},
	{"sixteen-days-2026", "card", "Maldon GP surgeries", "maldon", "pl", 150, 3, 3},
};

static const struct reach_input demo_reach[] = {
	{"event", NULL, "chelmsford", "85", "Sign-in sheets, employers' breakfast briefing", "With Chelmsford City Council"},
	{"press", NULL, "essex", "42000", "Publisher's circulation figure, county newspaper", NULL},
	{"radio", NULL, "greater-essex", "120000", "Station's weekly reach for the breakfast show", "Interview with the campaign lead"},
	{"social", NULL, "southend", "15300", "Platform analytics: people reached", "Council post shared by partners"},
	{"event", NULL, "thurrock", "40", "Head count at the stand, Grays market", NULL},
};
static const int demo_reach_days_ago[] = {170, 140, 100, 45, 20};

static const struct pledge_input demo_pledges[] = {
	{"Essex County Council", "local-authority", "essex", NULL, "Director of HR", "workplace-coercive-control"},
	{"Southend City Council", "local-authority", "southend", NULL, "Head of people services", NULL},
	{"Harbour Logistics Ltd (demo)", "employer", "thurrock", NULL, "Operations director", "workplace-coercive-control"},
	{"Chelmer Valley Care Homes (demo)", "health", "chelmsford", NULL, "Registered manager", NULL},
	{"Colne Estuary Builders (demo)", "employer", "tendring", NULL, "Managing director", "workplace-coercive-control"},
};
static const int demo_pledge_days_ago[] = {400, 210, 150, 75, 12};

static const char SQL_DEMO_PLACEMENTS[] = "SELECT count(*) FROM placements";
static const char SQL_DEMO_REACH[] = "SELECT count(*) FROM campaign_reach";
static const char SQL_DEMO_FEEDBACK[] =
	"INSERT INTO page_feedback (page, lang, given_on, helpful, count) VALUES (?, ?, ?, ?, ?) ON CONFLICT DO NOTHING";

/* The local date days ago, "YYYY-MM-DD", in the arena. */
static const char *days_ago(struct arena *a, int days)
{
	char iso[32];
	time_iso_local(now_utc() - (int64_t)days * 86400, iso);
	return arena_strndup(a, iso, 10);
}

/* Scans spread between the placement and now, more of them early on, from a fixed seed so every demo
 * database looks alike. */
static int demo_scans(struct db *db, int64_t placement, int days, int n, unsigned *seed)
{
	int64_t now = now_utc(), span = (int64_t)days * 86400;
	for (int i = 0; i < n; i++) {
		*seed = *seed * 1103515245u + 12345u;
		double f = (double)((*seed >> 8) % 10000) / 10000.0;
		if (scanq_write(db, placement, now - span + (int64_t)(f * f * (double)span)) != 0)
			return -1;
	}
	return 0;
}

static int demo_campaigns(struct db *db, int64_t lead)
{
	struct arena *a = arena_new();
	int rc = 0, scans = 0;
	unsigned seed = 20261125u;
	if (db_int(db, 0, SQL_DEMO_PLACEMENTS, "") == 0) {
		for (size_t i = 0; rc == 0 && i < ARRAY_LEN(demo_placements); i++) {
			const struct campaign *c = catalog_campaign(demo_placements[i].campaign);
			struct placement_input in = {demo_placements[i].material, demo_placements[i].place,
						     demo_placements[i].area, arena_printf(a, "%d", demo_placements[i].quantity),
						     days_ago(a, demo_placements[i].days_ago), demo_placements[i].language};
			struct form_errors fe = {0};
			int64_t id = c ? placements_save(db, a, lead, c, &in, &fe) : 0;
			if (id == 0 || db_begin(db) != DB_OK ||
			    demo_scans(db, id, demo_placements[i].days_ago, demo_placements[i].scans, &seed) != 0 ||
			    db_commit(db) != DB_OK) {
				fprintf(stderr, "\ndemo: cannot add a placement at %s: %s\n", in.place, fe.n ? fe.e[0].message : "?");
				db_rollback(db);
				rc = -1;
			}
			scans += demo_placements[i].scans;
		}
		printf(" %zu placements, %d scans", ARRAY_LEN(demo_placements), scans);
	}
	const struct campaign *workplace = catalog_campaign("workplace-coercive-control");
	if (rc == 0 && workplace && db_int(db, 0, SQL_DEMO_REACH, "") == 0) {
		for (size_t i = 0; rc == 0 && i < ARRAY_LEN(demo_reach); i++) {
			struct reach_input in = demo_reach[i];
			in.happened_on = days_ago(a, demo_reach_days_ago[i]);
			struct form_errors fe = {0};
			rc = reach_save(db, lead, workplace, &in, &fe) ? 0 : -1;
		}
		for (int d = 1; rc == 0 && d <= 60; d += 7) {
			db_exec(db, SQL_DEMO_FEEDBACK, "sssii", "workplace-coercive-control", "en", days_ago(a, d), 1, 3 + d % 4);
			db_exec(db, SQL_DEMO_FEEDBACK, "sssii", "workplace-coercive-control", "en", days_ago(a, d), 0, d % 3);
		}
		printf(", %zu other reach", ARRAY_LEN(demo_reach));
	}
	for (size_t i = 0; rc == 0 && i < ARRAY_LEN(demo_pledges); i++) {
		struct pledge_input in = demo_pledges[i];
		in.signed_on = days_ago(a, demo_pledge_days_ago[i]);
		struct form_errors fe = {0};
		pledges_save(db, lead, &in, &fe); /* "already signed" on a second run is expected */
	}
	printf(", %zu pledges\n", ARRAY_LEN(demo_pledges));
	arena_free(a);
	return rc;
}

static int demo_schools(struct db *db, struct arena *a)
{
	printf("demo: schools");
	for (size_t i = 0; i < ARRAY_LEN(demo_settings); i++) {
		struct form_errors fe = {0};
		if (db_int(db, 0, SQL_SETTING_EXISTS, "s", demo_settings[i].urn) == 0 &&
		    !schools_save(db, a, 0, true, &demo_settings[i], &fe)) {
			fprintf(stderr, "\ndemo: cannot add %s: %s\n", demo_settings[i].name, fe.n ? fe.e[0].message : "?");
			return -1;
		}
		putchar('.');
		fflush(stdout);
	}
	printf(" %zu\n", ARRAY_LEN(demo_settings));
	return 0;
}

static int demo_delivery_records(struct db *db)
{
	printf("demo: Risk Avert deliveries");
	if (db_int(db, 0, SQL_DEMO_DELIVERIES, "") > 0) {
		printf(" already there\n");
		return 0;
	}
	struct period year;
	int64_t now = now_utc();
	period_academic_year_at(now, &year);
	int64_t start, end;
	period_bounds_utc(&year, &start, &end);
	for (size_t i = 0; i < ARRAY_LEN(demo_deliveries); i++) {
		/* Noon, so a clock change cannot move the day. */
		time_t t = (time_t)(start + (int64_t)demo_deliveries[i].day * 86400 + 12 * 3600);
		if (t > now)
			t = (time_t)now;
		struct tm tm;
		localtime_r(&t, &tm);
		char date[11];
		strftime(date, sizeof date, "%Y-%m-%d", &tm);
		struct delivery_input in = {.urn = demo_deliveries[i].urn, .module = demo_deliveries[i].module,
					    .year_group = demo_deliveries[i].year, .delivered_on = date,
					    .pupils_reached = demo_deliveries[i].pupils};
		struct form_errors fe = {0};
		if (deliveries_record(db, NULL, &in, &fe) == 0) {
			fprintf(stderr, "\ndemo: cannot record a delivery: %s\n", fe.n ? fe.e[0].message : "?");
			return -1;
		}
		putchar('.');
		fflush(stdout);
	}
	printf(" %zu\n", ARRAY_LEN(demo_deliveries));
	return 0;
}

/* A closed run of n responses; pupil k's answers follow a fixed pattern, stronger after the sessions. */
static int demo_run(struct db *db, struct arena *a, const char *urn, const char *year, const char *phase, int n)
{
	struct form_errors fe = {0};
	struct survey_run_input in = {.urn = urn, .year_group = year, .phase = phase, .capacity = "30"};
	int64_t id = survey_open(db, a, NULL, &in, &fe);
	struct db_stmt *st = db_query(db, SQL_RUN_CODE, "I", id);
	const char *code = db_next(st) ? arena_strdup(a, db_col_text(st, 0)) : NULL;
	db_done(st);
	if (id == 0 || code == NULL)
		return -1;
	bool post = strcmp(phase, "post") == 0;
	for (int k = 0; k < n; k++) {
		struct survey_answers ans;
		for (int i = 0; i < SURVEY_STATEMENTS; i++) {
			bool agree = post ? k % 3 != 0 || i != k % 4 : (k + i) % 3 != 0 || k % 4 == 0;
			ans.q[i] = agree ? 4 + (k + i) % 2 : 2 + (k + i) % 2;
		}
		for (int i = 0; i < SURVEY_SCENARIOS; i++) {
			bool right = (k + i) % (post ? 6 : 3) != 0;
			const char *correct = survey_instrument.scenarios[i].right;
			ans.s[i] = right ? correct : (k % 2 ? "not-sure" : strcmp(correct, "healthy") == 0 ? "unhealthy" : "healthy");
		}
		if (survey_record(db, code, &ans, NULL) != 201)
			return -1;
	}
	return db_exec(db, SQL_RUN_CLOSE, "II", now_utc(), id) == DB_OK ? 0 : -1;
}

static int demo_surveys(struct db *db, struct arena *a)
{
	printf("demo: pupil surveys");
	if (db_int(db, 0, SQL_DEMO_RUNS, "") > 0) {
		printf(" already there\n");
		return 0;
	}
	/* Year 9 before and after, both large enough to show; a small group whose figures stay hidden. */
	if (demo_run(db, a, "900001", "9", "pre", 24) != 0 || demo_run(db, a, "900001", "9", "post", 22) != 0 ||
	    demo_run(db, a, "900003", "10", "post", 6) != 0) {
		fprintf(stderr, "\ndemo: cannot add the pupil surveys\n");
		return -1;
	}
	printf(" 3\n");
	return 0;
}

int demo_load(struct db *db)
{
	printf("demo: organisations");
	for (size_t i = 0; i < ARRAY_LEN(demo_orgs); i++) {
		struct form_errors fe = {0};
		if (db_int(db, 0, SQL_ORG_ID, "s", demo_orgs[i].name) == 0 &&
		    organisations_save(db, 0, 0, &demo_orgs[i], &fe) == 0) {
			fprintf(stderr, "\ndemo: cannot add %s: %s\n", demo_orgs[i].name, fe.n ? fe.e[0].message : "?");
			return -1;
		}
		putchar('.');
		fflush(stdout);
	}
	printf(" %zu\n", ARRAY_LEN(demo_orgs));
	struct arena *a = arena_new();
	int rc = demo_schools(db, a);
	arena_free(a);
	if (rc != 0)
		return -1;
	printf("demo: users");
	for (size_t i = 0; i < ARRAY_LEN(demo_users); i++) {
		if (db_int(db, 0, SQL_USER_EXISTS, "s", demo_users[i].email) > 0)
			continue;
		char org[24] = "";
		if (demo_users[i].org)
			snprintf(org, sizeof org, "%lld", (long long)db_int(db, 0, SQL_ORG_ID, "s", demo_users[i].org));
		struct user_input in = {.email = demo_users[i].email, .name = demo_users[i].name,
					.role = demo_users[i].role, .org = org,
					.school = demo_users[i].org ? NULL : "900001", .password = DEMO_PASSWORD};
		struct form_errors fe = {0};
		if (users_save(db, 0, 0, &in, &fe) == 0) {
			fprintf(stderr, "\ndemo: cannot add %s: %s\n", in.email, fe.n ? fe.e[0].message : "?");
			return -1;
		}
		putchar('.');
		fflush(stdout);
	}
	printf(" %zu\n", ARRAY_LEN(demo_users));
	if (demo_training(db) != 0 || demo_training_today(db) != 0 || demo_add_requests(db) != 0 ||
	    demo_targets(db) != 0)
		return -1;
	printf("demo: campaigns");
	if (demo_campaigns(db, db_int(db, 0, SQL_DEMO_LEAD, "")) != 0)
		return -1;
	a = arena_new();
	rc = demo_delivery_records(db) == 0 && demo_surveys(db, a) == 0 ? 0 : -1;
	arena_free(a);
	if (rc != 0)
		return -1;
	printf("\nDemo sign-ins (password \"%s\" for each):\n", DEMO_PASSWORD);
	for (size_t i = 0; i < ARRAY_LEN(demo_users); i++)
		printf("  %-13s %s\n", demo_users[i].role, demo_users[i].email);
	return 0;
}
