/* indicator_reads.h — what the indicators read around their figure cache, read once per request: the
 * data versions a cached figure is checked against, and what people entered (baselines, targets and
 * externally sourced figures). A dashboard counts in some thirteen contexts (the period, the year
 * before, eight quarters, the areas below) and looks these up for each indicator in each: read a row at
 * a time, that was ~140 statements a page, each a round trip on PostgreSQL.
 *
 * Kept in the request's arena and never past it, so an edit shows on the very next request. */
#ifndef LANTERN_INDICATOR_READS_H
#define LANTERN_INDICATOR_READS_H

#include <stdbool.h>
#include <stdint.h>

struct db;
struct arena;
struct indicator_reads;

/* An empty set of reads for one request: nothing is read until it is asked for. Allocated in a. */
struct indicator_reads *indicator_reads_new(struct db *db, struct arena *a);
struct db *indicator_reads_db(const struct indicator_reads *r);
struct arena *indicator_reads_arena(const struct indicator_reads *r);

/* source's version in data_versions, -1 when it has none. Every version, of every source and month,
 * is read in one statement at the first call and held for the request. */
int64_t indicator_reads_version(struct indicator_reads *r, const char *source);
/* Every version number added up, whole sources and months: versions only grow, so the total changes
 * whenever any record the indicators count does. */
int64_t indicator_reads_total(struct indicator_reads *r);
/* The sum of source's data_month_versions over the months first..last ("YYYY-MM"), 0 when none. */
int64_t indicator_reads_months(struct indicator_reads *r, const char *source, const char *first, const char *last);

/* The last instant by now at which source's figures changed with the clock alone ("training": a session
 * ended or its evaluation window closed; "survey": a run closed), 0 if none has: a figure counted at
 * another now that finds the same instant is still right. Read in one statement, again for a new now. */
int64_t indicator_reads_passed(struct indicator_reads *r, const char *source, int64_t now);

/* What people entered for area, read with everything entered for the areas below it at the first
 * question about an area not yet read (a dashboard's or export's first question is its own area's). */
/* The baseline set last for the indicator and area (the later period when two were set together). */
bool indicator_reads_baseline(struct indicator_reads *r, const char *indicator, const char *area, double *value,
			      const char **period);
/* The target for exactly this period name. */
bool indicator_reads_target(struct indicator_reads *r, const char *indicator, const char *area, const char *period,
			    double *value);
/* The externally sourced figure for the period name and area; *note NULL when it has none. */
bool indicator_reads_figure(struct indicator_reads *r, const char *indicator, const char *period, const char *area,
			    double *value, const char **source, const char **note);

#endif
