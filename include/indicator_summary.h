/* indicator_summary.h — how the Board's pages write a figure: its value to its precision with its
 * unit, or why there is none; its red, amber or green status as a tag of shape, colour and words;
 * and the summary of every indicator that opens the dashboard. */
#ifndef LANTERN_INDICATOR_SUMMARY_H
#define LANTERN_INDICATOR_SUMMARY_H

#include <stdbool.h>

#include "indicators.h"
#include "req.h"
#include "resp.h"

struct arena;

/* "66.7%", "130", or why there is no number: "No responses", "Suppressed: fewer than 10 responses",
 * "No records", "Not yet provided". Allocated in a (or static). */
const char *indicator_value_text(struct arena *a, const struct indicator *ind, const struct indicator_value *v);
/* The same for a table cell: a suppressed figure is "Suppressed". */
const char *indicator_value_brief(struct arena *a, const struct indicator *ind, const struct indicator_value *v);
/* A baseline or target to the figure's precision with its unit ("75.0%", "12"), or "Not set". */
const char *indicator_goal_text(struct arena *a, const struct indicator *ind, bool has_goal, double goal);
/* The status as a GOV.UK tag: a shape (circle, triangle, square), a colour and words ("Met",
 * "Nearly met", "Not met"; "No target" or "No figure" in grey). */
void indicator_rag_tag(struct resp *o, const struct indicator *ind, const struct indicator_value *v, bool has_target,
		       double target);

/* The summary table: each indicator linked to its section (#O1.1), its figure for the period, the
 * same period a year before (prior may be NULL), its target and status. */
void indicator_summary(const struct req *r, struct resp *o, const struct indicator_ctx *period,
		       const struct indicator_ctx *prior);

#endif
