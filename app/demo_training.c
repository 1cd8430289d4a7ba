/* demo_training.c — the demo's face-to-face training: thirty practitioners across the partners, and
 * sessions dated from today (the app's clock) so the demo never goes stale. In the past: sessions
 * with attendance marked, certificates issued and evaluations given (enough, where the feedback
 * window is over, for the results to be released: disclosure.h), one whose window is still open,
 * and one still waiting for its marks. Today: a session running now, some people checked in and the
 * demo practitioner not yet. To come: sessions with bookings, one full with a waiting list.
 *
 * Sessions go through sessions_save (so their venues are kept); the bookings, marks, certificates
 * and evaluations of finished sessions are written as the record of what happened, with no e-mail
 * queued (nobody is told twice, and the demo's addresses are not real). Today's marks go through
 * attendance_mark, as the trainer's roster would, so the server's duty issues those certificates
 * when the session ends. */
#include "demo_training.h"

#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "attendance.h"
#include "auth.h"
#include "catalog.h"
#include "db.h"
#include "sessions.h"
#include "users.h"
#include "util.h"
#include "valid.h"

#define DEMO_PRACTITIONER "practitioner@lantern.example"
#define DEMO_TRAINER "trainer@lantern.example"

/* The practitioners who fill the sessions: the first twelve work in health, the rest across the
 * partners in turn. attendeeNN@lantern.example; they cannot sign in (no password). */
static const char *const people[] = {
	"Amira Bashir", "Ben Carter",    "Chloe Dunn",    "Dev Patel",      "Ella Fox",      "Femi Adeyemi",
	"Grace Holt",   "Harry Iqbal",   "Isla Jones",    "Jack Kowalski",  "Kemi Lawal",    "Leah Moss",
	"Mo Nasser",    "Nina Osei",     "Owen Price",    "Pia Quinn",      "Rav Singh",     "Sara Thompson",
	"Tom Underwood", "Uma Varma",    "Vic Walsh",     "Will Xu",        "Yasmin Young",  "Zac Zielinski",
	"Anna Brooks",  "Callum Doyle",  "Erin Fletcher", "Gus Hamid",      "Holly Ives",    "Ian Jenkins",
};
enum { HEALTH_PEOPLE = 12, PEOPLE = sizeof people / sizeof people[0] };
static const char *const partner_orgs[] = {"Essex Police", "Southend City Council", "Thurrock Council Housing",
					   "Colchester Community Advice", "Mid and South Essex NHS Foundation Trust"};

/* One session and who booked it. marks[i] is for person first + i, in booking order: A attended,
 * L late, X absent, E excused (a session that has ended), B booked, W waiting. The demo practitioner
 * books after priya_at of them, with mark priya (0: not booked). evaluated: how many of those marked
 * as there gave feedback, in booking order, the demo practitioner too when priya_evaluates. */
struct demo_session {
	const char *course, *module;
	int days, hour, minute, capacity;
	const char *venue, *room, *address, *postcode, *access, *area;
	const char *reserved_sector, *reserved_places;
	const char *school, *year_group, *pupils;
	int first;
	const char *marks;
	char priya;
	int priya_at, evaluated;
	bool priya_evaluates;
};

#define CIVIC "Southend Civic Suite", "Committee Room 2", "1 Example Square\nSouthend-on-Sea", "SS2 6AA",             \
	      "Lift to all floors. Pay-and-display parking opposite.", "southend"
#define BASILDON "Basildon Training Centre", "Room 4", "12 Example Road\nBasildon", "SS14 1AA",                          \
		 "Step-free entrance at the side of the building. Hearing loop.", "basildon"
#define CHELMSFORD "Chelmsford Learning Hub", NULL, "40 Example Street\nChelmsford", "CM1 1AA", NULL, "chelmsford"
#define COLCHESTER "Colchester Business Centre", "Suite B", "3 Example Parade\nColchester", "CO1 1AA", NULL, "colchester"
#define GRAYS "Grays Community Hall", "Main hall", "7 Example Lane\nGrays", "RM17 6AA", NULL, "thurrock"

