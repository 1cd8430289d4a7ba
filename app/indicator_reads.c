/* indicator_reads.c — the versions and the entered rows of a request, each read in one statement and
 * looked up in C (a few dozen rows: sources × months, and what analysts and admins typed in). */
#include "indicator_reads.h"

#include <string.h>

#include "db.h"
#include "disclosure.h"
#include "util.h"

/* month NULL: the source's own version (data_versions); else one month's (data_month_versions). */
struct version_row {
	const char *source, *month;
	int64_t version;
};

/* A baseline or target (kind "baseline", "target"), or an external figure (kind "figure"). */
struct entered_row {
	const char *area, *indicator, *kind, *period, *source, *note;
	double value;
	int64_t set_at;
};

/* Rows kept in the arena: a new block, twice the size, when one fills (the old one stays until the
 * request ends, as everything in the arena does). */
struct rows {
	void *at;
	int n, cap;
};

static void *row_add(struct arena *a, struct rows *rows, size_t size)
{
	if (rows->n == rows->cap) {
		int cap = rows->cap ? rows->cap * 2 : 32;
		void *grown = arena_alloc(a, (size_t)cap * size);
		if (rows->n)
			memcpy(grown, rows->at, (size_t)rows->n * size);
		rows->at = grown;
		rows->cap = cap;
	}
	return (char *)rows->at + (size_t)rows->n++ * size;
}

struct indicator_reads {
	struct db *db;
	struct arena *arena;
	bool passed_read;
	int64_t passed_now, passed_training, passed_survey; /* indicator_reads_passed at passed_now */
	bool versions_read;
	struct rows versions; /* struct version_row */
	struct rows areas;    /* const char *: the areas whose entered rows are read */
	struct rows entered;  /* struct entered_row */
};

struct indicator_reads *indicator_reads_new(struct db *db, struct arena *a)
{
	struct indicator_reads *r = arena_alloc(a, sizeof *r);
	memset(r, 0, sizeof *r);
	r->db = db;
	r->arena = a;
	return r;
}

struct db *indicator_reads_db(const struct indicator_reads *r)
{
	return r->db;
}

struct arena *indicator_reads_arena(const struct indicator_reads *r)
{
	return r->arena;
}

/* ---- versions ---- */

static const char SQL_VERSIONS[] = "SELECT source, NULL, version FROM data_versions"
				   " UNION ALL SELECT source, month, version FROM data_month_versions";

static void read_versions(struct indicator_reads *r)
{
	if (r->versions_read)
		return;
	r->versions_read = true;
	struct db_stmt *st = db_query(r->db, SQL_VERSIONS, "");
	while (db_next(st)) {
		struct version_row *v = row_add(r->arena, &r->versions, sizeof *v);
		v->source = arena_strdup(r->arena, db_col_text(st, 0));
		v->month = db_col_null(st, 1) ? NULL : arena_strdup(r->arena, db_col_text(st, 1));
		v->version = db_col_int64(st, 2);
	}
	db_done(st);
}

int64_t indicator_reads_version(struct indicator_reads *r, const char *source)
{
	read_versions(r);
	const struct version_row *v = r->versions.at;
	for (int i = 0; i < r->versions.n; i++)
		if (v[i].month == NULL && strcmp(v[i].source, source) == 0)
			return v[i].version;
	return -1;
}

int64_t indicator_reads_total(struct indicator_reads *r)
{
	read_versions(r);
	const struct version_row *v = r->versions.at;
	int64_t sum = 0;
	for (int i = 0; i < r->versions.n; i++)
		sum += v[i].version;
	return sum;
}

int64_t indicator_reads_months(struct indicator_reads *r, const char *source, const char *first, const char *last)
{
	read_versions(r);
	const struct version_row *v = r->versions.at;
	int64_t sum = 0;
	for (int i = 0; i < r->versions.n; i++)
		if (v[i].month && strcmp(v[i].source, source) == 0 && strcmp(v[i].month, first) >= 0 &&
		    strcmp(v[i].month, last) <= 0)
			sum += v[i].version;
	return sum;
}

/* ---- the clock: the last instant a figure changed with no write ---- */

/* A session counts once it has ended (ends_at <= now) and its evaluations once their window is over;
 * a survey run once it has closed. The latest of those instants passed is the last time the figures
 * changed with the clock alone: two readings that find the same one count the same. Index seeks on
 * sessions_ends and survey_runs_closes (migration 021). */
static const char SQL_PASSED[] =
	"SELECT max(coalesce((SELECT max(ends_at) FROM sessions WHERE ends_at <= ?1), 0),"
	" coalesce((SELECT max(ends_at) FROM sessions WHERE" DISCLOSURE_WINDOW_OVER("sessions", "?1") ")"
	" + " DISCLOSURE_STR(EVALUATION_WINDOW) " + " DISCLOSURE_STR(DISCLOSURE_GRACE) ", 0)),"
	" coalesce((SELECT max(closes_at) FROM survey_runs WHERE closes_at + " DISCLOSURE_STR(DISCLOSURE_GRACE)
	" <= ?1) + " DISCLOSURE_STR(DISCLOSURE_GRACE) ", 0)";

