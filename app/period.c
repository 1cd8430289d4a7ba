/* period.c — parses the period names of spec §2 into local date ranges. The parsing is pure (no
 * clock, no time zone); only period_academic_year_at and period_bounds_utc read local time. */
#include "period.h"

#include <stdio.h>
#include <string.h>
#include <time.h>

#include "valid.h"

/* Years a period may name: wide enough for any record, narrow enough that nothing overflows. */
enum { PERIOD_MIN_YEAR = 1900, PERIOD_MAX_YEAR = 2199 };

static bool digits(const char *s, int n, int *out)
{
	int v = 0;
	for (int i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return false;
		v = v * 10 + (s[i] - '0');
	}
	*out = v;
	return true;
}

/* "2025-26": a start year and the last two digits of the year after it. */
static bool year_pair(const char *s, int *y)
{
	int second;
	if (!digits(s, 4, y) || s[4] != '-' || !digits(s + 5, 2, &second))
		return false;
	return (*y + 1) % 100 == second;
}

static struct period_date date(int y, int m, int d)
{
	return (struct period_date){y, m, d};
}

/* Adds months to the first of a month (m may run past 12). */
static struct period_date month_start(int y, int m)
{
	return date(y + (m - 1) / 12, (m - 1) % 12 + 1, 1);
}

static bool make(struct period *p, enum period_kind kind, int y, struct period_date from, struct period_date to)
{
	if (y < PERIOD_MIN_YEAR || y > PERIOD_MAX_YEAR)
		return false;
	p->kind = kind;
	p->from = from;
	p->to = to;
	switch (kind) {
	case PERIOD_YEAR: snprintf(p->name, sizeof p->name, "%04d", y); break;
	case PERIOD_MONTH: snprintf(p->name, sizeof p->name, "%04d-%02d", y, from.m); break;
	case PERIOD_FY: snprintf(p->name, sizeof p->name, "FY%04d-%02d", y, (y + 1) % 100); break;
	case PERIOD_FY_QUARTER:
		/* Q1 starts in April of the financial year's first calendar year. */
		snprintf(p->name, sizeof p->name, "FY%04d-%02d-Q%d", y, (y + 1) % 100,
			 ((from.m + 12 - 4) % 12) / 3 + 1);
		break;
	case PERIOD_AY: snprintf(p->name, sizeof p->name, "AY%04d-%02d", y, (y + 1) % 100); break;
	default: return false;
	}
	return true;
}

bool period_parse(const char *s, struct period *p)
{
	if (s == NULL)
		return false;
	size_t len = strlen(s);
	int y, m, q;
	struct period out;
	bool ok = false;
	if (len == 4 && digits(s, 4, &y)) {
		ok = make(&out, PERIOD_YEAR, y, date(y, 1, 1), date(y + 1, 1, 1));
	} else if (len == 7 && digits(s, 4, &y) && s[4] == '-' && digits(s + 5, 2, &m) && m >= 1 && m <= 12) {
		ok = make(&out, PERIOD_MONTH, y, date(y, m, 1), month_start(y, m + 1));
	} else if (len == 9 && strncmp(s, "FY", 2) == 0 && year_pair(s + 2, &y)) {
		ok = make(&out, PERIOD_FY, y, date(y, 4, 1), date(y + 1, 4, 1));
	} else if (len == 12 && strncmp(s, "FY", 2) == 0 && year_pair(s + 2, &y) && strncmp(s + 9, "-Q", 2) == 0 &&
		   digits(s + 11, 1, &q) && q >= 1 && q <= 4) {
		int first = 4 + 3 * (q - 1); /* April, July, October, January (as month 13) */
		ok = make(&out, PERIOD_FY_QUARTER, y, month_start(y, first), month_start(y, first + 3));
	} else if (len == 9 && strncmp(s, "AY", 2) == 0 && year_pair(s + 2, &y)) {
		ok = make(&out, PERIOD_AY, y, date(y, 9, 1), date(y + 1, 9, 1));
	}
	if (ok)
		*p = out;
	return ok;
}

void period_academic_year(int y, int m, int d, struct period *p)
{
	(void)d; /* the year turns on 1 September, whatever the day */
	int start = m >= 9 ? y : y - 1;
	make(p, PERIOD_AY, start, date(start, 9, 1), date(start + 1, 9, 1));
}

