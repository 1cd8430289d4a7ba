/* bench_data.c — the data set `make bench` measures against, and the disk's commit limit.
 *
 * bench-data writes ten years of a programme the size of Greater Essex's, times the scale, with a
 * fixed seed: every row goes through a prepared statement, each table in one large transaction, and
 * every CHECK, UNIQUE and foreign key of the schema holds, as do the booking rules (never more booked
 * than capacity, one live booking per person per session, a waiting list only on a full session).
 * Times are spread evenly over the ten years up to one year ahead of now, so ids follow time as they
 * would in use. */
#include "bench_data.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "auth.h"
#include "catalog.h"
#include "db.h"
#include "placements.h"
#include "survey.h"
#include "survey_instrument.h"
#include "util.h"

enum {
	DAY = 86400,
	YEAR = 365 * DAY,
	SEED = 20261122,
	/* per unit of scale: one Greater-Essex-sized decade */
	ORGS = 40,
	SETTINGS = 200,
	TRAINERS = 20,
	PRACTITIONERS = 2000,
	SESSIONS = 5000,
	BOOKINGS = 50000,
	DELIVERIES = 10000,
	RESPONSES = 100000,
	RUN_SIZE = 30,
	PLACEMENTS = 500,
	SCANS = 500000,
	PLEDGES = 50,
	REACH = 200,
	/* fixed ids */
	ADMIN_ID = 1,
	ANALYST_ID = 2,
	LEAD_ID = 3,
	FIRST_TRAINER = 10,
};

static const char *const leaf_areas[] = {"southend",  "thurrock",      "basildon", "braintree",  "brentwood",
					 "castle-point", "chelmsford", "colchester",   "epping-forest", "harlow",
					 "maldon",   "rochford",      "tendring", "uttlesford"};
static const char *const sector_ids[] = {"police",    "health",    "local-authority", "housing", "education",
					 "probation", "voluntary", "employer",        "other"};

struct gen {
	struct db *db;
	uint64_t rng;
	int scale;
	int64_t now, t0, t1; /* the data spans [t0, t1): nine years back to one year ahead */
	struct timespec started;
	/* ids: users are FIRST_TRAINER.. trainers, then practitioners, then the bench's bookers */
	int ntrainers, npractitioners, nsettings, norgs;
	int64_t first_practitioner, first_booker;
	int *user_org; /* org index of practitioner i */
	int64_t nsessions, nplacements;
	const char *stage;
	int64_t stage_total, stage_next;
};

/* xorshift64*: fast, and the same sequence on every machine. */
static uint64_t rnd(struct gen *g)
{
	g->rng ^= g->rng >> 12;
	g->rng ^= g->rng << 25;
	g->rng ^= g->rng >> 27;
	return g->rng * 2685821657736338717ULL;
}

/* Uniform in [lo, hi]. */
static int64_t between(struct gen *g, int64_t lo, int64_t hi)
{
	return lo + (int64_t)(rnd(g) % (uint64_t)(hi - lo + 1));
}

static bool chance(struct gen *g, int percent)
{
	return (int)(rnd(g) % 100) < percent;
}

static double elapsed(const struct gen *g)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)(t.tv_sec - g->started.tv_sec) + (double)(t.tv_nsec - g->started.tv_nsec) / 1e9;
}

static void stage_begin(struct gen *g, const char *what, int64_t total)
{
	g->stage = what;
	g->stage_total = total;
	g->stage_next = total / 10;
	if (db_begin(g->db) != DB_OK)
		die("bench-data: cannot begin a transaction");
}

static void tick(struct gen *g, int64_t done)
{
	if (done < g->stage_next || g->stage_total < 10000)
		return;
	fprintf(stderr, "bench-data: %-17s %3d%%  (%.1f s)\n", g->stage, (int)(done * 100 / g->stage_total), elapsed(g));
	g->stage_next += g->stage_total / 10;
}

static void stage_end(struct gen *g, int64_t rows)
{
	if (db_commit(g->db) != DB_OK)
		die("bench-data: %s: the commit failed", g->stage);
	fprintf(stderr, "bench-data: %-17s %lld rows  (%.1f s)\n", g->stage, (long long)rows, elapsed(g));
}

/* A failed insert is a bug in the generator: the schema refused something it should not have. */
static void must(struct gen *g, enum db_rc rc)
{
	if (rc != DB_OK)
		die("bench-data: %s: a row was refused (%d)", g->stage, (int)rc);
}

static int64_t not_after(int64_t t, int64_t limit)
{
	return t < limit ? t : limit;
}