static const struct demo_session demo_sessions[] = {
	/* Twelve weeks ago: marked, certificates, eleven evaluations (released). */
	{"coercive-control-stalking-harassment", NULL, -84, 13, 30, 16, CIVIC, NULL, NULL, NULL, NULL, NULL,
	 12, "AAAAAAAAALX", 'A', 3, 10, true},
	/* Five weeks ago: twelve there, twelve evaluations (released; nine confident to act: O5.7). */
	{"recognising-and-responding", NULL, -35, 10, 0, 20, CHELMSFORD, NULL, NULL, NULL, NULL, NULL,
	 0, "AAAAAAAAAAAA", 0, 0, 12, false},
	/* Last week: marked, certificates; its feedback window still open, the demo practitioner's to give. */
	{"dash-risk-assessment-and-marac", NULL, -6, 9, 30, 18, BASILDON, NULL, NULL, NULL, NULL, NULL,
	 0, "AAALAAAAEX", 'A', 5, 4, false},
	/* Two days ago, still waiting for its marks. */
	{"supporting-employees", NULL, -2, 14, 0, 25, COLCHESTER, NULL, NULL, NULL, NULL, NULL,
	 22, "BBBBBBBB", 0, 0, 0, false},
	/* To come. */
	{"recognising-and-responding", NULL, 10, 9, 30, 20, BASILDON, NULL, NULL, NULL, NULL, NULL,
	 10, "BBBBBBBB", 0, 0, 0, false},
	{"coercive-control-stalking-harassment", NULL, 17, 13, 30, 16, CIVIC, NULL, NULL, NULL, NULL, NULL,
	 18, "BBBBBB", 'B', 2, 0, false},
	{"dash-risk-assessment-and-marac", NULL, 24, 9, 30, 18, CHELMSFORD, "health", "4", NULL, NULL, NULL,
	 24, "BBB", 0, 0, 0, false},
	/* Full, three waiting: the demo practitioner second in line. */
	{"honour-based-abuse-forced-marriage-fgm", NULL, 31, 10, 0, 15, GRAYS, NULL, NULL, NULL, NULL, NULL,
	 0, "BBBBBBBBBBBBBBBWW", 'W', 16, 0, false},
	{"supporting-employees", NULL, 38, 14, 0, 25, COLCHESTER, NULL, NULL, NULL, NULL, NULL,
	 5, "BBBB", 0, 0, 0, false},
	{"risk-avert", "healthy-relationships", 21, 10, 0, 180, "Demo Academy Southend", "Sports hall",
	 "20 Example Avenue\nSouthend-on-Sea", "SS1 1AA", NULL, "southend", NULL, NULL, "900001", "9", "175",
	 0, "", 0, 0, 0, false},
};

/* Today's session: running since a little before now; the first six of its twelve already checked
 * in (marked once booked, as the roster does), the demo practitioner not yet. */
static const struct demo_session demo_today = {
	"recognising-and-responding", NULL, 0, 0, 0, 20, CIVIC, NULL, NULL, NULL, NULL, NULL,
	14, "BBBBBBBBBBBB", 'B', 3, 0, false,
};
enum { TODAY_STARTED_MINUTES = 20, TODAY_CHECKED_IN = 6 };

static const char SQL_SESSIONS_ANY[] = "SELECT count(*) FROM sessions";
static const char SQL_USER_ID[] = "SELECT id FROM users WHERE email = ?";
static const char SQL_ORG_ID[] = "SELECT id FROM organisations WHERE name = ?";
static const char SQL_BOOK[] =
	"INSERT INTO bookings (session_id, user_id, sector, status, created_at, booked_at) VALUES (?1, ?2,"
	" (SELECT o.sector FROM users u JOIN organisations o ON o.id = u.org_id WHERE u.id = ?2), ?3, ?4,"
	" CASE WHEN ?3 = 'waitlisted' THEN NULL ELSE ?4 END)";
static const char SQL_CERTIFICATE[] = "INSERT INTO certificates (code, booking_id, issued_at) VALUES (?, ?, ?)";
static const char SQL_EVALUATION[] =
	"INSERT INTO evaluations (booking_id, submitted_at, usefulness, recognise_before, recognise_after, act_before,"
	" act_after) VALUES (?, ?, ?, ?, ?, ?, ?)";
/* A session of the demo's running now or about to: today's is there already. */
static const char SQL_BOOKING_OF[] = "SELECT b.id FROM bookings b JOIN users u ON u.id = b.user_id"
				     " WHERE b.session_id = ? AND u.email = ?";
static const char SQL_RUNNING[] = "SELECT count(*) FROM sessions WHERE status = 'scheduled' AND starts_at <= ?1 + 1800"
				  " AND ends_at > ?1";

/* ISO 8601 with an offset, which sessions_save accepts like a form's local time. */
static const char *iso(char buf[32], int64_t t)
{
	time_iso_local(t, buf);
	return buf;
}

static const char *email_of(struct arena *a, int person)
{
	return arena_printf(a, "attendee%02d@lantern.example", person + 1);
}

