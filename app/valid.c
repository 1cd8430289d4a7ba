/* valid.c — pure validators for everything that arrives from outside. */
#include "valid.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "auth.h"
#include "req.h"

bool valid_int(const char *s, long long min, long long max, long long *out)
{
	if (s == NULL || *s == '\0' || isspace((unsigned char)*s) || strlen(s) > 20)
		return false;
	char *end;
	errno = 0;
	long long v = strtoll(s, &end, 10);
	if (errno != 0 || *end != '\0' || v < min || v > max)
		return false;
	*out = v;
	return true;
}

bool valid_id(const char *s, int64_t *out)
{
	long long v;
	if (!valid_int(s, 1, INT64_MAX, &v))
		return false;
	*out = v;
	return true;
}

bool valid_email(const char *s)
{
	if (s == NULL)
		return false;
	size_t len = strlen(s);
	if (len < 3 || len > 254)
		return false;
	const char *at = strchr(s, '@');
	if (at == NULL || at == s || strchr(at + 1, '@') || at - s > 64)
		return false;
	const char *domain = at + 1;
	if (*domain == '\0' || *domain == '.' || strchr(domain, '.') == NULL || s[len - 1] == '.' ||
	    strstr(domain, ".."))
		return false;
	for (const char *p = s; *p; p++) {
		unsigned char c = (unsigned char)*p;
		if (c <= ' ' || c >= 0x7f || strchr("()<>,;:\\\"[]", c))
			return false;
	}
	return true;
}

bool valid_text(const char *s, size_t max, bool multiline)
{
	if (s == NULL)
		return false;
	size_t len = strlen(s);
	if (len > max || !utf8_valid(s, len))
		return false;
	bool visible = false;
	for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
		if (*p < 0x20 && !(multiline && (*p == '\n' || *p == '\r' || *p == '\t')))
			return false;
		if (*p == 0x7f)
			return false;
		if (!isspace(*p))
			visible = true;
	}
	return visible;
}

bool valid_urn(const char *s)
{
	if (s == NULL || strlen(s) != 6)
		return false;
	for (int i = 0; i < 6; i++)
		if (!isdigit((unsigned char)s[i]))
			return false;
	return true;
}

bool valid_slug(const char *s)
{
	if (s == NULL)
		return false;
	size_t len = strlen(s);
	if (len < 1 || len > 64 || s[0] == '-' || s[len - 1] == '-')
		return false;
	for (size_t i = 0; i < len; i++)
		if (!(islower((unsigned char)s[i]) || isdigit((unsigned char)s[i]) || s[i] == '-'))
			return false;
	return true;
}

