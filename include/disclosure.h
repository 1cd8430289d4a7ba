/* disclosure.h — statistical disclosure control for every published pupil survey and practitioner
 * evaluation figure (pages, API, CSV, JSON, ADX, charts, drill-downs, breakdowns, series).
 *
 * Figures are released by whole atoms. An atom is the smallest group whose figures may be shown on
 * their own:
 *   - a survey run, released once it is closed (by its trainer, or past its closes_at) and holds at
 *     least DISCLOSURE_MIN responses; a run belongs to a period by the moment it opened;
 *   - a practitioner session's evaluations, released once its evaluation window (EVALUATION_WINDOW
 *     after the session ends; later answers are refused) is over and it holds at least
 *     DISCLOSURE_MIN evaluations.
 * Every figure counts only released atoms, whole. So any figure, and any difference or sum of
 * figures whatever their filters, is a sum of whole released atoms of at least DISCLOSURE_MIN
 * responses each: nothing smaller can be worked out, and as a released atom takes no more answers a
 * late one cannot be isolated by reading before and after it. An unreleased atom shows only how many
 * answers it holds.
 *
 * The queries that count these figures filter on the SQL below, so no page can count otherwise. */
#ifndef LANTERN_DISCLOSURE_H
#define LANTERN_DISCLOSURE_H

#include <stdbool.h>
#include <stdint.h>

/* The threshold, as a number for C and as text for SQL (one definition for both). */
#define DISCLOSURE_MIN 10
/* How long after a session ends its attendees may evaluate it: days, and seconds (C and SQL). */
#define EVALUATION_WINDOW_DAYS 14
#define EVALUATION_WINDOW (EVALUATION_WINDOW_DAYS * 86400)
#define DISCLOSURE_STR_(x) #x
#define DISCLOSURE_STR(x) DISCLOSURE_STR_(x)

#define DISCLOSURE_SUPPRESSED_TEXT "fewer than " DISCLOSURE_STR(DISCLOSURE_MIN) " responses"

/* An atom closed by the clock (a run's closes_at, a session's window) is released this many seconds
 * later, so that an answer accepted just before the moment, whose transaction commits just after it,
 * is in before anything is published. A run closed by its trainer needs none: the close and an answer
 * are writes, taken one after the other. */
#define DISCLOSURE_GRACE 60

/* SQL: survey run u is closed for release by the instant `now` (a bound parameter's name). */
#define DISCLOSURE_RUN_CLOSED(u, now)                                                                                  \
	" (" u ".closed_at IS NOT NULL OR " u ".closes_at + " DISCLOSURE_STR(DISCLOSURE_GRACE) " <= " now ")"
/* SQL: session s's evaluation window is over, for release, by `now`. */
#define DISCLOSURE_WINDOW_OVER(s, now)                                                                                 \
	" " s ".ends_at <= " now " - " DISCLOSURE_STR(EVALUATION_WINDOW) " - " DISCLOSURE_STR(DISCLOSURE_GRACE)
/* SQL, closing a query grouped by atom (run or session) over all of its answers: only atoms large
 * enough to publish. The grouped rows must be every answer of the atom, never a filtered part. */
#define DISCLOSURE_LARGE_ENOUGH " HAVING count(*) >= " DISCLOSURE_STR(DISCLOSURE_MIN)

/* SQL: value for one atom (a run or session, one row each), or NULL unless it has closed (the SQL
 * condition `closed`) with at least DISCLOSURE_MIN answers (the SQL count `n`). */
#define DISCLOSURE_RELEASED_ONLY(closed, n, value) " CASE WHEN" closed " AND " n " >= " DISCLOSURE_STR(DISCLOSURE_MIN) \
	" THEN " value " END"

/* Whether a survey run (closed_at 0: not closed by hand) holding n responses may be published at now;
 * the same rule as DISCLOSURE_RUN_CLOSED and DISCLOSURE_LARGE_ENOUGH. */
bool disclosure_run_released(int64_t closed_at, int64_t closes_at, int64_t n, int64_t now);
/* Whether a session ending at ends_at, holding n evaluations, may be published at now. */
bool disclosure_session_released(int64_t ends_at, int64_t n, int64_t now);

/* The instant from which a session ending at ends_at takes no more evaluations. */
int64_t disclosure_evaluations_close(int64_t ends_at);

/* How long after a period ends its released atoms can still change with time alone (a run closing
 * by its clock, an evaluation window ending), for figures counting records of this kind ("survey
 * runs" or "evaluations"; 0 for any other): until then a cached figure must follow the clock. */
int64_t disclosure_settles_after(const char *records);

/* One published figure: count of n released answers as a percentage, or suppressed (then count and
 * tenths are 0, so nothing downstream can print the hidden value by mistake). n is what the figure
 * rests on: released answers, or for a withheld atom the answers it holds so far. */
struct disclosure_figure {
	int64_t n;
	bool suppressed;
	int64_t count;
	int64_t tenths; /* the percentage in tenths (667 is 66.7%), when not suppressed */
};

/* The rule for one figure: withheld is true for an atom not released (its n answers are not
 * published); otherwise a figure resting on fewer than DISCLOSURE_MIN is suppressed too. */
struct disclosure_figure disclosure_figure(int64_t count, int64_t n, bool withheld);

#endif
