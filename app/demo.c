/* demo.c — demonstration data: partner organisations, a school, one user per role (each with the
 * password DEMO_PASSWORD, which `make run` prints), upcoming sessions and a school's request. */
#include "demo.h"

#include <stdio.h>

#include "auth.h"
#include "catalog.h"
#include "db.h"
#include "organisations.h"
#include "requests.h"
#include "sessions.h"
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

static const char SQL_DEMO_SCHOOL[] =
	"INSERT OR IGNORE INTO settings (urn, name, phase, area, y7, y8, y9, y10, y11)"
	" VALUES ('900001', 'Demo Academy Southend', 'secondary', 'southend', 180, 182, 175, 170, 168)";
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
static const char SQL_REQUESTS_ANY[] = "SELECT count(*) FROM session_requests";
static const char SQL_USER_ID[] = "SELECT id FROM users WHERE email = ?";

/* ISO 8601 with an offset, which sessions_save accepts like a form's local time. */
static const char *iso(char buf[32], int64_t t)
{
	time_iso_local(t, buf);
	return buf;
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
	if (rc == 0)
		printf(" %zu\n", ARRAY_LEN(demo_sessions));
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

/* `lantern demo` runs without the server, so the catalogue sessions refer to may not be loaded. */
static int demo_catalog(bool *loaded)
{
	*loaded = false;
	if (catalog_get()->ncourses > 0)
		return 0;
	struct buf errors = {0};
	int problems = catalog_load(catalog_root(), &errors);
	if (problems)
		fprintf(stderr, "%sdemo: the catalogue in %s has problems\n", errors.data ? errors.data : "", catalog_root());
	buf_free(&errors);
	*loaded = problems == 0;
	return problems ? -1 : 0;
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
	printf(" %zu\ndemo: schools", ARRAY_LEN(demo_orgs));
	if (db_exec(db, SQL_DEMO_SCHOOL, "") != DB_OK)
		return -1;
	printf(" 1\ndemo: users");
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
	bool loaded;
	if (demo_catalog(&loaded) != 0)
		return -1;
	int rc = demo_add_sessions(db) == 0 && demo_add_request(db) == 0 ? 0 : -1;
	if (loaded)
		catalog_free();
	if (rc)
		return -1;
	printf("\nDemo sign-ins (password \"%s\" for each):\n", DEMO_PASSWORD);
	for (size_t i = 0; i < ARRAY_LEN(demo_users); i++)
		printf("  %-13s %s\n", demo_users[i].role, demo_users[i].email);
	return 0;
}