/* The local calendar date of t, as the schema's TEXT dates are. */
static void day_text(int64_t t, char out[11])
{
	time_t tt = (time_t)t;
	struct tm tm;
	localtime_r(&tt, &tm);
	strftime(out, 11, "%Y-%m-%d", &tm);
}

/* The n-th distinct code of len Crockford base32 characters: an odd multiplier permutes the numbers
 * below 32^len, so codes never repeat and do not follow each other. */
static void code_of(int64_t n, int len, char *out)
{
	static const char alphabet[] = SURVEY_CODE_ALPHABET;
	uint64_t mask = (len * 5 >= 64) ? ~0ULL : (1ULL << (len * 5)) - 1;
	uint64_t v = ((uint64_t)n * 0x9E3779B97F4A7C15ULL + 0x5DEECE66DULL) & mask;
	for (int i = len - 1; i >= 0; i--, v >>= 5)
		out[i] = alphabet[v & 31];
	out[len] = '\0';
}

static const char SQL_ANY[] = "SELECT (SELECT count(*) FROM users) + (SELECT count(*) FROM sessions)"
			      " + (SELECT count(*) FROM settings)";

/* ---- reference rows: organisations, settings, people ---- */

static const char SQL_ORG[] = "INSERT INTO organisations (id, name, sector, area, created_at) VALUES (?, ?, ?, ?, ?)";

static void organisations(struct gen *g)
{
	stage_begin(g, "organisations", g->norgs);
	char name[64];
	for (int i = 0; i < g->norgs; i++) {
		snprintf(name, sizeof name, "Bench Organisation %05d", i + 1);
		must(g, db_exec(g->db, SQL_ORG, "IsssI", (int64_t)i + 1, name, sector_ids[i % ARRAY_LEN(sector_ids)],
				leaf_areas[i % ARRAY_LEN(leaf_areas)], g->t0 - YEAR));
	}
	stage_end(g, g->norgs);
}

/* An unknown roll is -1 here and NULL in the table. */
static const char SQL_SETTING[] = "INSERT INTO settings (urn, name, phase, area, y7, y8, y9, y10, y11, y12, y13)"
				  " VALUES (?, ?, ?, ?, nullif(?, -1), nullif(?, -1), nullif(?, -1), nullif(?, -1),"
				  " nullif(?, -1), nullif(?, -1), nullif(?, -1))";

/* Phases in roughly the proportions of a county's settings; he and fe-college have no year groups. */
static const char *phase_of(int i)
{
	static const char *const phases[20] = {
		"secondary", "secondary", "secondary", "secondary", "secondary",   "secondary", "secondary",
		"secondary", "secondary", "secondary", "secondary", "all-through", "special",   "special",
		"alternative-provision", "alternative-provision", "sixth-form", "fe-college", "fe-college", "he"};
	return phases[i % 20];
}

static bool has_years(const char *phase)
{
	return strcmp(phase, "he") != 0 && strcmp(phase, "fe-college") != 0;
}

static void settings(struct gen *g)
{
	stage_begin(g, "settings", g->nsettings);
	char urn[12], name[64];
	for (int i = 0; i < g->nsettings; i++) {
		const char *phase = phase_of(i);
		snprintf(urn, sizeof urn, "%06d", 100000 + i);
		snprintf(name, sizeof name, "Bench School %05d", i + 1);
		bool small = strcmp(phase, "special") == 0 || strcmp(phase, "alternative-provision") == 0;
		bool sixth = strcmp(phase, "sixth-form") == 0;
		int roll[7];
		for (int y = 0; y < 7; y++) {
			bool taught = has_years(phase) && (sixth ? y >= 5 : (y < 5 || strcmp(phase, "all-through") == 0));
			roll[y] = taught ? (int)(small ? between(g, 5, 20) : between(g, 120, 260)) : -1;
		}
		must(g, db_exec(g->db, SQL_SETTING, "ssssiiiiiii", urn, name, phase, leaf_areas[i % ARRAY_LEN(leaf_areas)], roll[0], roll[1],
				roll[2], roll[3], roll[4], roll[5], roll[6]));
	}
	stage_end(g, g->nsettings);
}

static const char SQL_USER[] = "INSERT INTO users (id, email, name, role, org_id, password_hash, created_at)"
			       " VALUES (?, ?, ?, ?, nullif(?, 0), ?, ?)";

