/* demo.c — demonstration data: partner organisations, schools and colleges across the areas with
 * some Risk Avert deliveries and closed pupil surveys, and one user per role, each with the password
 * DEMO_PASSWORD, which `make run` prints. Each part is added only if it is not there yet. */
#include "demo.h"

#include <stdio.h>
#include <string.h>
#include <time.h>

#include "db.h"
#include "deliveries.h"
#include "organisations.h"
#include "period.h"
#include "schools.h"
#include "survey.h"
#include "survey_instrument.h"
#include "users.h"
#include "util.h"

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
	int64_t id = survey_open(db, a, NULL, &(struct survey_run_input){urn, year, phase, "30"}, &fe);
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
		if (survey_record(db, code, &ans) != 201)
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
