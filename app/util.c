/* util.c — memory that cannot fail, buffers, the request arena, logging, and time and number formatting. */
#include "util.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void *xmalloc(size_t n)
{
	void *p = malloc(n ? n : 1);
	if (p == NULL)
		die("out of memory (%zu bytes)", n);
	return p;
}

void *xcalloc(size_t n, size_t size)
{
	void *p = calloc(n ? n : 1, size ? size : 1);
	if (p == NULL)
		die("out of memory (%zu x %zu bytes)", n, size);
	return p;
}

void *xrealloc(void *p, size_t n)
{
	p = realloc(p, n ? n : 1);
	if (p == NULL)
		die("out of memory (%zu bytes)", n);
	return p;
}

char *xstrdup(const char *s)
{
	return xstrndup(s, strlen(s));
}

char *xstrndup(const char *s, size_t n)
{
	char *p = xmalloc(n + 1);
	memcpy(p, s, n);
	p[n] = '\0';
	return p;
}

char *xasprintf(const char *fmt, ...)
{
	struct buf b = {0};
	va_list ap;
	va_start(ap, fmt);
	buf_vprintf(&b, fmt, ap);
	va_end(ap);
	return buf_take(&b);
}

static void log_line(const char *level, const char *fmt, va_list ap)
{
	char stamp[32];
	time_t t = time(NULL);
	struct tm tm;
	gmtime_r(&t, &tm);
	strftime(stamp, sizeof stamp, "%Y-%m-%dT%H:%M:%SZ", &tm);
	/* One write per line so lines from worker threads never interleave. */
	struct buf b = {0};
	buf_printf(&b, "%s %s ", stamp, level);
	buf_vprintf(&b, fmt, ap);
	buf_putc(&b, '\n');
	fwrite(b.data, 1, b.len, stderr);
	buf_free(&b);
}

void die(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	log_line("fatal", fmt, ap);
	va_end(ap);
	abort();
}

void log_info(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	log_line("info", fmt, ap);
	va_end(ap);
}

void log_error(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	log_line("error", fmt, ap);
	va_end(ap);
}

static void buf_grow(struct buf *b, size_t extra)
{
	size_t need = b->len + extra + 1;
	if (need <= b->cap)
		return;
	size_t cap = b->cap ? b->cap : 1024;
	while (cap < need)
		cap *= 2;
	b->data = xrealloc(b->data, cap);
	b->cap = cap;
}

void buf_append(struct buf *b, const char *s, size_t n)
{
	if (b->len + n + 1 > b->cap)
		buf_grow(b, n);
	if (n) /* s may be NULL when there is nothing to copy (an empty buffer's data) */
		memcpy(b->data + b->len, s, n);
	b->len += n;
	b->data[b->len] = '\0';
}

void buf_puts(struct buf *b, const char *s)
{
	buf_append(b, s, strlen(s));
}

void buf_putc(struct buf *b, char c)
{
	buf_append(b, &c, 1);
}

void buf_vprintf(struct buf *b, const char *fmt, va_list ap)
{
	/* Format straight into the free space; only a result that does not fit is formatted twice. */
	buf_grow(b, 64);
	va_list copy;
	va_copy(copy, ap);
	int n = vsnprintf(b->data + b->len, b->cap - b->len, fmt, copy);
	va_end(copy);
	/* vsnprintf fails only for a result over INT_MAX bytes or a wide-character conversion: lantern's
	 * formats have none, and no request carries more than REQ_MAX_UPLOAD (8 MiB). As out of memory,
	 * then: the process's state is past trusting. */
	if (n < 0)
		die("bad format string");
	if ((size_t)n >= b->cap - b->len) {
		buf_grow(b, (size_t)n);
		vsnprintf(b->data + b->len, (size_t)n + 1, fmt, ap);
	}
	b->len += (size_t)n;
}

void buf_int(struct buf *b, long long v)
{
	char digits[24], *p = digits + sizeof digits;
	unsigned long long u = v < 0 ? 0ULL - (unsigned long long)v : (unsigned long long)v;
	do
		*--p = (char)('0' + u % 10);
	while (u /= 10);
	if (v < 0)
		*--p = '-';
	buf_append(b, p, (size_t)(digits + sizeof digits - p));
}