static void people(struct gen *g)
{
	int64_t total = 3 + g->ntrainers + g->npractitioners + BENCH_BOOKERS;
	stage_begin(g, "people", total);
	/* The admin can sign in, to look around the data set; nobody else has a password. */
	char *hash = auth_hash_password("lantern-bench");
	int64_t created = g->t0 - YEAR;
	must(g, db_exec(g->db, SQL_USER, "IsssisI", (int64_t)ADMIN_ID, "admin@bench.example", "Bench Admin", "admin", 0,
			hash, created));
	free(hash);
	must(g, db_exec(g->db, SQL_USER, "IsssisI", (int64_t)ANALYST_ID, "analyst@bench.example", "Bench Analyst",
			"analyst", 0, NULL, created));
	must(g, db_exec(g->db, SQL_USER, "IsssisI", (int64_t)LEAD_ID, "campaign@bench.example", "Bench Campaigns",
			"campaign", 0, NULL, created));
	char email[64], name[64];
	for (int i = 0; i < g->ntrainers; i++) {
		snprintf(email, sizeof email, "trainer%d@bench.example", i + 1);
		snprintf(name, sizeof name, "Trainer %d", i + 1);
		must(g, db_exec(g->db, SQL_USER, "IsssisI", (int64_t)FIRST_TRAINER + i, email, name, "trainer", 0, NULL, created));
	}
	g->user_org = xcalloc((size_t)(g->npractitioners + BENCH_BOOKERS), sizeof *g->user_org);
	for (int i = 0; i < g->npractitioners + BENCH_BOOKERS; i++) {
		bool booker = i >= g->npractitioners;
		snprintf(email, sizeof email, booker ? "booker%d@bench.example" : "p%d@bench.example",
			 booker ? i - g->npractitioners + 1 : i + 1);
		snprintf(name, sizeof name, booker ? "Booker %d" : "Practitioner %d", booker ? i - g->npractitioners + 1 : i + 1);
		g->user_org[i] = (int)between(g, 0, g->norgs - 1);
		must(g, db_exec(g->db, SQL_USER, "IsssisI", g->first_practitioner + i, email, name, "practitioner",
				g->user_org[i] + 1, NULL, created));
		tick(g, i);
	}
	stage_end(g, total);
}

static const char *sector_of(const struct gen *g, int64_t user_id)
{
	return sector_ids[g->user_org[user_id - g->first_practitioner] % (int)ARRAY_LEN(sector_ids)];
}

/* ---- sessions, bookings, attendance, evaluations and pupil sessions' deliveries ---- */

static const char SQL_SESSION[] =
	"INSERT INTO sessions (id, course_id, module_id, starts_at, ends_at, capacity, venue_name, venue_address,"
	" venue_postcode, venue_room, area, reserved_sector, reserved_places, reserved_until, school_urn, year_group,"
	" pupils_expected, status, created_at, cancelled_at, pupils_present)"
	" VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, nullif(?, 0), ?, nullif(?, 0), nullif(?, 0), ?, ?, nullif(?, 0),"
	" nullif(?, -1))";
static const char SQL_TRAINER[] = "INSERT INTO session_trainers (session_id, user_id) VALUES (?, ?)";
static const char SQL_BOOKING[] =
	"INSERT INTO bookings (session_id, user_id, sector, status, created_at, booked_at, cancelled_at, booked_by)"
	" VALUES (?, ?, ?, ?, ?, nullif(?, 0), nullif(?, 0), ?)";
static const char SQL_EVALUATION[] =
	"INSERT INTO evaluations (booking_id, submitted_at, usefulness, recognise_before, recognise_after, act_before,"
	" act_after) VALUES (?, ?, ?, ?, ?, ?, ?)";
static const char SQL_DELIVERY[] =
	"INSERT INTO deliveries (urn, course_id, module_id, year_group, delivered_on, pupils_reached, session_id,"
	" recorded_by, created_at) VALUES (?, 'risk-avert', ?, ?, ?, ?, nullif(?, 0), ?, ?)";

/* Courses people book (every audience but pupils), and the pupil programme. */
struct courses {
	const struct course *open[CATALOG_MAX_ITEMS];
	int nopen;
	const struct course *pupil;
};

static void courses_of(struct courses *cs)
{
	const struct catalog *cat = catalog_get();
	memset(cs, 0, sizeof *cs);
	for (int i = 0; i < cat->ncourses && cs->nopen < CATALOG_MAX_ITEMS; i++) {
		if (course_is_pupil(&cat->courses[i]))
			cs->pupil = cs->pupil ? cs->pupil : &cat->courses[i];
		else
			cs->open[cs->nopen++] = &cat->courses[i];
	}
	if (cs->nopen == 0 || cs->pupil == NULL || cs->pupil->nmodules == 0)
		die("bench-data: the catalogue needs a pupil programme with modules and at least one other course");
}

