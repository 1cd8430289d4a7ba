/* chart.h — small server-rendered SVG charts (no script, no inline style: classes from the
 * stylesheet), always paired by the caller with a table of the same numbers. */
#ifndef LANTERN_CHART_H
#define LANTERN_CHART_H

#include <stdbool.h>

struct resp;

struct chart_point {
	const char *label; /* short, e.g. "Q1 25-26" */
	double value;
	bool missing;      /* not available or suppressed: no bar, marked "–" */
};

/* A bar chart of n points with an accessible title; unit is appended to the largest value. */
void chart_bars(struct resp *o, const char *id, const char *title, const struct chart_point *points, int n,
		const char *unit);

#endif