void period_academic_year_at(int64_t t, struct period *p)
{
	time_t tt = (time_t)t;
	struct tm tm;
	localtime_r(&tt, &tm);
	period_academic_year(tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, p);
}

bool period_or_current(const char *s, int64_t now, struct period *p)
{
	if (s == NULL || *s == '\0') {
		period_academic_year_at(now, p);
		return true;
	}
	return period_parse(s, p);
}

void period_date_text(const struct period_date *d, char out[11])
{
	/* Unsigned, and reduced to their widths, so the text always fits in 10 characters. */
	snprintf(out, 11, "%04u-%02u-%02u", (unsigned)d->y % 10000u, (unsigned)d->m % 100u, (unsigned)d->d % 100u);
}

void period_last_day(const struct period *p, struct period_date *out)
{
	static const int days[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
	/* Every period ends on the first of a month, so the day before is that month's predecessor's last. */
	int y = p->to.y, m = p->to.m - 1;
	if (m == 0) {
		m = 12;
		y--;
	}
	bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
	*out = date(y, m, m == 2 && leap ? 29 : days[m - 1]);
}

void period_bounds_utc(const struct period *p, int64_t *from, int64_t *to)
{
	*from = local_midnight(p->from.y, p->from.m, p->from.d);
	*to = local_midnight(p->to.y, p->to.m, p->to.d);
}

/* ---- moving between periods ---- */

bool period_quarter_of(int y, int m, struct period *out)
{
	int fy = m >= 4 ? y : y - 1, q = m >= 4 ? (m - 4) / 3 : 3;
	return make(out, PERIOD_FY_QUARTER, fy, month_start(fy, 4 + 3 * q), month_start(fy, 7 + 3 * q));
}

bool period_quarter_step(const struct period *q, int delta, struct period *out)
{
	/* Months since year 0 of the quarter's first month, moved by whole quarters. */
	int months = q->from.y * 12 + (q->from.m - 1) + 3 * delta;
	return months >= 0 && period_quarter_of(months / 12, months % 12 + 1, out);
}

bool period_year_before(const struct period *p, struct period *out)
{
	if (p->kind == PERIOD_FY_QUARTER)
		return period_quarter_step(p, -4, out);
	int y = p->from.y - 1;
	return make(out, p->kind, y, date(y, p->from.m, p->from.d), date(p->to.y - 1, p->to.m, p->to.d));
}

bool period_starts_before(const struct period *a, const struct period *b)
{
	return (a->from.y * 12 + a->from.m) * 31 + a->from.d < (b->from.y * 12 + b->from.m) * 31 + b->from.d;
}

/* ---- periods for people ---- */

static const char *const month_words[] = {"January", "February", "March",     "April",   "May",      "June",
					  "July",    "August",   "September", "October", "November", "December"};

void period_months_human(const struct period *p, char *out, size_t n)
{
	struct period_date last;
	period_last_day(p, &last);
	const char *first_month = month_words[(unsigned)(p->from.m - 1) % 12];
	const char *last_month = month_words[(unsigned)(last.m - 1) % 12];
	if (p->kind == PERIOD_MONTH)
		snprintf(out, n, "%s %d", first_month, p->from.y);
	else if (p->from.y == last.y)
		snprintf(out, n, "%s to %s %d", first_month, last_month, last.y);
	else
		snprintf(out, n, "%s %d to %s %d", first_month, p->from.y, last_month, last.y);
}

void period_day_human(const struct period_date *d, char *out, size_t n)
{
	snprintf(out, n, "%d %s %d", d->d, month_words[(unsigned)(d->m - 1) % 12], d->y);
}

void period_ymd_human(const char *ymd, char *out, size_t n)
{
	struct period_date d;
	if (ymd && valid_date(ymd, &d.y, &d.m, &d.d))
		period_day_human(&d, out, n);
	else
		snprintf(out, n, "%s", ymd ? ymd : "");
}

void period_days_human(const struct period *p, char *out, size_t n)
{
	struct period_date last;
	period_last_day(p, &last);
	char first[32], end[32];
	period_day_human(&p->from, first, sizeof first);
	period_day_human(&last, end, sizeof end);
	snprintf(out, n, "%s to %s", first, end);
}