/* A setting with year groups, and one of them the module suits; false if the draw found none. */
static bool pupil_target(struct gen *g, const struct module *m, int *setting, int *year)
{
	for (int tries = 0; tries < 20; tries++) {
		int s = (int)between(g, 0, g->nsettings - 1);
		const char *phase = phase_of(s);
		if (!has_years(phase))
			continue;
		int y = m->year_groups[between(g, 0, m->nyears - 1)];
		bool sixth = strcmp(phase, "sixth-form") == 0, all = strcmp(phase, "all-through") == 0;
		if (all || (sixth ? y >= 12 : y <= 11)) {
			*setting = s;
			*year = y;
			return true;
		}
	}
	return false;
}

struct attendance_mix {
	int percent;
	const char *status;
};
/* What became of booked places at sessions that have happened. */
static const struct attendance_mix outcomes[] = {
	{70, "attended"}, {5, "late"}, {3, "partial"}, {12, "absent"}, {5, "excused"}, {5, "cancelled"},
};

static const char *outcome(struct gen *g)
{
	int r = (int)between(g, 0, 99), acc = 0;
	for (size_t i = 0; i < ARRAY_LEN(outcomes); i++)
		if (r < (acc += outcomes[i].percent))
			return outcomes[i].status;
	return "attended";
}

/* Bookings of one open session: n distinct practitioners in arrival order. The first `capacity`
 * hold places; later ones wait (upcoming) or were never given one (past, so cancelled). */
static int64_t book_session(struct gen *g, int64_t sid, int64_t starts, int64_t ends, int capacity, bool cancelled,
			    int64_t *evaluations)
{
	int n = (int)between(g, 3, 22);
	bool past = ends <= g->now;
	/* A session's evaluations count (O5.7, the evaluation report) only once there are ten of them: in
	 * about a third of sessions nine in ten who came give one, so the bigger of those are released. */
	int evaluate = chance(g, 33) ? 90 : 20;
	int64_t first = between(g, 0, g->npractitioners - 1);
	int64_t created = starts - between(g, 20, 60) * DAY;
	for (int k = 0; k < n; k++) {
		/* 7919 is prime and does not divide the number of practitioners: distinct people. */
		int64_t user = g->first_practitioner + (first + (int64_t)k * 7919) % g->npractitioners;
		created += between(g, 60, 2 * DAY);
		created = not_after(created, starts - 1);
		created = not_after(created, g->now);
		bool seat = k < capacity;
		const char *status;
		int64_t booked_at = seat ? created : 0, cancelled_at = 0;
		if (cancelled) {
			status = "cancelled";
			cancelled_at = starts - DAY;
		} else if (past) {
			status = seat ? outcome(g) : "cancelled";
			if (strcmp(status, "cancelled") == 0)
				cancelled_at = seat ? starts - between(g, 1, 10) * DAY : starts;
		} else if (seat) {
			/* A cancelled place would have gone to the waiting list, so only sessions without one have them. */
			status = n <= capacity && chance(g, 5) ? "cancelled" : "booked";
			if (strcmp(status, "cancelled") == 0)
				cancelled_at = created + 1;
		} else {
			status = "waitlisted";
		}
		cancelled_at = not_after(cancelled_at, g->now);
		must(g, db_exec(g->db, SQL_BOOKING, "IIssIIII", sid, user, sector_of(g, user), status, created, booked_at,
				cancelled_at, user));
		bool came = strcmp(status, "attended") == 0 || strcmp(status, "late") == 0 || strcmp(status, "partial") == 0;
		if (came && chance(g, evaluate)) {
			int before = (int)between(g, 1, 4);
			must(g, db_exec(g->db, SQL_EVALUATION, "IIiiiii", db_last_id(g->db), ends + between(g, 600, 3 * DAY),
					(int)between(g, 3, 5), before, (int)between(g, before, 5), before,
					(int)between(g, before, 5)));
			(*evaluations)++;
		}
	}
	return n;
}

/* Session ids the booking bench may book the bookers onto: upcoming, open, not full of rules. */
struct open_list {
	int64_t ids[BENCH_OPEN_SESSIONS];
	int n;
};

