/* indicators.h — the Outcome 1 and Outcome 5 indicators of spec §8: one table of definitions,
 * each computed from the records for a period and an area (an area counts everything below it),
 * with numerator and denominator for rates, suppression of small numbers, externally sourced
 * figures, and baselines and targets. */
#ifndef LANTERN_INDICATORS_H
#define LANTERN_INDICATORS_H

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>

#include "period.h"

struct db;
struct arena;
struct indicator_reads;

enum indicator_kind { IND_COUNT, IND_RATE, IND_EXTERNAL };

struct indicator_value {
	bool available;  /* false: no records yet counted, or an external figure not yet provided */
	double value;    /* a count, or a percentage for rates (rounded to one decimal) */
	bool ratio;      /* numerator and denominator are meaningful */
	int64_t numerator, denominator;
	bool suppressed; /* the figure rests on fewer than DISCLOSURE_MIN released responses: not shown */
	/* O1.5 shows the matching `pre` figure beside the `post` one. */
	bool has_pre;
	double pre_value;
	int64_t pre_numerator, pre_denominator;
	bool pre_available, pre_suppressed;
	/* Survey and evaluation figures that are suppressed: true when no answer at all is held in scope
	 * (released or not), so people read "No responses" rather than a suppressed figure. */
	bool no_answers, pre_no_answers;
	const char *source, *note; /* external figures: where it came from */
};

struct indicator_ctx {
	struct db *db;
	struct arena *arena;
	struct period period;
	const char *area;
	int64_t from, to;             /* UTC instants at local midnight: [from, to) */
	char from_date[11], to_date[11]; /* the same as local dates, for TEXT date columns */
	int64_t now;                  /* "delivered" sessions are those whose end has passed */
	struct indicator_reads *reads; /* the request's versions, baselines, targets and external figures */
	int64_t versions[8];          /* data_versions at init, in the order of indicator_sources */
	int64_t month_versions[8];    /* the sum of data_month_versions over the period's months, likewise */
};

struct indicator {
	const char *id;
	int outcome;
	const char *title;
	const char *unit;   /* what the number counts, e.g. "settings", "%" */
	int better;         /* +1: higher is better; -1: lower is better */
	enum indicator_kind kind;
	const char *how;    /* how it is counted, in plain words (shown on the dashboard) */
	const char *records; /* what a drill-down lists, e.g. "deliveries" */
	/* How it is counted: a function of its own, or SQL over the named values :area, :from, :to
	 * (local dates), :fromt, :tot (instants) and :now. A count's query gives the count; a rate's
	 * gives its numerator with sql_denominator giving the denominator, or, alone, the denominator
	 * and the numerator as two columns. */
	void (*compute)(const struct indicator_ctx *c, struct indicator_value *v);
	const char *sql;
	const char *sql_denominator;
	/* The records it counts, as versioned in data_versions: a cached figure is used only while
	 * its source's version is unchanged. NULL: never cached (external figures, a single lookup). */
	const char *source;
};

extern const struct indicator indicators[];
extern const int indicators_count;

/* Moves the cache of counted figures into memory that processes forked afterwards share, so a figure
 * one of them counted serves them all. -1 if it cannot (the cache stays this process's own). */
int indicators_share_cache(void);

/* Whether the counted records stood still since the last call (data_versions unchanged; *seen keeps
 * their total between calls, -1 at first). The duty warms the Board's figures only then: counted while
 * bookings or scans keep arriving they are stale again within seconds, and their reads slow the writes
 * they race (the bench's booking, 1,970/s with them and 2,360/s without). */
bool indicator_records_still(struct db *db, int64_t *seen);
const struct indicator *indicator_find(const char *id);
/* Prepares a context for a period and area (the area must exist), reading through the request's
 * reads (indicator_reads.h: every context of a request shares one). */
void indicator_ctx_init(struct indicator_ctx *c, struct indicator_reads *reads, const struct period *p,
			const char *area, int64_t now);
void indicator_compute(const struct indicator *ind, const struct indicator_ctx *c, struct indicator_value *v);

/* Baseline (latest set for the indicator and the context's area) and target (for the context's
 * period, else its financial year); *has_* false when none is set. */
void indicator_targets(const struct indicator_ctx *c, const struct indicator *ind, bool *has_baseline,
		       double *baseline, const char **baseline_period, bool *has_target, double *target);
/* on-track, off-track, no-target or no-value */
const char *indicator_status(const struct indicator *ind, const struct indicator_value *v, bool has_target,
			     double target);

/* Red, amber or green against the target (README, "The Board's dashboard"): green when the target is
 * met, amber when it is not but the figure is within INDICATOR_AMBER_PERCENT of it, red otherwise;
 * none without a target or a figure. The target is first taken to the figure's precision. */
enum indicator_rag { RAG_NONE, RAG_GREEN, RAG_AMBER, RAG_RED };
enum { INDICATOR_AMBER_PERCENT = 10 };
enum indicator_rag indicator_rag(const struct indicator *ind, const struct indicator_value *v, bool has_target,
				 double target);
/* "green", "amber", "red", or NULL for none. */
const char *indicator_rag_name(enum indicator_rag rag);

/* The precision figures are published to, in decimal places: rates one (66.7%), counts none, and
 * externally sourced figures as they were entered (-1). */
int indicator_decimals(const struct indicator *ind);
/* v to that precision (half away from zero). */
double indicator_round(const struct indicator *ind, double v);
/* v as text to that precision, without its unit: "66.7", "70.0", "130", "12.345678". */
void indicator_number_text(const struct indicator *ind, double v, char out[32]);

/* The indicator in the API's shape (spec §9), with baseline, target and status. */
json_t *indicator_json(const struct indicator *ind, const struct indicator_ctx *c, const struct indicator_value *v);

#endif
