/* valid.h — pure validators: each takes text from a request and says whether it is acceptable,
 * writing the parsed value out. Never atoi: garbage must not turn into 0. */
#ifndef LANTERN_VALID_H
#define LANTERN_VALID_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

bool valid_int(const char *s, long long min, long long max, long long *out);
bool valid_id(const char *s, int64_t *out); /* a positive row id */
bool valid_email(const char *s);
/* Non-blank after trimming, at most max bytes, no control characters (newlines allowed if multiline). */
bool valid_text(const char *s, size_t max, bool multiline);
bool valid_urn(const char *s);   /* a DfE URN: exactly six digits */
bool valid_slug(const char *s);  /* lower-case letters, digits and hyphens, 1..64 */
/* A real calendar date "YYYY-MM-DD" between 1900 and 2200. */
bool valid_date(const char *s, int *y, int *m, int *d);
/* A local Europe/London date and time "YYYY-MM-DDTHH:MM" (as an HTML datetime-local sends) or
 * "YYYY-MM-DD HH:MM", or ISO 8601 with an offset; writes the UTC instant. */
bool valid_datetime(const char *s, int64_t *out);
/* Local midnight (Europe/London) starting the given date, as a UTC instant. */
int64_t local_midnight(int y, int m, int d);
bool valid_password(const char *s);

/* A path on this site to send a browser to (a sign-in's next=): one leading '/', not "//" or "/\\",
 * printable ASCII without spaces or backslashes, at most VALID_LOCAL_PATH_MAX bytes. A leading '/'
 * rules out a scheme; refusing control characters matters because browsers drop tabs and newlines
 * from addresses, so "/\t/evil.example" would become "//evil.example", another site. */
enum { VALID_LOCAL_PATH_MAX = 4096 };
bool valid_local_path(const char *s);
/* A public address for absolute links (lantern serve --base-url): "http://" or "https://", a host
 * (a DNS name, IPv4 address or [IPv6] address) and an optional :port 1-65535, nothing else: no path
 * (not even "/"), query, fragment or user name. At most 200 bytes. */
bool valid_base_url(const char *s);
/* What may go into a response header's value: printable ASCII (space allowed), at most 8 KiB. */
bool valid_header_value(const char *s);

#endif