static int add_people(struct db *db, struct arena *a)
{
	for (int i = 0; i < PEOPLE; i++) {
		if (db_int(db, 0, SQL_USER_ID, "s", email_of(a, i)))
			continue;
		const char *org_name = i < HEALTH_PEOPLE ? partner_orgs[4] : partner_orgs[i % 5];
		const char *org = arena_printf(a, "%lld", (long long)db_int(db, 0, SQL_ORG_ID, "s", org_name));
		struct user_input in = {.email = email_of(a, i), .name = people[i], .role = "practitioner", .org = org,
					.no_password = true};
		struct form_errors fe = {0};
		if (users_save(db, 0, 0, &in, &fe) == 0) {
			fprintf(stderr, "\ndemo: cannot add %s: %s\n", in.email, fe.n ? fe.e[0].message : "?");
			return -1;
		}
	}
	return 0;
}

/* The local start of a demo session, days from today at its hour, on a weekday: a weekend day moves
 * forward to Monday for a session to come, back to Friday for one in the past. */
static bool start_of(const struct demo_session *d, int64_t now, int64_t *start)
{
	time_t day = (time_t)(now + (int64_t)d->days * 86400);
	struct tm tm;
	localtime_r(&day, &tm);
	if (tm.tm_wday == 0 || tm.tm_wday == 6) {
		int shift = d->days >= 0 ? (tm.tm_wday == 6 ? 2 : 1) : (tm.tm_wday == 6 ? -1 : -2);
		day += shift * 86400;
		localtime_r(&day, &tm);
	}
	char local[48];
	snprintf(local, sizeof local, "%04d-%02d-%02dT%02d:%02d", tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, d->hour,
		 d->minute);
	return valid_datetime(local, start);
}

/* Saves the session as an admin would (past ones are historic records); 0 on failure. */
static int64_t add_session(struct db *db, struct arena *a, const struct user *admin, const struct demo_session *d,
			   int64_t start)
{
	const struct course *c = catalog_course(d->course);
	if (c == NULL)
		return 0;
	char starts[32], ends[32], closes[32], cutoff[32], until[32];
	struct session_input in = {
		.course = d->course, .module = d->module, .starts_at = iso(starts, start),
		.ends_at = iso(ends, start + (int64_t)c->duration_minutes * 60),
		.capacity = arena_printf(a, "%d", d->capacity), .venue_name = d->venue, .venue_room = d->room,
		.venue_address = d->address, .venue_postcode = d->postcode, .venue_access = d->access,
		.area = d->area, .trainers = DEMO_TRAINER, .school = d->school,
		.year_group = d->year_group, .pupils_expected = d->pupils,
		.booking_closes_at = d->school ? NULL : iso(closes, start - 86400),
		.cancel_cutoff_at = d->school ? NULL : iso(cutoff, start - 2 * 86400),
		.reserved_sector = d->reserved_sector, .reserved_places = d->reserved_places,
		.reserved_until = d->reserved_places ? iso(until, start - 7 * 86400) : NULL,
	};
	struct form_errors fe = {0};
	int64_t id = sessions_save(db, a, admin, 0, &in, &fe);
	if (id == 0)
		fprintf(stderr, "\ndemo: cannot add a %s session: %s %s\n", d->course, fe.n ? fe.e[0].field : "",
			fe.n ? fe.e[0].message : "?");
	return id;
}

static const char *status_of(char mark)
{
	switch (mark) {
	case 'A': return "attended";
	case 'L': return "late";
	case 'X': return "absent";
	case 'E': return "excused";
	case 'W': return "waitlisted";
	default: return "booked";
	}
}

/* Everyone who booked the session, in booking order, with the record of what happened at it. */
static int add_bookings(struct db *db, struct arena *a, const struct demo_session *d, int64_t session)
{
	struct session s;
	if (!sessions_find(db, a, session, &s))
		return -1;
	int64_t priya = db_int(db, 0, SQL_USER_ID, "s", DEMO_PRACTITIONER);
	int n = (int)strlen(d->marks) + (d->priya != 0), evaluations = 0, others_evaluated = 0;
	for (int i = 0, k = 0; i < n; i++) {
		/* The demo practitioner's booking comes in its place in the order. */
		bool hers = d->priya && i == d->priya_at;
		char mark = hers ? d->priya : d->marks[k];
		int64_t user = hers ? priya : db_int(db, 0, SQL_USER_ID, "s", email_of(a, d->first + k));
		if (!hers)
			k++;
		int64_t booked_at = s.starts_at - 21 * 86400 + (int64_t)i * 3600;
		if (user == 0 || db_exec(db, SQL_BOOK, "IIsI", session, user, status_of(mark), booked_at) != DB_OK)
			return -1;
		int64_t booking = db_last_id(db);
		if (!attendance_present(status_of(mark)))
			continue;
		if (db_exec(db, SQL_CERTIFICATE, "sII", auth_random_token(a, 18), booking, s.ends_at + 600) != DB_OK)
			return -1;
		bool evaluates = hers ? d->priya_evaluates : others_evaluated++ < d->evaluated;
		if (!evaluates)
			continue;
		/* More confident after than before; one in four still not confident to act. */
		int e = evaluations++;
		if (db_exec(db, SQL_EVALUATION, "IIiiiii", booking, s.ends_at + 3600 * (e + 1), 4 + e % 2, 2 + e % 2, 4,
			    2 + e % 2, e % 4 == 3 ? 3 : 4 + e % 2) != DB_OK)
			return -1;
	}
	return 0;
}

