/* demo.c — demonstration data: partner organisations, schools and colleges across the areas with
 * some Risk Avert deliveries and closed pupil surveys, one user per role (each with the password
 * DEMO_PASSWORD, which `make run` prints), upcoming sessions and one past session with evaluations
 * (survey and evaluation results released at once: disclosure.h), a school's request, and campaigns
 * with placements, scans, other reach and pledges. Each part is added only if it is not there yet. */
#include "demo.h"

#include <stdio.h>
#include <string.h>
#include <time.h>

#include "auth.h"
#include "catalog.h"
#include "db.h"
#include "deliveries.h"
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

/* Upcoming sessions, dated from today so the demo never goes stale. */
static const struct demo_session {
	const char *course, *module;
	int days, hour, minute, capacity;
	const char *venue, *room, *address, *postcode, *access, *area;
	const char *reserved_sector, *reserved_places;
	const char *school, *year_group, *pupils;
} demo_sessions[] = {
	{"recognising-and-responding", NULL, 10, 9, 30, 20, "Basildon Training Centre", "Room 4",
	 "12 Example Road\nBasildon", "SS14 1AA", "Step-free entrance at the side of the building. Hearing loop.",
	 "basildon", NULL, NULL, NULL, NULL, NULL},
	{"coercive-control-stalking-harassment", NULL, 17, 13, 30, 16, "Southend Civic Suite", "Committee Room 2",
	 "1 Example Square\nSouthend-on-Sea", "SS2 6AA", "Lift to all floors. Pay-and-display parking opposite.",
	 "southend", NULL, NULL, NULL, NULL, NULL},
	{"dash-risk-assessment-and-marac", NULL, 24, 9, 30, 18, "Chelmsford Learning Hub", NULL,
	 "40 Example Street\nChelmsford", "CM1 1AA", NULL, "chelmsford", "health", "4", NULL, NULL, NULL},
	{"honour-based-abuse-forced-marriage-fgm", NULL, 31, 10, 0, 15, "Grays Community Hall", "Main hall",
	 "7 Example Lane\nGrays", "RM17 6AA", NULL, "thurrock", NULL, NULL, NULL, NULL, NULL},
	{"supporting-employees", NULL, 38, 14, 0, 25, "Colchester Business Centre", "Suite B",
	 "3 Example Parade\nColchester", "CO1 1AA", NULL, "colchester", NULL, NULL, NULL, NULL, NULL},
	{"risk-avert", "healthy-relationships", 21, 10, 0, 180, "Demo Academy Southend", "Sports hall",
	 "20 Example Avenue\nSouthend-on-Sea", "SS1 1AA", NULL, "southend", NULL, NULL, "900001", "9", "175"},
};

static const char SQL_SESSIONS_ANY[] = "SELECT count(*) FROM sessions";

/* A session delivered five weeks ago, its feedback window over, whose twelve attendees (who cannot
 * sign in) all gave feedback: enough for its results to be released (disclosure.h), so the
 * evaluation results and O5.7 have something to show. sessions_save() takes only future sessions. */
static const char SQL_PAST_SESSION[] =
	"INSERT INTO sessions (course_id, starts_at, ends_at, capacity, venue_name, venue_address, venue_postcode, area,"
	" created_at) VALUES ('recognising-and-responding', ?1, ?2, 20, 'Chelmsford Learning Hub',"
	" '40 Example Street' || char(10) || 'Chelmsford', 'CM1 1AA', 'chelmsford', ?1 - 30 * 86400)";
static const char SQL_PAST_TRAINER[] =
	"INSERT INTO session_trainers (session_id, user_id) SELECT ?, id FROM users WHERE email = 'trainer@lantern.example'";
static const char SQL_PAST_BOOKING[] =
	"INSERT INTO bookings (session_id, user_id, status, created_at, booked_at) VALUES (?1, ?2, 'attended', ?3, ?3)";
static const char SQL_PAST_EVALUATION[] =
	"INSERT INTO evaluations (booking_id, submitted_at, usefulness, recognise_before, recognise_after, act_before,"
	" act_after) VALUES (?, ?, ?, ?, ?, ?, ?)";
static const char *const demo_attendees[] = {
	"Amira Bashir", "Ben Carter", "Chloe Dunn", "Dev Patel", "Ella Fox", "Femi Adeyemi",
	"Grace Holt", "Harry Iqbal", "Isla Jones", "Jack Kowalski", "Kemi Lawal", "Leah Moss",
};
static const char SQL_REQUESTS_ANY[] = "SELECT count(*) FROM session_requests";
static const char SQL_USER_ID[] = "SELECT id FROM users WHERE email = ?";

/* ISO 8601 with an offset, which sessions_save accepts like a form's local time. */
static const char *iso(char buf[32], int64_t t)
{
	time_iso_local(t, buf);
	return buf;
}

