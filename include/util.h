/* util.h — memory that cannot fail, growable buffers, a request arena, logging and time. */
#ifndef LANTERN_UTIL_H
#define LANTERN_UTIL_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

#define ARRAY_LEN(a) (sizeof(a) / sizeof((a)[0]))

/* Allocation failure is fatal: the worker logs and exits rather than limp on. */
void *xmalloc(size_t n);
void *xcalloc(size_t n, size_t size);
void *xrealloc(void *p, size_t n);
char *xstrdup(const char *s);
char *xstrndup(const char *s, size_t n);
/* Returns a malloc'd formatted string; caller frees. */
char *xasprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

_Noreturn void die(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void log_info(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void log_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* A growable byte buffer; always NUL-terminated after the first append. */
struct buf {
	char *data;
	size_t len;
	size_t cap;
};
void buf_append(struct buf *b, const char *s, size_t n);
void buf_puts(struct buf *b, const char *s);
void buf_putc(struct buf *b, char c);
void buf_printf(struct buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void buf_vprintf(struct buf *b, const char *fmt, va_list ap);
/* Appends v in decimal (what buf_printf "%lld" does, without the printf machinery). */
void buf_int(struct buf *b, long long v);
void buf_reset(struct buf *b);
void buf_free(struct buf *b);
/* Hands the buffer's memory to the caller (never NULL) and empties b. */
char *buf_take(struct buf *b);

/* A bump allocator freed in one go at the end of a request. */
struct arena;
struct arena *arena_new(void);
void arena_free(struct arena *a);
void arena_clear(struct arena *a);
void *arena_alloc(struct arena *a, size_t n);
char *arena_strdup(struct arena *a, const char *s);
char *arena_strndup(struct arena *a, const char *s, size_t n);
char *arena_printf(struct arena *a, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Wall-clock seconds since the epoch (app/clock.c). Only a test build (-DLANTERN_TEST_CLOCK:
 * bin/lantern-san, the unit tests, the fuzzers) lets tests pin it with LANTERN_NOW or move it with
 * LANTERN_CLOCK_FILE; bin/lantern reads the system clock alone. */
int64_t now_utc(void);
/* True in a test build, whose clock tests may set. */
bool clock_is_settable(void);
/* The shortest text strtod reads back as exactly v: 1234567 -> "1234567", 12.345678 -> "12.345678",
 * 0.1 -> "0.1", 1e300 -> "1e+300". */
void double_text(double v, char out[32]);
/* The same digits as plain decimal notation, never an exponent (XML's xs:decimal): 1e21 ->
 * "1000000000000000000000". Fits any finite double. */
enum { DOUBLE_DECIMAL_MAX = 400 };
void double_decimal(double v, char out[DOUBLE_DECIMAL_MAX]);
/* "2026-03-05T09:30:00+00:00" in Europe/London for a UTC instant, into out (>= 26 bytes). */
void time_iso_local(int64_t t, char out[32]);
/* "Thursday 5 March 2026, 9:30am" for pages, into out. */
void time_human(int64_t t, char *out, size_t n);
/* "5 March 2026" */
void date_human(int64_t t, char *out, size_t n);
/* A length of time for people: "45 minutes", "1 hour", "4 hours 30 minutes"; in a. */
const char *duration_human(struct arena *a, int minutes);

/* part of whole as a percentage in tenths, rounded half up: 2 of 3 is 667 (66.7%). whole > 0. */
int64_t percent_tenths(int64_t part, int64_t whole);

/* Constant-time comparison of two NUL-terminated strings (length may leak). */
bool str_equal_ct(const char *a, const char *b);
bool str_starts(const char *s, const char *prefix);
/* Whether two names are the same as people type them: letters in any case, and spaces, hyphens and
 * underscores alike (a run of them counts as one; none at either end), so "Southend-on-Sea",
 * "southend on sea" and " SOUTHEND_ON_SEA " are equal. ASCII letters only change case. */
bool str_same_name(const char *a, const char *b);

#endif