void buf_printf(struct buf *b, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	buf_vprintf(b, fmt, ap);
	va_end(ap);
}

void buf_reset(struct buf *b)
{
	b->len = 0;
	if (b->data)
		b->data[0] = '\0';
}

void buf_free(struct buf *b)
{
	free(b->data);
	b->data = NULL;
	b->len = b->cap = 0;
}

char *buf_take(struct buf *b)
{
	char *p = b->data ? b->data : xstrdup("");
	b->data = NULL;
	b->len = b->cap = 0;
	return p;
}

/* The arena is a list of blocks; big requests get a block of their own. */
struct arena_block {
	struct arena_block *next;
	size_t used, cap;
	max_align_t data[];
};

struct arena {
	struct arena_block *head;
};

enum { ARENA_BLOCK = 16 * 1024 };

struct arena *arena_new(void)
{
	return xcalloc(1, sizeof(struct arena));
}

void arena_clear(struct arena *a)
{
	struct arena_block *b = a->head;
	while (b) {
		struct arena_block *next = b->next;
		free(b);
		b = next;
	}
	a->head = NULL;
}

void arena_free(struct arena *a)
{
	if (a == NULL)
		return;
	arena_clear(a);
	free(a);
}

void *arena_alloc(struct arena *a, size_t n)
{
	size_t align = sizeof(max_align_t);
	n = (n + align - 1) / align * align;
	struct arena_block *b = a->head;
	if (b == NULL || b->cap - b->used < n) {
		size_t cap = n > ARENA_BLOCK ? n : ARENA_BLOCK;
		b = xmalloc(sizeof(*b) + cap);
		b->used = 0;
		b->cap = cap;
		b->next = a->head;
		a->head = b;
	}
	void *p = (char *)b->data + b->used;
	b->used += n;
	return p;
}

char *arena_strndup(struct arena *a, const char *s, size_t n)
{
	char *p = arena_alloc(a, n + 1);
	memcpy(p, s, n);
	p[n] = '\0';
	return p;
}

char *arena_strdup(struct arena *a, const char *s)
{
	return s ? arena_strndup(a, s, strlen(s)) : NULL;
}

char *arena_printf(struct arena *a, const char *fmt, ...)
{
	va_list ap, copy;
	va_start(ap, fmt);
	va_copy(copy, ap);
	int n = vsnprintf(NULL, 0, fmt, copy);
	va_end(copy);
	if (n < 0) /* as in buf_vprintf: no request can make this happen */
		die("bad format string");
	char *p = arena_alloc(a, (size_t)n + 1);
	vsnprintf(p, (size_t)n + 1, fmt, ap);
	va_end(ap);
	return p;
}

/* localtime_r, with the UTC offset of each hour remembered per thread: converting with a known offset
 * is plain arithmetic, while localtime_r takes a lock and walks the time zone's rules every time (a
 * list page shows a time per row). London's clocks change on the hour, so an hour has one offset. */
