/* clock.c — the one source of "now". A production build reads the system clock and nothing else. A
 * test build (-DLANTERN_TEST_CLOCK, see the Makefile: bin/lantern-san, the unit tests and the
 * fuzzers) also lets a test pin the clock with LANTERN_NOW, or move a running server's clock by
 * rewriting the file named by LANTERN_CLOCK_FILE (read on every call, so it can change under it). */
#include "util.h"

#ifdef LANTERN_TEST_CLOCK
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>

/* The test clock's reading, or false to use the system clock. */
static bool test_clock(int64_t *now)
{
	const char *clock_file = getenv("LANTERN_CLOCK_FILE");
	if (clock_file && *clock_file) {
		FILE *f = fopen(clock_file, "r");
		long long v;
		int got = f ? fscanf(f, "%lld", &v) : 0;
		if (f)
			fclose(f);
		if (got == 1) {
			*now = v;
			return true;
		}
	}
	const char *pinned = getenv("LANTERN_NOW");
	if (pinned && *pinned) {
		char *end;
		errno = 0;
		long long v = strtoll(pinned, &end, 10);
		if (errno == 0 && *end == '\0') {
			*now = v;
			return true;
		}
	}
	return false;
}

bool clock_is_settable(void)
{
	return true;
}

int64_t now_utc(void)
{
	int64_t now;
	return test_clock(&now) ? now : (int64_t)time(NULL);
}

#else

bool clock_is_settable(void)
{
	return false;
}

int64_t now_utc(void)
{
	return (int64_t)time(NULL);
}

#endif