static int demo_past_session(struct db *db, struct arena *a)
{
	int64_t ends = now_utc() - 35 * 86400, starts = ends - 3 * 3600;
	if (db_exec(db, SQL_PAST_SESSION, "II", starts, ends) != DB_OK)
		return -1;
	int64_t session = db_last_id(db);
	if (db_exec(db, SQL_PAST_TRAINER, "I", session) != DB_OK)
		return -1;
	const char *org = arena_printf(a, "%lld", (long long)db_int(db, 0, SQL_ORG_ID, "s", demo_orgs[1].name));
	for (size_t i = 0; i < ARRAY_LEN(demo_attendees); i++) {
		struct user_input in = {.email = arena_printf(a, "attendee%02zu@lantern.example", i + 1),
					.name = demo_attendees[i], .role = "practitioner", .org = org, .no_password = true};
		struct form_errors fe = {0};
		int64_t user = users_save(db, 0, 0, &in, &fe);
		if (user == 0 || db_exec(db, SQL_PAST_BOOKING, "III", session, user, starts - 14 * 86400) != DB_OK)
			return -1;
		/* More confident after than before; three of the twelve still not confident to act. */
		int k = (int)i;
		if (db_exec(db, SQL_PAST_EVALUATION, "IIiiiii", db_last_id(db), ends + 3600 * (k + 1), 4 + k % 2, 2 + k % 2,
			    4, 2 + k % 2, k % 4 == 3 ? 3 : 4 + k % 2) != DB_OK)
			return -1;
	}
	return 0;
}

static int demo_add_sessions(struct db *db)
{
	if (db_int(db, 0, SQL_SESSIONS_ANY, "") > 0)
		return 0;
	struct user admin = {.id = db_int(db, 0, SQL_USER_ID, "s", "admin@lantern.example"),
			     .email = "admin@lantern.example", .name = "Alex Admin", .role = ROLE_ADMIN};
	struct arena *a = arena_new();
	int rc = 0;
	printf("demo: sessions");
	for (size_t i = 0; i < ARRAY_LEN(demo_sessions) && rc == 0; i++) {
		const struct demo_session *d = &demo_sessions[i];
		/* Local wall-clock time on the day, so 9:30 stays 9:30 across a clock change. */
		time_t day = (time_t)(now_utc() + (int64_t)d->days * 86400);
		struct tm tm;
		localtime_r(&day, &tm);
		/* Training and school sessions run on weekdays. */
		if (tm.tm_wday == 0 || tm.tm_wday == 6) {
			day += (tm.tm_wday == 6 ? 2 : 1) * 86400;
			localtime_r(&day, &tm);
		}
		char local[48], ends[32], closes[32], cutoff[32], until[32];
		snprintf(local, sizeof local, "%04d-%02d-%02dT%02d:%02d", tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday,
			 d->hour, d->minute);
		int64_t start;
		const struct course *c = catalog_course(d->course);
		if (c == NULL || !valid_datetime(local, &start)) {
			rc = -1;
			break;
		}
		struct session_input in = {
			.course = d->course, .module = d->module, .starts_at = local,
			.ends_at = iso(ends, start + (int64_t)c->duration_minutes * 60),
			.capacity = arena_printf(a, "%d", d->capacity), .venue_name = d->venue, .venue_room = d->room,
			.venue_address = d->address, .venue_postcode = d->postcode, .venue_access = d->access,
			.area = d->area, .trainers = "trainer@lantern.example", .school = d->school,
			.year_group = d->year_group, .pupils_expected = d->pupils,
			.booking_closes_at = d->school ? NULL : iso(closes, start - 86400),
			.cancel_cutoff_at = d->school ? NULL : iso(cutoff, start - 2 * 86400),
			.reserved_sector = d->reserved_sector, .reserved_places = d->reserved_places,
			.reserved_until = d->reserved_places ? iso(until, start - 7 * 86400) : NULL,
		};
		struct form_errors fe = {0};
		if (sessions_save(db, a, &admin, 0, &in, &fe) == 0) {
			fprintf(stderr, "\ndemo: cannot add a %s session: %s %s\n", d->course, fe.n ? fe.e[0].field : "",
				fe.n ? fe.e[0].message : "?");
			rc = -1;
		}
		putchar('.');
		fflush(stdout);
	}
	if (rc == 0 && demo_past_session(db, a) != 0) {
		fprintf(stderr, "\ndemo: cannot add the past session and its evaluations\n");
		rc = -1;
	}
	if (rc == 0)
		printf(" %zu, and one past with %zu evaluations\n", ARRAY_LEN(demo_sessions), ARRAY_LEN(demo_attendees));
	arena_free(a);
	return rc;
}

/* One open request, so the confirm page has something to show. */
static int demo_add_request(struct db *db)
{
	if (db_int(db, 0, SQL_REQUESTS_ANY, "") > 0)
		return 0;
	struct user school = {.id = db_int(db, 0, SQL_USER_ID, "s", "school@lantern.example"),
			      .email = "school@lantern.example", .role = ROLE_SCHOOL, .school_urn = "900001"};
	struct request_input in = {.course = "risk-avert", .module = "consent-and-online", .year_group = "10",
				   .pupils_expected = "170",
				   .preferred_dates = "Any Tuesday or Thursday morning next half-term",
				   .notes = "Two tutor groups have pupils with hearing impairments; the hall has a loop."};
	struct form_errors fe = {0};
	if (requests_save(db, &school, &in, &fe) == 0) {
		fprintf(stderr, "demo: cannot add a school request: %s\n", fe.n ? fe.e[0].message : "?");
		return -1;
	}
	puts("demo: school requests 1");
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
	"INSERT OR IGNORE INTO page_feedback (page, lang, given_on, helpful, count) VALUES (?, ?, ?, ?, ?)";

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
	if (demo_add_sessions(db) != 0 || demo_add_request(db) != 0)
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
