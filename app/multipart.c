/* multipart.c — a small, strict multipart/form-data parser. Everything is bounded: the boundary's
 * length, each part's header block, the number of parts. Names and file names are checked as
 * UTF-8 without control characters, since they end up on pages and in logs of errors. */
#include "multipart.h"

#include <stdbool.h>
#include <string.h>
#include <strings.h>

#include "req.h"

/* Characters RFC 2046 allows in a boundary. */
static const char BCHARS[] = "0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ'()+_,-./:=? ";

static const char *skip_space(const char *s)
{
	while (*s == ' ' || *s == '\t')
		s++;
	return s;
}

/* Reads a parameter value (a token, or a quoted string without escapes, as browsers write them)
 * from s; returns it in the arena and moves *end past it, or NULL if malformed. */
static char *param_value(struct arena *a, const char *s, const char **end)
{
	if (*s == '"') {
		const char *close = strchr(s + 1, '"');
		if (close == NULL)
			return NULL;
		*end = close + 1;
		return arena_strndup(a, s + 1, (size_t)(close - s - 1));
	}
	size_t n = strcspn(s, "; \t");
	*end = s + n;
	return arena_strndup(a, s, n);
}

/* Finds parameter key in a header value's "; key=value" list; NULL if absent or malformed. */
static char *param(struct arena *a, const char *value, const char *key)
{
	const char *p = strchr(value, ';');
	size_t klen = strlen(key);
	while (p) {
		p = skip_space(p + 1);
		const char *eq = strchr(p, '=');
		if (eq == NULL)
			return NULL;
		const char *end;
		char *v = param_value(a, skip_space(eq + 1), &end);
		if (v == NULL)
			return NULL;
		size_t nlen = (size_t)(eq - p);
		while (nlen && (p[nlen - 1] == ' ' || p[nlen - 1] == '\t'))
			nlen--;
		if (nlen == klen && strncasecmp(p, key, klen) == 0)
			return v;
		p = strchr(end, ';');
	}
	return NULL;
}

const char *multipart_boundary(struct arena *a, const char *content_type)
{
	static const char TYPE[] = "multipart/form-data";
	if (content_type == NULL || strncasecmp(content_type, TYPE, sizeof TYPE - 1) != 0)
		return NULL;
	const char *rest = skip_space(content_type + sizeof TYPE - 1);
	if (*rest != ';')
		return NULL;
	char *b = param(a, rest, "boundary");
	size_t n = b ? strlen(b) : 0;
	if (n == 0 || n > MULTIPART_MAX_BOUNDARY || strspn(b, BCHARS) != n || b[n - 1] == ' ')
		return NULL;
	return b;
}

static bool clean_text(const char *s)
{
	for (const unsigned char *p = (const unsigned char *)s; *p; p++)
		if (*p < 0x20 || *p == 0x7f)
			return false;
	return utf8_valid(s, strlen(s));
}

/* Parses one part's header block (without the blank line that ends it) into part. */
static bool headers(struct arena *a, const char *block, size_t len, struct multipart_part *part, const char **why)
{
	char *text = arena_strndup(a, block, len);
	if (memchr(block, '\0', len) || !utf8_valid(text, len)) {
		*why = "a part's headers are not text";
		return false;
	}
	bool disposition = false;
	for (char *line = text; line && *line;) {
		char *next = strstr(line, "\r\n");
		if (next) {
			*next = '\0';
			next += 2;
		}
		char *colon = strchr(line, ':');
		if (colon == NULL) {
			*why = "a part has a malformed header";
			return false;
		}
		*colon = '\0';
		const char *value = skip_space(colon + 1);
		if (strcasecmp(line, "Content-Disposition") == 0) {
			if (strncasecmp(value, "form-data", 9) != 0 || (value[9] != ';' && value[9] != ' ')) {
				*why = "a part is not form-data";
				return false;
			}
			part->name = param(a, value, "name");
			part->filename = param(a, value, "filename");
			disposition = true;
		} else if (strcasecmp(line, "Content-Type") == 0) {
			part->content_type = arena_strdup(a, value);
		}
		line = next;
	}
	if (!disposition || part->name == NULL || *part->name == '\0' || !clean_text(part->name) ||
	    (part->filename && !clean_text(part->filename))) {
		*why = "a part has no usable name";
		return false;
	}
	return true;
}

/* After "--boundary": the closing "--", or optional spaces and CRLF before the next part. Returns the
 * position after that, setting *last; NULL when what follows is not a delimiter's end. */
static const char *after_delimiter(const char *p, const char *end, bool *last)
{
	if (end - p >= 2 && p[0] == '-' && p[1] == '-') {
		*last = true;
		return p + 2;
	}
	while (p < end && (*p == ' ' || *p == '\t'))
		p++;
	if (end - p >= 2 && p[0] == '\r' && p[1] == '\n') {
		*last = false;
		return p + 2;
	}
	return NULL;
}

int multipart_parse(struct arena *a, const char *boundary, const char *body, size_t len, struct multipart_part *parts,
		    int max, const char **why)
{
	if (boundary == NULL || body == NULL) {
		*why = "the form data has no boundary";
		return -1;
	}
	/* "\r\n--boundary" separates parts; the first may start the body, with no line break before it. */
	char *delim = arena_printf(a, "\r\n--%s", boundary);
	size_t dlen = strlen(delim);
	const char *end = body + len, *p;
	bool last = false;
	if (len >= dlen - 2 && memcmp(body, delim + 2, dlen - 2) == 0) {
		p = after_delimiter(body + dlen - 2, end, &last);
	} else {
		const char *hit = memmem(body, len, delim, dlen);
		p = hit ? after_delimiter(hit + dlen, end, &last) : NULL;
	}
	if (p == NULL) {
		*why = "the form data does not start with its boundary";
		return -1;
	}
	int n = 0;
	while (!last) {
		if (n == max) {
			*why = "the form has too many parts";
			return -1;
		}
		struct multipart_part *part = &parts[n];
		memset(part, 0, sizeof *part);
		/* Headers end at a blank line; a part with none at all cannot say its name. */
		size_t scan = (size_t)(end - p) < MULTIPART_MAX_HEADER + 4 ? (size_t)(end - p) : MULTIPART_MAX_HEADER + 4;
		const char *blank = memmem(p, scan, "\r\n\r\n", 4);
		size_t hlen = blank ? (size_t)(blank - p) : 0;
		if (blank == NULL || hlen == 0 || hlen > MULTIPART_MAX_HEADER) {
			*why = "a part's headers are missing or too long";
			return -1;
		}
		if (!headers(a, p, hlen, part, why))
			return -1;
		const char *data = blank + 4;
		/* The part ends at the next delimiter that is properly ended; anything else is data. */
		const char *next = NULL, *from = data;
		for (;;) {
			const char *hit = memmem(from, (size_t)(end - from), delim, dlen);
			if (hit == NULL)
				break;
			next = after_delimiter(hit + dlen, end, &last);
			if (next) {
				part->data = data;
				part->len = (size_t)(hit - data);
				break;
			}
			from = hit + 1;
		}
		if (next == NULL) {
			*why = "the form data ends before its closing boundary";
			return -1;
		}
		p = next;
		n++;
	}
	return n;
}
