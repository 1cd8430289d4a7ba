/* disclosure.c — the release rule for survey and evaluation figures (see disclosure.h). */
#include "disclosure.h"

#include <string.h>

#include "survey.h"
#include "util.h"

bool disclosure_released(bool closed, int64_t n)
{
	return closed && n >= DISCLOSURE_MIN;
}

int64_t disclosure_evaluations_close(int64_t ends_at)
{
	return ends_at + EVALUATION_WINDOW;
}

int64_t disclosure_settles_after(const char *records)
{
	if (records && strcmp(records, "survey runs") == 0)
		return SURVEY_OPEN_SECONDS; /* a run closes by its clock at most this long after it opened */
	if (records && strcmp(records, "evaluations") == 0)
		return EVALUATION_WINDOW;
	return 0;
}

struct disclosure_figure disclosure_figure(int64_t count, int64_t n, bool withheld)
{
	if (withheld || n < DISCLOSURE_MIN)
		return (struct disclosure_figure){.n = n, .suppressed = true};
	return (struct disclosure_figure){.n = n, .count = count, .tenths = percent_tenths(count, n)};
}
