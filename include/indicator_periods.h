/* indicator_periods.h — which periods the Board's dashboard offers and opens on: the financial years,
 * their quarters, the academic and calendar years from the first record to today (never a period
 * that has not begun), and by default the latest quarter that holds a record. Rules only: no HTML. */
#ifndef LANTERN_INDICATOR_PERIODS_H
#define LANTERN_INDICATOR_PERIODS_H

#include <stdint.h>

#include "period.h"

struct db;
struct arena;

/* How many years back the choices reach at most, whatever the records' dates. */
enum { INDICATOR_CHOICE_YEARS = 10 };

/* The last quarter that has ended by now: what a quarterly Board meeting reports on. */
void indicator_latest_quarter(int64_t now, struct period *p);
/* The latest financial-year quarter, up to the one holding now, in which something counted was
 * recorded (a delivery, a delivered practitioner session, a survey run opened, a QR scan, a pledge
 * signed); the latest quarter that has ended when there is none. */
void indicator_default_period(struct db *db, int64_t now, struct period *p);

/* The periods to choose from, newest first within each kind: financial-year quarters, financial
 * years, academic years, calendar years. Allocated in a; returns how many. */
int indicator_period_choices(struct db *db, struct arena *a, int64_t now, struct period **out);

/* Pure: the choices for records dated first..last (local dates; first NULL: none) seen at the local
 * date today; out holds at least indicator_period_choices_max() periods. Returns how many. */
int indicator_period_choices_between(const struct period_date *first, const struct period_date *today,
				     struct period *out);
int indicator_period_choices_max(void);

#endif