static void sessions_and_bookings(struct gen *g, struct open_list *open)
{
	struct courses cs;
	courses_of(&cs);
	int64_t bookings = 0, evaluations = 0, deliveries = 0, future_open = 0;
	/* Upcoming open sessions: about a tenth; every k-th goes to the bench's list. */
	int64_t every = g->nsessions / 10 * 8 / 10 / BENCH_OPEN_SESSIONS;
	if (every < 1)
		every = 1;
	stage_begin(g, "sessions+bookings", g->nsessions);
	char venue[64], address[96], postcode[16], day[11];
	for (int64_t i = 0; i < g->nsessions; i++) {
		int64_t sid = i + 1;
		int64_t starts = g->t0 + (g->t1 - g->t0) / g->nsessions * i + between(g, 0, 3600);
		starts -= starts % 1800; /* on the half hour */
		bool pupil = i % 5 == 4;
		const struct course *c = pupil ? cs.pupil : cs.open[i % cs.nopen];
		const struct module *m = pupil ? &c->modules[between(g, 0, c->nmodules - 1)] : NULL;
		int setting = 0, year = 0;
		if (pupil && !pupil_target(g, m, &setting, &year))
			pupil = false, c = cs.open[0], m = NULL;
		int64_t ends = starts + (c->duration_minutes > 0 ? c->duration_minutes : 120) * 60;
		bool cancelled = chance(g, 2);
		int capacity = c->default_capacity > 0 ? c->default_capacity : 20;
		int expected = 0, present = -1;
		char urn[12] = "";
		if (pupil) {
			snprintf(urn, sizeof urn, "%06d", 100000 + setting);
			expected = (int)between(g, 20, 200);
			capacity = expected;
			if (ends <= g->now && !cancelled)
				present = expected - (int)between(g, 0, expected / 10);
		}
		/* A few reserve places for the health sector until a week before. */
		bool reserve = !pupil && chance(g, 2);
		snprintf(venue, sizeof venue, "Bench Venue %lld", (long long)(i % 997 + 1));
		snprintf(address, sizeof address, "%lld Example Road\nBench Town", (long long)(i % 97 + 1));
		snprintf(postcode, sizeof postcode, "SS%d %dAA", (int)(i % 20 + 1), (int)(i % 9 + 1));
		const char *area = pupil ? leaf_areas[setting % ARRAY_LEN(leaf_areas)] : leaf_areas[i % ARRAY_LEN(leaf_areas)];
		must(g, db_exec(g->db, SQL_SESSION, "IssIIissssssiIsiisIIi", sid, c->id, m ? m->id : NULL, starts, ends, capacity,
				venue, address, postcode, pupil ? "Hall" : "Room 1", area, reserve ? "health" : NULL,
				reserve ? 4 : 0, reserve ? starts - 7 * DAY : 0, pupil ? urn : NULL, year, expected,
				cancelled ? "cancelled" : "scheduled", not_after(starts - 60 * DAY, g->now),
				cancelled ? not_after(starts - 3 * DAY, g->now) : 0,
				present));
		must(g, db_exec(g->db, SQL_TRAINER, "II", sid, (int64_t)FIRST_TRAINER + i % g->ntrainers));
		if (chance(g, 20))
			must(g, db_exec(g->db, SQL_TRAINER, "II", sid, (int64_t)FIRST_TRAINER + (i + 7) % g->ntrainers));
		if (pupil && present >= 0) {
			day_text(starts, day);
			must(g, db_exec(g->db, SQL_DELIVERY, "ssisiIII", urn, m->id, year, day, present, sid, (int64_t)FIRST_TRAINER,
					ends));
			deliveries++;
		}
		if (!pupil)
			bookings += book_session(g, sid, starts, ends, capacity, cancelled, &evaluations);
		if (!pupil && !cancelled && !reserve && starts > g->now + 7 * DAY && open->n < BENCH_OPEN_SESSIONS &&
		    future_open++ % every == 0)
			open->ids[open->n++] = sid;
		tick(g, i);
	}
	stage_end(g, g->nsessions);
	fprintf(stderr, "bench-data: %lld bookings, %lld evaluations, %lld deliveries from head-counts\n",
		(long long)bookings, (long long)evaluations, (long long)deliveries);
}

/* Deliveries recorded by hand (not from a session), spread over the ten years. */
static void deliveries(struct gen *g)
{
	struct courses cs;
	courses_of(&cs);
	int64_t n = (int64_t)DELIVERIES * g->scale * 9 / 10;
	stage_begin(g, "deliveries", n);
	char urn[12], day[11];
	int64_t done = 0;
	for (int64_t i = 0; i < n; i++) {
		const struct module *m = &cs.pupil->modules[between(g, 0, cs.pupil->nmodules - 1)];
		int setting, year;
		if (!pupil_target(g, m, &setting, &year))
			continue;
		snprintf(urn, sizeof urn, "%06d", 100000 + setting);
		int64_t when = g->t0 + (g->now - g->t0) / n * i;
		day_text(when, day);
		must(g, db_exec(g->db, SQL_DELIVERY, "ssisiIII", urn, m->id, year, day, (int)between(g, 5, 240), (int64_t)0,
				(int64_t)FIRST_TRAINER + i % g->ntrainers, when));
		tick(g, ++done);
	}
	stage_end(g, done);
}

