/* disclosure.c — the release rule for survey and evaluation figures (see disclosure.h). */
#include "disclosure.h"

#include <string.h>

#include "survey.h"
#include "util.h"

bool disclosure_run_released(int64_t closed_at, int64_t closes_at, int64_t n, int64_t now)
{
	return (closed_at != 0 || closes_at + DISCLOSURE_GRACE <= now) && n >= DISCLOSURE_MIN;
}

bool disclosure_session_released(int64_t ends_at, int64_t n, int64_t now)
{
	return disclosure_evaluations_close(ends_at) + DISCLOSURE_GRACE <= now && n >= DISCLOSURE_MIN;
}

int64_t disclosure_evaluations_close(int64_t ends_at)
{
	return ends_at + EVALUATION_WINDOW;
}

int64_t disclosure_settles_after(const char *records)
{
	if (records && strcmp(records, "survey runs") == 0)
		return SURVEY_OPEN_SECONDS + DISCLOSURE_GRACE; /* a run closes by its clock this long after opening */
	if (records && strcmp(records, "evaluations") == 0)
		return EVALUATION_WINDOW + DISCLOSURE_GRACE;
	return 0;
}

struct disclosure_figure disclosure_figure(int64_t count, int64_t n, bool withheld)
{
	if (withheld || n < DISCLOSURE_MIN)
		return (struct disclosure_figure){.n = n, .suppressed = true};
	return (struct disclosure_figure){.n = n, .count = count, .tenths = percent_tenths(count, n)};
}