static void local_tm(int64_t t, struct tm *tm)
{
	enum { SLOTS = 64 };
	static _Thread_local struct {
		int64_t hour; /* t / 3600 + 1, so that 0 is empty */
		long gmtoff;
		int isdst;
		const char *zone;
	} cache[SLOTS];
	int64_t hour = (t >= 0 ? t / 3600 : (t - 3599) / 3600) + 1;
	unsigned slot = (unsigned)((uint64_t)hour % SLOTS);
	if (cache[slot].hour != hour) {
		time_t tt = (time_t)t;
		localtime_r(&tt, tm);
		cache[slot].hour = hour;
		cache[slot].gmtoff = tm->tm_gmtoff;
		cache[slot].isdst = tm->tm_isdst;
		cache[slot].zone = tm->tm_zone;
		return;
	}
	/* Days to civil date (H. Hinnant's algorithm), on local seconds. */
	int64_t local = t + cache[slot].gmtoff;
	int64_t days = local >= 0 ? local / 86400 : (local - 86399) / 86400;
	int64_t secs = local - days * 86400;
	int64_t z = days + 719468, era = (z >= 0 ? z : z - 146096) / 146097;
	int64_t doe = z - era * 146097, yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100), mp = (5 * doy + 2) / 153;
	int64_t d = doy - (153 * mp + 2) / 5 + 1, m = mp < 10 ? mp + 3 : mp - 9, y = yoe + era * 400 + (m <= 2);
	static const int before_month[12] = {0, 31, 59, 90, 120, 151, 181, 212, 243, 273, 304, 334};
	bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
	*tm = (struct tm){
		.tm_sec = (int)(secs % 60), .tm_min = (int)(secs / 60 % 60), .tm_hour = (int)(secs / 3600),
		.tm_mday = (int)d, .tm_mon = (int)m - 1, .tm_year = (int)y - 1900,
		.tm_wday = (int)((days % 7 + 11) % 7), /* 1970-01-01 was a Thursday */
		.tm_yday = before_month[m - 1] + (int)d - 1 + (leap && m > 2),
		.tm_isdst = cache[slot].isdst, .tm_gmtoff = cache[slot].gmtoff, .tm_zone = cache[slot].zone,
	};
}

/* The process runs with TZ=Europe/London (set in main), so localtime is London time. */
void double_text(double v, char out[32])
{
	/* 17 significant digits always read back exactly; fewer often do, and read better. */
	for (int digits = 1; digits <= 17; digits++) {
		snprintf(out, 32, "%.*g", digits, v);
		if (strtod(out, NULL) == v)
			break;
	}
	/* The fewest digits of a round number take an exponent (20 is "2e+01" in one digit): written
	 * with as many digits as its whole part has, it reads as people write it. */
	const char *e = strchr(out, 'e');
	int exponent = e ? (int)strtol(e + 1, NULL, 10) : -1;
	if (exponent >= 0 && exponent < 17)
		snprintf(out, 32, "%.*g", exponent + 1, v);
}

void double_decimal(double v, char out[DOUBLE_DECIMAL_MAX])
{
	char text[32];
	double_text(v, text);
	char *e = strchr(text, 'e');
	if (e == NULL) {
		snprintf(out, DOUBLE_DECIMAL_MAX, "%s", text);
		return;
	}
	/* d.ddde±x: the digits without the point, then the point moved x places. */
	int exponent = (int)strtol(e + 1, NULL, 10);
	*e = '\0';
	const char *p = text;
	char digits[32];
	size_t n = 0;
	bool negative = *p == '-';
	if (negative)
		p++;
	for (; *p; p++)
		if (*p != '.')
			digits[n++] = *p;
	digits[n] = '\0';
	int point = exponent + 1; /* digits before the decimal point */
	size_t o = 0;
	if (negative)
		out[o++] = '-';
	if (point <= 0) {
		out[o++] = '0';
		out[o++] = '.';
		for (int i = 0; i < -point; i++)
			out[o++] = '0';
		for (size_t i = 0; i < n; i++)
			out[o++] = digits[i];
	} else {
		for (int i = 0; i < point; i++)
			out[o++] = (size_t)i < n ? digits[i] : '0';
		if ((size_t)point < n) {
			out[o++] = '.';
			for (size_t i = (size_t)point; i < n; i++)
				out[o++] = digits[i];
		}
	}
	out[o] = '\0';
}

void time_iso_local(int64_t t, char out[32])
{
	struct tm tm;
	local_tm(t, &tm);
	long off = tm.tm_gmtoff;
	char sign = off < 0 ? '-' : '+';
	if (off < 0)
		off = -off;
	char base[24];
	strftime(base, sizeof base, "%Y-%m-%dT%H:%M:%S", &tm);
	snprintf(out, 32, "%s%c%02d:%02d", base, sign, (int)(off / 3600 % 100), (int)((off % 3600) / 60));
}