static bool admin_user(struct db *db, struct user *admin)
{
	*admin = (struct user){.id = db_int(db, 0, SQL_USER_ID, "s", "admin@lantern.example"),
			       .email = "admin@lantern.example", .name = "Alex Admin", .role = ROLE_ADMIN};
	return admin->id != 0;
}

int demo_training(struct db *db)
{
	if (db_int(db, 0, SQL_SESSIONS_ANY, "") > 0)
		return 0;
	struct user admin;
	struct arena *a = arena_new();
	int rc = admin_user(db, &admin) && add_people(db, a) == 0 ? 0 : -1;
	printf("demo: sessions");
	int64_t now = now_utc();
	for (size_t i = 0; i < ARRAY_LEN(demo_sessions) && rc == 0; i++) {
		const struct demo_session *d = &demo_sessions[i];
		int64_t start, id;
		rc = -1;
		if (!start_of(d, now, &start) || (id = add_session(db, a, &admin, d, start)) == 0)
			break;
		/* A session's bookings and their record go in together, with one sync. */
		if (db_begin(db) != DB_OK)
			break;
		if (add_bookings(db, a, d, id) != 0 || db_commit(db) != DB_OK) {
			db_rollback(db);
			fprintf(stderr, "\ndemo: cannot add the bookings of a %s session\n", d->course);
			break;
		}
		rc = 0;
		putchar('.');
		fflush(stdout);
	}
	if (rc == 0)
		printf(" %zu, with %d practitioners booked\n", ARRAY_LEN(demo_sessions), PEOPLE);
	arena_free(a);
	return rc;
}

int demo_training_today(struct db *db)
{
	int64_t now = now_utc();
	if (db_int(db, 0, SQL_RUNNING, "I", now) > 0)
		return 0;
	struct user admin, trainer = {.id = db_int(db, 0, SQL_USER_ID, "s", DEMO_TRAINER), .email = DEMO_TRAINER,
				      .name = "Taylor Trainer", .role = ROLE_TRAINER};
	struct arena *a = arena_new();
	int rc = -1;
	/* On a five-minute mark, as a session would be timetabled, and today even just after midnight. */
	int64_t start = (now - TODAY_STARTED_MINUTES * 60) / 300 * 300, id;
	time_t t = (time_t)now;
	struct tm tm;
	localtime_r(&t, &tm);
	tm.tm_hour = tm.tm_min = tm.tm_sec = 0;
	tm.tm_isdst = -1;
	int64_t midnight = (int64_t)mktime(&tm);
	if (start < midnight)
		start = midnight;
	if (!admin_user(db, &admin) || trainer.id == 0 || add_people(db, a) != 0 ||
	    (id = add_session(db, a, &admin, &demo_today, start)) == 0)
		goto out;
	if (db_begin(db) != DB_OK)
		goto out;
	if (add_bookings(db, a, &demo_today, id) != 0 || db_commit(db) != DB_OK) {
		db_rollback(db);
		goto out;
	}
	/* Those checked in so far, marked as the trainer's roster marks them. */
	for (int k = 0; k < TODAY_CHECKED_IN; k++) {
		int64_t booking = db_int(db, 0, SQL_BOOKING_OF, "Is", id, email_of(a, demo_today.first + k));
		struct mark_error e = {0};
		if (attendance_mark(db, a, &trainer, booking, "attended", NULL, &e) != 0) {
			fprintf(stderr, "demo: cannot mark today's session: %s\n", e.message ? e.message : "?");
			goto out;
		}
	}
	printf("demo: a session running now, %d of %zu checked in\n", TODAY_CHECKED_IN, strlen(demo_today.marks) + 1);
	rc = 0;
out:
	arena_free(a);
	return rc;
}
