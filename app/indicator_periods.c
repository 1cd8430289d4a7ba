/* indicator_periods.c — the periods the dashboard offers and the one it opens on, from the dates of
 * the records the indicators count. */
#include "indicator_periods.h"

#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "db.h"
#include "util.h"
#include "valid.h"

static void local_date(int64_t t, struct period_date *d)
{
	time_t tt = (time_t)t;
	struct tm tm;
	localtime_r(&tt, &tm);
	*d = (struct period_date){tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday};
}

void indicator_latest_quarter(int64_t now, struct period *p)
{
	struct period_date today;
	local_date(now, &today);
	struct period current;
	period_quarter_of(today.y, today.m, &current);
	period_quarter_step(&current, -1, p);
}

/* The first and last dates of the records the indicators count, up to now: those kept as local
 * dates, then those kept as instants (sessions by their end, survey runs by their opening). Each end
 * is its own index seek (min and max together would scan the whole range): scans' daily totals and
 * delivered sessions are indexed by area first, so they are sought area by area. */
#define SPAN_OF(col, from_where) \
	" SELECT (SELECT min(" col ") FROM " from_where ") AS first, (SELECT max(" col ") FROM " from_where ") AS last"
/* Both kinds in one statement (one round trip on PostgreSQL): the days' first and last, then the times'. */
static const char SQL_RECORD_SPAN[] =
	"SELECT d.first, d.last, t.first, t.last FROM (SELECT min(first) AS first, max(last) AS last FROM ("
	SPAN_OF("delivered_on", "deliveries WHERE delivered_on <= :today")
	" UNION ALL" SPAN_OF("day", "scan_daily WHERE area = a.id AND day <= :today") " FROM areas a"
	" UNION ALL" SPAN_OF("signed_on", "employer_pledges WHERE signed_on <= :today") ") days) d,"
	" (SELECT min(first) AS first, max(last) AS last FROM ("
	SPAN_OF("ends_at", "sessions WHERE area = a.id AND status = 'scheduled' AND school_urn IS NULL AND ends_at <= :now")
	" FROM areas a"
	" UNION ALL" SPAN_OF("opened_at", "survey_runs WHERE opened_at <= :now") ") times) t";

static void read_span(struct db *db, int64_t now, struct indicator_span *span);

/* The span read last in this process, and what it was read under. Its statement seeks about seventy
 * index ends (a millisecond and more on PostgreSQL, the dashboard's dearest statement), and its answer
 * changes only when records do or the clock passes one: so it is kept against the versions of every
 * record source and the minute, as the figures are (indicators.c). */
static struct {
	pthread_mutex_t lock;
	int64_t versions, minute;
	struct indicator_span span;
} kept = {.lock = PTHREAD_MUTEX_INITIALIZER, .versions = -1};

void indicator_record_span(struct db *db, int64_t now, int64_t versions, struct indicator_span *span)
{
	if (versions >= 0) {
		pthread_mutex_lock(&kept.lock);
		bool hit = kept.versions == versions && kept.minute == now / 60;
		if (hit)
			*span = kept.span;
		pthread_mutex_unlock(&kept.lock);
		if (hit)
			return;
	}
	read_span(db, now, span);
	if (versions >= 0) {
		pthread_mutex_lock(&kept.lock);
		kept.versions = versions;
		kept.minute = now / 60;
		kept.span = *span;
		pthread_mutex_unlock(&kept.lock);
	}
}

static void read_span(struct db *db, int64_t now, struct indicator_span *span)
{
	*span = (struct indicator_span){0};
	struct period_date *first = &span->first, *last = &span->last;
	struct period_date today;
	local_date(now, &today);
	char today_text[11];
	period_date_text(&today, today_text);
	const struct db_named vals[] = {{":today", today_text, 0}, {":now", NULL, now}};
	bool any = false;
	struct db_stmt *st = db_query_named(db, SQL_RECORD_SPAN, vals, (int)ARRAY_LEN(vals));
	if (!db_next(st)) {
		db_done(st);
		return;
	}
	if (!db_col_null(st, 0) && !db_col_null(st, 1)) {
		int y, m, d;
		if (valid_date(db_col_text(st, 0), &y, &m, &d)) {
			*first = (struct period_date){y, m, d};
			any = valid_date(db_col_text(st, 1), &y, &m, &d);
			*last = (struct period_date){y, m, d};
		}
	}
	if (!db_col_null(st, 2) && !db_col_null(st, 3)) {
		struct period_date a, b;
		local_date(db_col_int64(st, 2), &a);
		local_date(db_col_int64(st, 3), &b);
		struct period pa = {.from = a}, pb = {.from = b}, pf = {.from = *first}, pl = {.from = *last};
		if (!any || period_starts_before(&pa, &pf))
			*first = a;
		if (!any || period_starts_before(&pl, &pb))
			*last = b;
		any = true;
	}
	db_done(st);
	span->any = any;
}

