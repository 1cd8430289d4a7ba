/* period.h — the reporting periods of spec §2, named the same everywhere (UI, API, CLI, exports):
 *   2025          calendar year
 *   2025-07       calendar month
 *   FY2025-26     financial year, 1 April 2025 to 31 March 2026
 *   FY2025-26-Q1  its quarters, Q1 = April to June … Q4 = January to March
 *   AY2025-26     academic year, 1 September 2025 to 31 August 2026
 * A period is a half-open range of local (Europe/London) dates [from, to): it starts at local
 * midnight on `from` and ends just before local midnight on `to`. The parser is pure. */
#ifndef LANTERN_PERIOD_H
#define LANTERN_PERIOD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum period_kind { PERIOD_YEAR, PERIOD_MONTH, PERIOD_FY, PERIOD_FY_QUARTER, PERIOD_AY, PERIOD__MAX };

struct period_date {
	int y, m, d;
};

struct period {
	enum period_kind kind;
	char name[16];              /* the canonical name, e.g. "AY2025-26" */
	struct period_date from, to; /* [from, to) */
};

/* Parses a period name; false (p untouched) for anything else, including NULL. */
bool period_parse(const char *s, struct period *p);
/* The academic year holding the local date y-m-d. */
void period_academic_year(int y, int m, int d, struct period *p);
/* The academic year holding the instant t (seconds since the epoch, read in local time). */
void period_academic_year_at(int64_t t, struct period *p);
/* A period from a request's text: s parsed, or the academic year holding now when s is NULL or
 * empty. false (p untouched) if s is given but not a period. */
bool period_or_current(const char *s, int64_t now, struct period *p);
/* "YYYY-MM-DD" of a date, into out (11 bytes): TEXT dates in SQL compare in this form. */
void period_date_text(const struct period_date *d, char out[11]);
/* The last day inside the period (the day before `to`), for people: "1 September 2025 to 31 August 2026". */
void period_last_day(const struct period *p, struct period_date *out);
/* The period as UTC instants [from, to) at local midnight; uses the process's TZ (Europe/London). */
void period_bounds_utc(const struct period *p, int64_t *from, int64_t *to);

/* ---- moving between periods (pure) ---- */

/* The financial-year quarter holding the local date y-m (any day of the month); false (out
 * untouched) outside the years a period may name. */
bool period_quarter_of(int y, int m, struct period *out);
/* The quarter delta quarters away from q (a FY quarter); false as above. */
bool period_quarter_step(const struct period *q, int delta, struct period *out);
/* The same period a year earlier; false (out untouched) before the first year a period may name. */
bool period_year_before(const struct period *p, struct period *out);
/* Whether period a starts before period b. */
bool period_starts_before(const struct period *a, const struct period *b);

/* ---- periods for people (pure) ---- */

/* The months a period covers: "July to September 2026", "April 2026 to March 2027", "July 2025". */
void period_months_human(const struct period *p, char *out, size_t n);
/* A day in the service's date style: "5 March 2026". */
void period_day_human(const struct period_date *d, char *out, size_t n);
/* A stored date ("2026-03-05") in the service's date style ("5 March 2026"); the text itself when it
 * is not a date, and "" for NULL. */
void period_ymd_human(const char *ymd, char *out, size_t n);
/* Its first and last days in the service's date style: "1 July 2026 to 30 September 2026". */
void period_days_human(const struct period *p, char *out, size_t n);

#endif
