/* fuzz_period.c — libFuzzer target: the period parser (period_parse) and what is done with a parsed
 * period, with the property that a period's canonical name parses back to the same period; and the
 * date and time validators requests go through. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "period.h"
#include "util.h"
#include "valid.h"

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	setenv("TZ", "Europe/London", 1);
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size > 64)
		return 0;
	char s[65];
	memcpy(s, data, size);
	s[size] = '\0';
	struct period p, again;
	if (period_parse(s, &p)) {
		if (!period_parse(p.name, &again) || strcmp(again.name, p.name) != 0 || again.kind != p.kind ||
		    memcmp(&again.from, &p.from, sizeof p.from) != 0 || memcmp(&again.to, &p.to, sizeof p.to) != 0)
			abort();
		char text[11];
		period_date_text(&p.from, text);
		struct period_date last;
		period_last_day(&p, &last);
		int64_t from, to;
		period_bounds_utc(&p, &from, &to);
		if (to <= from)
			abort();
	}
	period_or_current(s, 1767225600, &p);
	int y, m, d;
	valid_date(s, &y, &m, &d);
	int64_t t;
	valid_datetime(s, &t);
	long long n;
	valid_int(s, -1000000, 1000000, &n);
	return 0;
}