/* ---- the pupil survey ---- */

static const char SQL_RUN[] = "INSERT INTO survey_runs (id, urn, year_group, phase, code, opened_by, opened_at, closes_at,"
			      " closed_at, max_responses) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";
static const char SQL_RESPONSE[] = "INSERT INTO survey_responses (run_id, submitted_at, q1, q2, q3, q4, s1, s2, s3, s4,"
				   " good_understanding) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";

/* One pupil's answers; after the programme (post) they agree more and get more stories right. */
static void answers(struct gen *g, bool post, struct survey_answers *a)
{
	for (int q = 0; q < SURVEY_STATEMENTS; q++)
		a->q[q] = (int)between(g, post ? 3 : 2, 5);
	for (int s = 0; s < SURVEY_SCENARIOS; s++) {
		const char *right = survey_instrument.scenarios[s].right;
		int r = (int)between(g, 0, 99);
		a->s[s] = r < (post ? 80 : 60) ? right : r < 90 ? (strcmp(right, "healthy") == 0 ? "unhealthy" : "healthy")
						     : "not-sure";
	}
}

static void surveys(struct gen *g)
{
	int64_t runs = (int64_t)RESPONSES * g->scale / RUN_SIZE;
	stage_begin(g, "survey responses", runs * RUN_SIZE);
	char urn[12], code[SURVEY_CODE_LEN + 1];
	int64_t done = 0;
	for (int64_t i = 0; i < runs; i++) {
		int setting = (int)between(g, 0, g->nsettings - 1), year;
		while (!has_years(phase_of(setting)))
			setting = (setting + 1) % g->nsettings;
		bool sixth = strcmp(phase_of(setting), "sixth-form") == 0;
		year = sixth ? (int)between(g, 12, 13) : (int)between(g, 7, 11);
		snprintf(urn, sizeof urn, "%06d", 100000 + setting);
		code_of(i, SURVEY_CODE_LEN, code);
		bool post = i % 2 == 1;
		int64_t opened = g->t0 + (g->now - 2 * DAY - g->t0) / runs * i;
		must(g, db_exec(g->db, SQL_RUN, "IsissIIIIi", i + 1, urn, year, post ? "post" : "pre", code,
				(int64_t)FIRST_TRAINER + i % g->ntrainers, opened, opened + SURVEY_OPEN_SECONDS, opened + 3600,
				RUN_SIZE));
		for (int k = 0; k < RUN_SIZE; k++) {
			struct survey_answers a;
			answers(g, post, &a);
			must(g, db_exec(g->db, SQL_RESPONSE, "IIiiiissssi", i + 1, opened + 60 + k * 30, a.q[0], a.q[1], a.q[2],
					a.q[3], a.s[0], a.s[1], a.s[2], a.s[3], survey_good_understanding(&a) ? 1 : 0));
			tick(g, ++done);
		}
	}
	stage_end(g, done);
}

/* ---- campaigns: placements, scans, other reach, pledges ---- */

static const char SQL_PLACEMENT[] = "INSERT INTO placements (id, campaign_id, material_id, place, area, quantity,"
				    " placed_on, lang, code, created_by, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";
static const char SQL_SCAN[] = "INSERT INTO scans (placement_id, scanned_at) VALUES (?, ?)";
static const char SQL_SCAN_TOTALS[] = "INSERT INTO scan_daily (area, day, n)"
				      " SELECT p.area, date(c.scanned_at, 'unixepoch', 'localtime'), count(*) FROM scans c"
				      " JOIN placements p ON p.id = c.placement_id GROUP BY 1, 2";
static const char SQL_REACH[] = "INSERT INTO campaign_reach (campaign_id, kind, happened_on, area, count, source,"
				" created_by, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)";
static const char SQL_PLEDGE[] = "INSERT INTO employer_pledges (employer, sector, area, signed_on, contact_role,"
				 " campaign_id, created_by, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)";

/* When placement i went up: evenly over the ten years to now. */
static int64_t placed_at(const struct gen *g, int64_t i)
{
	return g->t0 + (g->now - DAY - g->t0) / g->nplacements * i;
}