void indicator_default_period(const struct indicator_span *span, int64_t now, struct period *p)
{
	if (span->any && period_quarter_of(span->last.y, span->last.m, p))
		return;
	indicator_latest_quarter(now, p);
}

int indicator_period_choices_max(void)
{
	/* Each kind holds at most one period per year of the span, quarters four; the span's two ends
	 * may each add a partial year. Months stop where quarters do (add_kind). */
	return 11 * (INDICATOR_CHOICE_YEARS + 2);
}

/* Appends the periods of one kind from the one holding `first` to the one holding `today`, newest
 * first: `at` names the period holding a date, and `step` the one before a period. */
static int add_kind(struct period *out, int n, const struct period_date *first, const struct period_date *today,
		    bool (*at)(const struct period_date *, struct period *), bool (*step)(const struct period *, struct period *))
{
	struct period p, oldest;
	if (!at(today, &p) || !at(first, &oldest))
		return n;
	for (int i = 0; i < 4 * (INDICATOR_CHOICE_YEARS + 2); i++) {
		out[n++] = p;
		if (!period_starts_before(&oldest, &p) || !step(&p, &p))
			break;
	}
	return n;
}

static bool quarter_at(const struct period_date *d, struct period *p)
{
	return period_quarter_of(d->y, d->m, p);
}

static bool quarter_before(const struct period *q, struct period *p)
{
	return period_quarter_step(q, -1, p);
}

/* The year named prefix+"YYYY-YY" that starts in month `start` and holds d. */
static bool split_year_at(const struct period_date *d, const char *prefix, int start, struct period *p)
{
	char name[24];
	int y = d->m >= start ? d->y : d->y - 1;
	snprintf(name, sizeof name, "%s%04d-%02d", prefix, y, (y + 1) % 100);
	return period_parse(name, p);
}

static bool fy_at(const struct period_date *d, struct period *p)
{
	return split_year_at(d, "FY", 4, p);
}

static bool ay_at(const struct period_date *d, struct period *p)
{
	return split_year_at(d, "AY", 9, p);
}

static bool month_at(const struct period_date *d, struct period *p)
{
	char name[24];
	snprintf(name, sizeof name, "%04d-%02d", d->y, d->m);
	return period_parse(name, p);
}

static bool month_before(const struct period *month, struct period *p)
{
	struct period_date d = month->from;
	d = d.m == 1 ? (struct period_date){d.y - 1, 12, 1} : (struct period_date){d.y, d.m - 1, 1};
	return month_at(&d, p);
}

static bool year_at(const struct period_date *d, struct period *p)
{
	char name[24];
	snprintf(name, sizeof name, "%04d", d->y);
	return period_parse(name, p);
}

int indicator_period_choices_between(const struct period_date *first, const struct period_date *today, bool months,
				     struct period *out)
{
	/* No records: the financial year so far and the one before, to compare with. Records older than
	 * the span offered stay reachable by name (the API, the address). */
	struct period_date from = first ? *first : (struct period_date){today->y - 1, today->m, 1};
	if (from.y < today->y - INDICATOR_CHOICE_YEARS)
		from = (struct period_date){today->y - INDICATOR_CHOICE_YEARS, 1, 1};
	struct period f = {.from = from}, t = {.from = *today};
	if (period_starts_before(&t, &f))
		from = *today;
	int n = 0;
	n = add_kind(out, n, &from, today, quarter_at, quarter_before);
	n = add_kind(out, n, &from, today, fy_at, period_year_before);
	n = add_kind(out, n, &from, today, ay_at, period_year_before);
	n = add_kind(out, n, &from, today, year_at, period_year_before);
	if (months)
		n = add_kind(out, n, &from, today, month_at, month_before);
	return n;
}

int indicator_period_choices(const struct indicator_span *span, struct arena *a, int64_t now, struct period **out)
{
	struct period_date today;
	local_date(now, &today);
	*out = arena_alloc(a, (size_t)indicator_period_choices_max() * sizeof **out);
	return indicator_period_choices_between(span->any ? &span->first : NULL, &today, false, *out);
}
