/* trainer_sessions.c — which sessions a trainer has today, which are coming, and which past ones
 * still wait for their attendance marks: the one query behind "Your sessions" (page, home page and
 * API). A session's day is its local day (Europe/London), like every date the service shows. */
#include "trainer_sessions.h"

#include <string.h>

#include "db.h"
#include "valid.h"

/* People with a place not yet marked; for a pupil session, whether its head-count is missing. */
#define TRAINER_UNMARKED                                                                                       \
	"(CASE WHEN s.school_urn IS NULL THEN (SELECT count(*) FROM bookings b WHERE b.session_id = s.id"         \
	" AND b.status = 'booked') WHEN s.pupils_present IS NULL THEN 1 ELSE 0 END)"
#define TRAINER_FROM                                                                                           \
	"SELECT " SESSION_COLUMNS ", " TRAINER_UNMARKED " FROM session_trainers t JOIN sessions s ON s.id = t.session_id" \
	" WHERE t.user_id = ?1 AND s.status = 'scheduled'"

/* ?2 the start of today, ?3 the start of tomorrow, ?4 the row limit. */
static const char *const group_sql[TRAINER_GROUP__MAX] = {
	[TRAINER_TODAY] = TRAINER_FROM " AND s.starts_at < ?3 AND s.ends_at > ?2 ORDER BY s.starts_at, s.id LIMIT ?4",
	[TRAINER_COMING] = TRAINER_FROM " AND s.starts_at >= ?3 ORDER BY s.starts_at, s.id LIMIT ?4",
	[TRAINER_AWAITING_MARKS] = TRAINER_FROM " AND s.ends_at <= ?2 AND " TRAINER_UNMARKED " > 0"
						" ORDER BY s.starts_at DESC, s.id DESC LIMIT ?4",
};

/* Local midnight at the start of the day holding t, and of the next day. */
static void day_bounds(int64_t t, int64_t *today, int64_t *tomorrow)
{
	char iso[32];
	int y, m, d;
	time_iso_local(t, iso);
	iso[10] = '\0';
	if (!valid_date(iso, &y, &m, &d)) {
		/* time_iso_local always writes a date; this keeps a broken clock from hiding every session. */
		*today = t - t % 86400;
		*tomorrow = *today + 86400;
		return;
	}
	*today = local_midnight(y, m, d);
	*tomorrow = local_midnight(y, m, d + 1);
}

int trainer_sessions(struct db *db, struct arena *a, int64_t trainer_id, enum trainer_group g, int64_t now, int limit,
		     struct trainer_session **out, bool *more)
{
	int64_t today, tomorrow;
	day_bounds(now, &today, &tomorrow);
	struct trainer_session *list = arena_alloc(a, (size_t)(limit > 0 ? limit : 1) * sizeof *list);
	int n = 0;
	*more = false;
	struct db_stmt *st = db_query(db, group_sql[g], "IIIi", trainer_id, today, tomorrow, limit + 1);
	while (db_next(st)) {
		if (n == limit) {
			*more = true;
			break;
		}
		memset(&list[n], 0, sizeof list[n]);
		int c = sessions_from_row(st, a, &list[n].s);
		list[n].unmarked = db_col_int(st, c);
		n++;
	}
	db_done(st);
	*out = list;
	return n;
}