static void placements(struct gen *g)
{
	const struct catalog *cat = catalog_get();
	if (cat->ncampaigns == 0)
		die("bench-data: the catalogue has no campaigns");
	stage_begin(g, "placements", g->nplacements);
	char place[64], day[11], code[PLACEMENT_CODE_LEN + 1];
	for (int64_t i = 0; i < g->nplacements; i++) {
		const struct campaign *c = &cat->campaigns[i % cat->ncampaigns];
		const struct material *m = &c->materials[(i / cat->ncampaigns) % c->nmaterials];
		snprintf(place, sizeof place, "Bench place %lld", (long long)i + 1);
		day_text(placed_at(g, i), day);
		code_of(i, PLACEMENT_CODE_LEN, code);
		must(g, db_exec(g->db, SQL_PLACEMENT, "IssssisssiI", i + 1, c->id, m->id, place,
				leaf_areas[i % ARRAY_LEN(leaf_areas)], (int)between(g, 1, 500), day, m->lang, code, LEAD_ID,
				placed_at(g, i)));
	}
	stage_end(g, g->nplacements);
}

static void scans(struct gen *g)
{
	int64_t n = (int64_t)SCANS * g->scale;
	stage_begin(g, "scans", n);
	int64_t from = placed_at(g, 0) + DAY, span = g->now - from;
	for (int64_t i = 0; i < n; i++) {
		int64_t at = from + span / n * i + between(g, 0, span / n);
		/* Mostly the last 200 placements up before the scan: posters are scanned while they are new. */
		int64_t newest = (at - g->t0) * g->nplacements / (g->now - DAY - g->t0);
		if (newest >= g->nplacements)
			newest = g->nplacements - 1;
		int64_t oldest = newest > 200 ? newest - 200 : 0;
		must(g, db_exec(g->db, SQL_SCAN, "II", between(g, oldest, newest) + 1, at));
		tick(g, i);
	}
	/* Scans written here bypass scanq.c, which keeps the daily totals: add them up once. */
	must(g, db_exec(g->db, SQL_SCAN_TOTALS, ""));
	stage_end(g, n);
}

static void reach_and_pledges(struct gen *g)
{
	static const char *const kinds[] = {"event", "press", "radio", "social"};
	const struct catalog *cat = catalog_get();
	int64_t nreach = (int64_t)REACH * g->scale, npledges = (int64_t)PLEDGES * g->scale;
	stage_begin(g, "reach+pledges", nreach + npledges);
	char day[11], name[64];
	for (int64_t i = 0; i < nreach; i++) {
		int64_t when = g->t0 + (g->now - g->t0) / nreach * i;
		day_text(when, day);
		must(g, db_exec(g->db, SQL_REACH, "ssssisiI", cat->campaigns[i % cat->ncampaigns].id, kinds[i % 4], day,
				leaf_areas[i % ARRAY_LEN(leaf_areas)], (int)between(g, 10, 5000), "Bench source", LEAD_ID, when));
	}
	for (int64_t i = 0; i < npledges; i++) {
		int64_t when = g->t0 + (g->now - g->t0) / npledges * i;
		day_text(when, day);
		snprintf(name, sizeof name, "Bench Employer %05lld", (long long)i + 1);
		must(g, db_exec(g->db, SQL_PLEDGE, "ssssssiI", name, sector_ids[i % ARRAY_LEN(sector_ids)],
				leaf_areas[i % ARRAY_LEN(leaf_areas)], day, "HR lead",
				i % 3 ? cat->campaigns[i % cat->ncampaigns].id : NULL, LEAD_ID, when));
	}
	stage_end(g, nreach + npledges);
}

/* ---- what the wrk scripts read ---- */

static FILE *out_file(const char *dir, const char *name)
{
	char *path = xasprintf("%s/%s", dir, name);
	FILE *f = fopen(path, "w");
	if (f == NULL)
		die("bench-data: cannot write %s", path);
	free(path);
	return f;
}

static void one_line(const char *dir, const char *name, const char *text)
{
	FILE *f = out_file(dir, name);
	fprintf(f, "%s\n", text);
	fclose(f);
}

static void credentials(struct gen *g, const struct open_list *open, const char *dir)
{
	struct arena *a = arena_new();
	stage_begin(g, "tokens", BENCH_BOOKERS);
	FILE *f = out_file(dir, "bench-tokens.txt");
	for (int i = 0; i < BENCH_BOOKERS; i++) {
		const char *token = auth_token_create(g->db, a, g->first_booker + i, "bench");
		if (token == NULL)
			die("bench-data: cannot create a token");
		fprintf(f, "%s\n", token);
	}
	fclose(f);
	/* The session list and API are read as an ordinary practitioner with a booking history. */
	const char *api = auth_token_create(g->db, a, g->first_practitioner, "bench");
	const char *cookie = auth_session_create(g->db, a, g->first_practitioner);
	const char *analyst = auth_session_create(g->db, a, ANALYST_ID);
	if (api == NULL || cookie == NULL || analyst == NULL)
		die("bench-data: cannot create a session");
	stage_end(g, BENCH_BOOKERS + 3);
	one_line(dir, "bench-api-token.txt", api);
	one_line(dir, "bench-cookie.txt", cookie);
	one_line(dir, "bench-cookie-analyst.txt", analyst);
	f = out_file(dir, "bench-sessions.txt");
	for (int i = 0; i < open->n; i++)
		fprintf(f, "%lld\n", (long long)open->ids[i]);
	fclose(f);
	f = out_file(dir, "bench-codes.txt");
	char code[PLACEMENT_CODE_LEN + 1];
	for (int i = 0; i < BENCH_CODES; i++) {
		/* The newer placements, as a live campaign's scans would be. */
		code_of(g->nplacements - 1 - i % g->nplacements, PLACEMENT_CODE_LEN, code);
		fprintf(f, "%s\n", code);
	}
	fclose(f);
	arena_free(a);
}

