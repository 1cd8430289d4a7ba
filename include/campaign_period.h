/* campaign_period.h — the period names of spec §2 (2025, 2025-07, FY2025-26, FY2025-26-Q1,
 * AY2025-26) as date ranges, for campaign reach. A pure parser; the schools branch has its own
 * period.c and the two are to be unified. */
#ifndef LANTERN_CAMPAIGN_PERIOD_H
#define LANTERN_CAMPAIGN_PERIOD_H

#include <stdbool.h>

struct campaign_period {
	char from[11]; /* first day, YYYY-MM-DD */
	char to[11];   /* the day after the last, YYYY-MM-DD: ranges are half-open */
	int months;    /* how many calendar months it spans */
};

/* Parses a period name; false (out untouched) for anything else, including years outside
 * 2000..2100 and a financial or academic year whose two halves do not follow on (FY2025-27). */
bool campaign_period_parse(const char *name, struct campaign_period *out);

#endif
