/* campaign_period.c — period names to half-open date ranges. Pure: no clock, no time zone; the
 * caller turns the dates into instants (a boundary is local midnight). */
#include "campaign_period.h"

#include <ctype.h>
#include <stdio.h>
#include <string.h>

/* n digits at s as a number, or -1. */
static int number(const char *s, int n)
{
	int v = 0;
	for (int i = 0; i < n; i++) {
		if (!isdigit((unsigned char)s[i]))
			return -1;
		v = v * 10 + (s[i] - '0');
	}
	return v;
}

/* Fills out with months starting at (y, m). */
static void span(struct campaign_period *out, int y, int m, int months)
{
	int end = (y * 12 + (m - 1)) + months;
	snprintf(out->from, sizeof out->from, "%04d-%02d-01", y, m);
	snprintf(out->to, sizeof out->to, "%04d-%02d-01", end / 12, end % 12 + 1);
	out->months = months;
}

/* "2025-26" after a prefix: the first year, if the second is the next one written with two digits. */
static int year_pair(const char *s)
{
	int y = number(s, 4), y2 = number(s + 5, 2);
	if (y < 0 || y2 < 0 || s[4] != '-' || (y + 1) % 100 != y2)
		return -1;
	return y;
}

bool campaign_period_parse(const char *name, struct campaign_period *out)
{
	if (name == NULL)
		return false;
	size_t len = strlen(name);
	int y = -1, m = 1, months = 0;
	if (len == 4) {
		y = number(name, 4), months = 12;
	} else if (len == 7 && name[4] == '-') {
		y = number(name, 4), m = number(name + 5, 2), months = 1;
		if (m < 1 || m > 12)
			return false;
	} else if ((len == 9 || len == 12) && strncmp(name, "FY", 2) == 0) {
		y = year_pair(name + 2), m = 4, months = 12;
		if (len == 12) {
			int q = name[9] == '-' && name[10] == 'Q' ? number(name + 11, 1) : -1;
			if (q < 1 || q > 4)
				return false;
			m = 4 + (q - 1) * 3, months = 3; /* Q1 is April to June; Q4 runs into the next year */
		}
	} else if (len == 9 && strncmp(name, "AY", 2) == 0) {
		y = year_pair(name + 2), m = 9, months = 12;
	}
	if (y < 2000 || y > 2100 || months == 0)
		return false;
	span(out, y + (m - 1) / 12, (m - 1) % 12 + 1, months);
	return true;
}