int64_t indicator_reads_passed(struct indicator_reads *r, const char *source, int64_t now)
{
	if (!r->passed_read || r->passed_now != now) {
		struct db_stmt *st = db_query(r->db, SQL_PASSED, "I", now);
		r->passed_training = r->passed_survey = 0;
		if (db_next(st)) {
			r->passed_training = db_col_int64(st, 0);
			r->passed_survey = db_col_int64(st, 1);
		}
		db_done(st);
		r->passed_now = now;
		r->passed_read = true;
	}
	return strcmp(source, "survey") == 0 ? r->passed_survey : r->passed_training;
}

/* ---- what people entered ---- */

/* Every area below the one asked about (itself included), with what was entered for it, if anything. */
static const char SQL_ENTERED[] =
	"SELECT t.descendant, x.indicator, x.kind, x.period, x.value, x.set_at, x.source, x.note FROM area_tree t"
	" LEFT JOIN (SELECT indicator, kind, period, area, value, set_at, NULL AS source, NULL AS note FROM indicator_targets"
	" UNION ALL SELECT indicator, 'figure', period, area, value, entered_at, source, note FROM external_figures) x"
	" ON x.area = t.descendant WHERE t.ancestor = ?";

static bool area_read(const struct indicator_reads *r, const char *area)
{
	const char *const *areas = r->areas.at;
	for (int i = 0; i < r->areas.n; i++)
		if (strcmp(areas[i], area) == 0)
			return true;
	return false;
}

static void mark_read(struct indicator_reads *r, const char *area)
{
	if (!area_read(r, area))
		*(const char **)row_add(r->arena, &r->areas, sizeof(const char *)) = arena_strdup(r->arena, area);
}

/* Reads what was entered for area and the areas below it, unless that is read already. */
static void read_entered(struct indicator_reads *r, const char *area)
{
	if (area_read(r, area))
		return;
	mark_read(r, area);
	struct db_stmt *st = db_query(r->db, SQL_ENTERED, "s", area);
	while (db_next(st)) {
		mark_read(r, db_col_text(st, 0));
		if (db_col_null(st, 1))
			continue; /* an area with nothing entered */
		struct entered_row *e = row_add(r->arena, &r->entered, sizeof *e);
		e->area = arena_strdup(r->arena, db_col_text(st, 0));
		e->indicator = arena_strdup(r->arena, db_col_text(st, 1));
		e->kind = arena_strdup(r->arena, db_col_text(st, 2));
		e->period = arena_strdup(r->arena, db_col_text(st, 3));
		e->value = db_col_double(st, 4);
		e->set_at = db_col_int64(st, 5);
		e->source = arena_strdup(r->arena, db_col_text(st, 6));
		e->note = arena_strdup(r->arena, db_col_text(st, 7));
	}
	db_done(st);
}

/* The entered row of kind for indicator and area, of period (NULL: any, the latest set). */
static const struct entered_row *entered(struct indicator_reads *r, const char *kind, const char *indicator,
					 const char *area, const char *period)
{
	read_entered(r, area);
	const struct entered_row *e = r->entered.at, *found = NULL;
	for (int i = 0; i < r->entered.n; i++) {
		if (strcmp(e[i].kind, kind) != 0 || strcmp(e[i].indicator, indicator) != 0 || strcmp(e[i].area, area) != 0)
			continue;
		if (period) {
			if (strcmp(e[i].period, period) == 0)
				return &e[i];
		} else if (found == NULL || e[i].set_at > found->set_at ||
			   (e[i].set_at == found->set_at && strcmp(e[i].period, found->period) > 0)) {
			found = &e[i];
		}
	}
	return found;
}

bool indicator_reads_baseline(struct indicator_reads *r, const char *indicator, const char *area, double *value,
			      const char **period)
{
	const struct entered_row *e = entered(r, "baseline", indicator, area, NULL);
	if (e) {
		*value = e->value;
		*period = e->period;
	}
	return e != NULL;
}

bool indicator_reads_target(struct indicator_reads *r, const char *indicator, const char *area, const char *period,
			    double *value)
{
	const struct entered_row *e = entered(r, "target", indicator, area, period);
	if (e)
		*value = e->value;
	return e != NULL;
}

bool indicator_reads_figure(struct indicator_reads *r, const char *indicator, const char *period, const char *area,
			    double *value, const char **source, const char **note)
{
	const struct entered_row *e = entered(r, "figure", indicator, area, period);
	if (e) {
		*value = e->value;
		*source = e->source;
		*note = e->note;
	}
	return e != NULL;
}