static int days_in_month(int y, int m)
{
	static const int days[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
	bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
	return m == 2 && leap ? 29 : days[m - 1];
}

static bool digits(const char *s, int n, int *out)
{
	int v = 0;
	for (int i = 0; i < n; i++) {
		if (!isdigit((unsigned char)s[i]))
			return false;
		v = v * 10 + (s[i] - '0');
	}
	*out = v;
	return true;
}

bool valid_date(const char *s, int *y, int *m, int *d)
{
	if (s == NULL || strlen(s) != 10 || s[4] != '-' || s[7] != '-')
		return false;
	if (!digits(s, 4, y) || !digits(s + 5, 2, m) || !digits(s + 8, 2, d))
		return false;
	return *y >= 1900 && *y <= 2200 && *m >= 1 && *m <= 12 && *d >= 1 && *d <= days_in_month(*y, *m);
}

/* mktime in Europe/London; for a time that does not exist (the spring gap) mktime moves it on. */
static int64_t local_instant(int y, int m, int d, int hh, int mm)
{
	struct tm tm = {.tm_year = y - 1900, .tm_mon = m - 1, .tm_mday = d, .tm_hour = hh, .tm_min = mm, .tm_isdst = -1};
	return (int64_t)mktime(&tm);
}

int64_t local_midnight(int y, int m, int d)
{
	return local_instant(y, m, d, 0, 0);
}

bool valid_datetime(const char *s, int64_t *out)
{
	int y, mo, d, hh, mm, ss = 0;
	if (s == NULL)
		return false;
	size_t len = strlen(s);
	if (len < 16 || len > 25)
		return false;
	char date[11];
	memcpy(date, s, 10);
	date[10] = '\0';
	if (!valid_date(date, &y, &mo, &d) || (s[10] != 'T' && s[10] != ' ') || s[13] != ':' ||
	    !digits(s + 11, 2, &hh) || !digits(s + 14, 2, &mm) || hh > 23 || mm > 59)
		return false;
	const char *rest = s + 16;
	if (*rest == ':') {
		if (!digits(rest + 1, 2, &ss) || ss > 59)
			return false;
		rest += 3;
	}
	if (*rest == '\0') {
		*out = local_instant(y, mo, d, hh, mm) + ss;
		return true;
	}
	int oh = 0, om = 0, sign = 1;
	if (strcmp(rest, "Z") != 0) {
		if ((rest[0] != '+' && rest[0] != '-') || strlen(rest) != 6 || rest[3] != ':' ||
		    !digits(rest + 1, 2, &oh) || !digits(rest + 4, 2, &om) || oh > 14 || om > 59)
			return false;
		sign = rest[0] == '-' ? -1 : 1;
	}
	/* Days from the civil date (Howard Hinnant's algorithm), independent of the local zone. */
	int yy = mo <= 2 ? y - 1 : y;
	int era = (yy >= 0 ? yy : yy - 399) / 400;
	int yoe = yy - era * 400;
	int doy = (153 * (mo + (mo > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	int doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	int64_t days = (int64_t)era * 146097 + doe - 719468;
	*out = days * 86400 + hh * 3600 + mm * 60 + ss - sign * (oh * 3600 + om * 60);
	return true;
}

bool valid_password(const char *s)
{
	if (s == NULL)
		return false;
	size_t len = strlen(s), chars = 0;
	if (len > PASSWORD_MAX || !utf8_valid(s, len))
		return false;
	/* Count characters, not bytes: every byte that does not continue a UTF-8 sequence starts one. */
	for (size_t i = 0; i < len; i++)
		chars += ((unsigned char)s[i] & 0xc0) != 0x80;
	return chars >= PASSWORD_MIN;
}

bool valid_local_path(const char *s)
{
	if (s == NULL || s[0] != '/' || s[1] == '/' || s[1] == '\\')
		return false;
	size_t n = 0;
	for (const unsigned char *p = (const unsigned char *)s; *p; p++, n++)
		if (*p <= ' ' || *p >= 0x7f || *p == '\\' || n >= VALID_LOCAL_PATH_MAX)
			return false;
	return true;
}

bool valid_header_value(const char *s)
{
	if (s == NULL)
		return false;
	size_t n = 0;
	for (const unsigned char *p = (const unsigned char *)s; *p; p++, n++)
		if (*p < ' ' || *p >= 0x7f || n >= 8192)
			return false;
	return true;
}

/* A DNS name (labels of letters, digits and inner hyphens) or a dotted IPv4 address. */
static bool valid_host_name(const char *s, size_t len)
{
	if (len == 0 || len > 253 || s[0] == '.' || s[len - 1] == '.')
		return false;
	size_t label = 0;
	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)s[i];
		if (c == '.') {
			if (label == 0 || s[i - 1] == '-')
				return false;
			label = 0;
		} else if (isalnum(c) || (c == '-' && label > 0)) {
			if (++label > 63)
				return false;
		} else {
			return false;
		}
	}
	return s[len - 1] != '-';
}

bool valid_base_url(const char *s)
{
	if (s == NULL || strlen(s) > 200)
		return false;
	const char *host = str_starts(s, "https://") ? s + 8 : str_starts(s, "http://") ? s + 7 : NULL;
	if (host == NULL)
		return false;
	const char *port;
	if (host[0] == '[') { /* an IPv6 literal */
		const char *close = strchr(host, ']');
		if (close == NULL || close == host + 1 ||
		    strspn(host + 1, "0123456789abcdefABCDEF:.") != (size_t)(close - host - 1))
			return false;
		port = close + 1;
	} else {
		port = host + strcspn(host, ":");
		if (!valid_host_name(host, (size_t)(port - host)))
			return false;
	}
	if (*port == '\0')
		return true;
	long long n; /* digits only: valid_int alone would take "+80" */
	return port[0] == ':' && port[1] != '0' && strspn(port + 1, "0123456789") == strlen(port + 1) &&
	       valid_int(port + 1, 1, 65535, &n);
}
