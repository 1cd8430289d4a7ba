/* indicator_periods.h — which periods the Board's dashboard (and a campaign's reach) offers and opens
 * on: the financial years, their quarters, the academic and calendar years from the first record to
 * today (never a period that has not begun), and by default the latest quarter that holds a record.
 * Rules only: no HTML. */
#ifndef LANTERN_INDICATOR_PERIODS_H
#define LANTERN_INDICATOR_PERIODS_H

#include <stdbool.h>
#include <stdint.h>

#include "period.h"

struct db;
struct arena;

/* How many years back the choices reach at most, whatever the records' dates. */
enum { INDICATOR_CHOICE_YEARS = 10 };

/* The first and last local dates, up to now, of anything counted (a delivery, a delivered
 * practitioner session, a survey run opened, a QR scan, a pledge signed): read once a request and
 * handed to the two below. */
struct indicator_span {
	bool any; /* false: no records, and first and last are unset */
	struct period_date first, last;
};
/* versions: the total of every record source's version numbers (indicator_reads_total), under which
 * the span is kept for the minute; -1 to read it afresh. */
void indicator_record_span(struct db *db, int64_t now, int64_t versions, struct indicator_span *span);

/* The last quarter that has ended by now: what a quarterly Board meeting reports on. */
void indicator_latest_quarter(int64_t now, struct period *p);
/* The financial-year quarter holding the span's last record; the latest quarter that has ended when
 * there is none. */
void indicator_default_period(const struct indicator_span *span, int64_t now, struct period *p);

/* The periods to choose from, newest first within each kind: financial-year quarters, financial
 * years, academic years, calendar years. Allocated in a; returns how many. */
int indicator_period_choices(const struct indicator_span *span, struct arena *a, int64_t now, struct period **out);

/* Pure: the choices for records dated first..last (local dates; first NULL: none) seen at the local
 * date today, and with months the calendar months after them (a campaign's reach reads by the month);
 * out holds at least indicator_period_choices_max() periods. Returns how many. */
int indicator_period_choices_between(const struct period_date *first, const struct period_date *today, bool months,
				     struct period *out);
int indicator_period_choices_max(void);

#endif