int bench_data_run(struct db *db, int scale, const char *out_dir)
{
	if (db_int(db, 0, SQL_ANY, "") != 0) {
		fputs("lantern: bench-data needs an empty database (run init on a new file)\n", stderr);
		return 1;
	}
	struct gen g = {.db = db, .rng = SEED, .scale = scale, .now = now_utc()};
	clock_gettime(CLOCK_MONOTONIC, &g.started);
	g.t0 = g.now - 9 * YEAR;
	g.t1 = g.now + YEAR;
	g.norgs = ORGS * scale;
	g.nsettings = SETTINGS * scale;
	g.ntrainers = TRAINERS * scale;
	g.npractitioners = PRACTITIONERS * scale;
	g.first_practitioner = FIRST_TRAINER + g.ntrainers;
	g.first_booker = g.first_practitioner + g.npractitioners;
	g.nsessions = (int64_t)SESSIONS * scale;
	g.nplacements = (int64_t)PLACEMENTS * scale;
	if (db_bulk_load(db, true) != 0)
		return 1;
	struct open_list open = {0};
	organisations(&g);
	settings(&g);
	people(&g);
	sessions_and_bookings(&g, &open);
	deliveries(&g);
	surveys(&g);
	placements(&g);
	scans(&g);
	reach_and_pledges(&g);
	credentials(&g, &open, out_dir);
	free(g.user_org);
	if (db_bulk_load(db, false) != 0)
		return 1;
	fprintf(stderr, "bench-data: done in %.1f s (scale %d)\n", elapsed(&g), scale);
	return 0;
}

/* ---- the disk's commit limit ---- */

static const char SQL_COMMIT_TABLE[] = "CREATE TABLE IF NOT EXISTS bench_commit (id INTEGER PRIMARY KEY,"
				       " at INTEGER NOT NULL, note TEXT NOT NULL)";
static const char SQL_COMMIT_TABLE_PG[] = "CREATE TABLE IF NOT EXISTS bench_commit (id bigint GENERATED BY DEFAULT AS"
					  " IDENTITY PRIMARY KEY, at bigint NOT NULL, note text NOT NULL)";
static const char SQL_COMMIT_ROW[] = "INSERT INTO bench_commit (at, note) VALUES (?, ?)";

static int by_value(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return (x > y) - (x < y);
}

int bench_commit_run(struct db *db, double seconds)
{
	if (db_exec_script(db, db_sql(db, SQL_COMMIT_TABLE, SQL_COMMIT_TABLE_PG)) != 0)
		return 1;
	size_t cap = 1 << 16, n = 0;
	double *ms = xmalloc(cap * sizeof *ms);
	struct timespec t0, a, b;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	double total = 0;
	while (total < seconds) {
		clock_gettime(CLOCK_MONOTONIC, &a);
		/* Autocommit: each INSERT is its own transaction, synced as the server's are. */
		if (db_exec(db, SQL_COMMIT_ROW, "Is", now_utc(), "a booking-sized row of text, about sixty bytes long") != DB_OK) {
			free(ms);
			return 1;
		}
		clock_gettime(CLOCK_MONOTONIC, &b);
		if (n == cap)
			ms = xrealloc(ms, (cap *= 2) * sizeof *ms);
		ms[n++] = (double)(b.tv_sec - a.tv_sec) * 1e3 + (double)(b.tv_nsec - a.tv_nsec) / 1e6;
		total = (double)(b.tv_sec - t0.tv_sec) + (double)(b.tv_nsec - t0.tv_nsec) / 1e9;
	}
	qsort(ms, n, sizeof *ms, by_value);
	printf("commits_per_s=%.0f commits=%zu seconds=%.2f p50_ms=%.3f p99_ms=%.3f\n", (double)n / total, n, total,
	       ms[n / 2], ms[n * 99 / 100]);
	free(ms);
	return 0;
}
