/* chart.h — small server-rendered SVG charts (no script, no inline style: classes from the
 * stylesheet), always paired by the caller with a table of the same numbers. */
#ifndef LANTERN_CHART_H
#define LANTERN_CHART_H

#include <stdbool.h>

struct resp;

struct chart_point {
	const char *label; /* short, e.g. "Q1 25-26" */
	double value;      /* the bar's height */
	bool missing;      /* not available or suppressed: no bar, marked "–" */
	const char *text;  /* the value as the table beside the chart writes it, unit and all ("20.0%") */
};

/* The charts' text is 14 units high in a view box that scales whole with its container, so labels that
 * do not overlap at one width overlap at none. Pure, both of them. */
/* How wide a label is drawn, in view-box units, at most (glyph widths of a wide sans-serif). */
double chart_text_width(const char *s);
/* Every how many of n slots, each slot units wide, to label so that labels up to widest units wide
 * keep clear of each other (at least every min_every). Label the slots whose distance from the last
 * is a multiple of it, so the latest is always labelled. */
int chart_label_every(int n, double slot, double widest, int min_every);
/* Whether slot i of n is labelled when every `every` are. */
bool chart_labelled(int i, int n, int every);

/* A bar chart of n points with an accessible title, each bar topped by its text. */
void chart_bars(struct resp *o, const char *id, const char *title, const struct chart_point *points, int n);

#endif
