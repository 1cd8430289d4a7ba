/* fuzz_req.c — libFuzzer target: request decoding as the FastCGI layer hands a request over
 * (struct req_raw) through req_parse — query string, cookies, and form, JSON and multipart bodies —
 * then the look-ups handlers make, and the route table's matching of the path.
 * Input: up to five lines (method, path, query, cookie, content type), then the body. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "req.h"
#include "route.h"
#include "util.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size > REQ_MAX_BODY + 4096)
		return 0;
	char *copy = xmalloc(size + 1);
	memcpy(copy, data, size);
	copy[size] = '\0';
	const char *field[5] = {"POST", "/", "", "", "application/x-www-form-urlencoded"};
	char *p = copy, *end = copy + size;
	for (int i = 0; i < 5 && p < end; i++) {
		char *nl = memchr(p, '\n', (size_t)(end - p));
		field[i] = p;
		if (nl == NULL) {
			p = end;
			break;
		}
		*nl = '\0';
		p = nl + 1;
	}
	struct req_raw raw = {.method = field[0], .path = field[1], .query = field[2], .cookie = field[3],
			      .content_type = field[4], .body = p, .body_len = (size_t)(end - p)};
	struct req r = {.arena = arena_new()};
	const char *params[REQ_MAX_PARAMS];
	int nparams = 0;
	bool exists;
	route_match(req_method(raw.method), raw.path, params, &nparams, &exists);
	route_body_limit(raw.method, raw.path);
	const char *why = NULL;
	if (req_parse(&r, &raw, &why) == 0) {
		static const char *const names[] = {"email", "csrf", "page", "q1", "s1", "status", "file", ""};
		for (size_t i = 0; i < ARRAY_LEN(names); i++) {
			const char *v = req_field(&r, names[i]);
			if (v && !utf8_valid(v, strlen(v)) && r.json)
				abort(); /* jansson hands over valid UTF-8 only */
			req_query(&r, names[i]);
			req_cookie(&r, names[i]);
			req_file(&r, names[i]);
		}
		for (size_t i = 0; i < r.form.n; i++)
			if (strlen(r.form.items[i].key) > r.body_len)
				abort();
	}
	req_free(&r);
	arena_free(r.arena);
	free(copy);
	return 0;
}