static const char *const month_names[] = {"January", "February", "March",     "April",   "May",      "June",
					  "July",    "August",   "September", "October", "November", "December"};
static const char *const day_names[] = {"Sunday",   "Monday", "Tuesday", "Wednesday",
					"Thursday", "Friday", "Saturday"};

/* Append text, or the decimal digits of v (at least width of them), to out[*at..n), truncating. */
static void put_text(char *out, size_t n, size_t *at, const char *text)
{
	while (*text && *at + 1 < n)
		out[(*at)++] = *text++;
}

static void put_int(char *out, size_t n, size_t *at, int v, int width)
{
	char digits[12];
	int k = 0;
	do
		digits[k++] = (char)('0' + v % 10);
	while ((v /= 10) > 0 || k < width);
	while (k > 0 && *at + 1 < n)
		out[(*at)++] = digits[--k];
}

/* Written by hand rather than with snprintf: list pages show one per row. */
void time_human(int64_t t, char *out, size_t n)
{
	struct tm tm;
	local_tm(t, &tm);
	int hour = tm.tm_hour % 12 ? tm.tm_hour % 12 : 12;
	size_t at = 0;
	if (n == 0)
		return;
	put_text(out, n, &at, day_names[tm.tm_wday]);
	put_text(out, n, &at, " ");
	put_int(out, n, &at, tm.tm_mday, 1);
	put_text(out, n, &at, " ");
	put_text(out, n, &at, month_names[tm.tm_mon]);
	put_text(out, n, &at, " ");
	put_int(out, n, &at, tm.tm_year + 1900, 1);
	put_text(out, n, &at, ", ");
	put_int(out, n, &at, hour, 1);
	if (tm.tm_min) {
		put_text(out, n, &at, ":");
		put_int(out, n, &at, tm.tm_min, 2);
	}
	put_text(out, n, &at, tm.tm_hour < 12 ? "am" : "pm");
	out[at] = '\0';
}

void date_human(int64_t t, char *out, size_t n)
{
	struct tm tm;
	local_tm(t, &tm);
	snprintf(out, n, "%d %s %d", tm.tm_mday, month_names[tm.tm_mon], tm.tm_year + 1900);
}

const char *duration_human(struct arena *a, int minutes)
{
	int h = minutes / 60, m = minutes % 60;
	const char *mins = arena_printf(a, "%d minute%s", m, m == 1 ? "" : "s");
	if (h == 0)
		return mins;
	const char *hours = arena_printf(a, "%d hour%s", h, h == 1 ? "" : "s");
	return m ? arena_printf(a, "%s %s", hours, mins) : hours;
}

bool str_equal_ct(const char *a, const char *b)
{
	size_t la = strlen(a), lb = strlen(b);
	unsigned char diff = la != lb;
	size_t n = la < lb ? la : lb;
	for (size_t i = 0; i < n; i++)
		diff |= (unsigned char)(a[i] ^ b[i]);
	return diff == 0;
}

bool str_starts(const char *s, const char *prefix)
{
	return strncmp(s, prefix, strlen(prefix)) == 0;
}

static bool name_gap(char c)
{
	return c == ' ' || c == '\t' || c == '-' || c == '_';
}

/* Skips a run of gaps; returns where the next letter is. */
static const char *past_gaps(const char *s)
{
	while (name_gap(*s))
		s++;
	return s;
}

bool str_same_name(const char *a, const char *b)
{
	a = past_gaps(a);
	b = past_gaps(b);
	while (*a && *b) {
		if (name_gap(*a) || name_gap(*b)) {
			if (!name_gap(*a) || !name_gap(*b))
				return false;
			a = past_gaps(a);
			b = past_gaps(b);
			/* A gap at the end of one and not the other is only trailing space. */
			continue;
		}
		if (tolower((unsigned char)*a) != tolower((unsigned char)*b))
			return false;
		a++, b++;
	}
	return *past_gaps(a) == '\0' && *past_gaps(b) == '\0';
}

int64_t percent_tenths(int64_t part, int64_t whole)
{
	return (2000 * part + whole) / (2 * whole);
}
