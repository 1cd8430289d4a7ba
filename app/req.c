/* req.c — request parsing: path, query, cookies, form and JSON bodies. Pure functions of their
 * input so that unit tests and fuzzers can drive them without a server. */
#include "req.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

static const char *const method_names[M__MAX] = {"GET", "HEAD", "POST", "PUT", "DELETE", "OTHER"};

enum method req_method(const char *s)
{
	for (int m = 0; m < M_OTHER; m++)
		if (s && strcmp(s, method_names[m]) == 0)
			return (enum method)m;
	return M_OTHER;
}

const char *req_method_name(enum method m)
{
	return m < M__MAX ? method_names[m] : "OTHER";
}

/* Accepts well-formed UTF-8 only: no overlongs, surrogates or code points past U+10FFFF. */
bool utf8_valid(const char *str, size_t len)
{
	const unsigned char *s = (const unsigned char *)str;
	size_t i = 0;
	while (i < len) {
		unsigned char c = s[i];
		if (c < 0x80) {
			i++;
			continue;
		}
		size_t n;
		unsigned int cp;
		if (c >= 0xc2 && c <= 0xdf) {
			n = 1;
			cp = c & 0x1f;
		} else if (c >= 0xe0 && c <= 0xef) {
			n = 2;
			cp = c & 0x0f;
		} else if (c >= 0xf0 && c <= 0xf4) {
			n = 3;
			cp = c & 0x07;
		} else {
			return false;
		}
		if (i + n >= len)
			return false;
		for (size_t k = 1; k <= n; k++) {
			if ((s[i + k] & 0xc0) != 0x80)
				return false;
			cp = (cp << 6) | (s[i + k] & 0x3f);
		}
		if ((n == 2 && cp < 0x800) || (n == 3 && cp < 0x10000) || cp > 0x10ffff ||
		    (cp >= 0xd800 && cp <= 0xdfff))
			return false;
		i += n + 1;
	}
	return true;
}

static int hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

char *req_url_decode(struct arena *a, const char *s, size_t len, bool plus_space)
{
	char *out = arena_alloc(a, len + 1);
	size_t o = 0;
	for (size_t i = 0; i < len; i++) {
		char c = s[i];
		if (c == '%') {
			if (i + 2 >= len)
				return NULL;
			int hi = hexval(s[i + 1]), lo = hexval(s[i + 2]);
			if (hi < 0 || lo < 0)
				return NULL;
			c = (char)(hi * 16 + lo);
			i += 2;
		} else if (c == '+' && plus_space) {
			c = ' ';
		}
		if (c == '\0')
			return NULL;
		out[o++] = c;
	}
	out[o] = '\0';
	return utf8_valid(out, o) ? out : NULL;
}

int req_parse_urlencoded(struct arena *a, const char *s, size_t len, struct kvlist *out)
{
	out->items = NULL;
	out->n = 0;
	if (s == NULL || len == 0)
		return 0;
	size_t pairs = 1;
	for (size_t i = 0; i < len; i++)
		pairs += s[i] == '&';
	if (pairs > REQ_MAX_FIELDS)
		return -1;
	out->items = arena_alloc(a, pairs * sizeof(struct kv));
	size_t start = 0;
	while (start <= len) {
		const char *amp = memchr(s + start, '&', len - start);
		size_t end = amp ? (size_t)(amp - s) : len;
		if (end > start) {
			const char *eq = memchr(s + start, '=', end - start);
			size_t klen = eq ? (size_t)(eq - (s + start)) : end - start;
			char *k = req_url_decode(a, s + start, klen, true);
			char *v = eq ? req_url_decode(a, eq + 1, end - start - klen - 1, true) : arena_strdup(a, "");
			if (k == NULL || v == NULL)
				return -1;
			out->items[out->n].key = k;
			out->items[out->n].value = v;
			out->n++;
		}
		start = end + 1;
	}
	return 0;
}

void req_parse_cookies(struct arena *a, const char *s, struct kvlist *out)
{
	out->items = NULL;
	out->n = 0;
	if (s == NULL)
		return;
	size_t pairs = 1;
	for (const char *p = s; *p; p++)
		pairs += *p == ';';
	if (pairs > REQ_MAX_FIELDS)
		pairs = REQ_MAX_FIELDS;
	out->items = arena_alloc(a, pairs * sizeof(struct kv));
	const char *p = s;
	while (*p && out->n < pairs) {
		while (*p == ' ' || *p == ';')
			p++;
		const char *end = strchr(p, ';');
		size_t len = end ? (size_t)(end - p) : strlen(p);
		const char *eq = memchr(p, '=', len);
		if (eq && eq > p) {
			size_t klen = (size_t)(eq - p);
			while (klen && p[klen - 1] == ' ')
				klen--;
			const char *v = eq + 1;
			size_t vlen = len - (size_t)(v - p);
			while (vlen && *v == ' ')
				v++, vlen--;
			while (vlen && v[vlen - 1] == ' ')
				vlen--;
			if (vlen >= 2 && v[0] == '"' && v[vlen - 1] == '"') {
				v++;
				vlen -= 2;
			}
			out->items[out->n].key = arena_strndup(a, p, klen);
			out->items[out->n].value = arena_strndup(a, v, vlen);
			out->n++;
		}
		p += len;
	}
}

static int json_depth(const json_t *j)
{
	int deepest = 0;
	if (json_is_object(j)) {
		const char *k;
		json_t *v;
		json_object_foreach((json_t *)j, k, v)
		{
			int d = json_depth(v);
			if (d > deepest)
				deepest = d;
		}
		return deepest + 1;
	}
	if (json_is_array(j)) {
		size_t i;
		json_t *v;
		json_array_foreach(j, i, v)
		{
			int d = json_depth(v);
			if (d > deepest)
				deepest = d;
		}
		return deepest + 1;
	}
	return 0;
}

static bool type_is(const char *content_type, const char *want)
{
	size_t n = strlen(want);
	return content_type && strncasecmp(content_type, want, n) == 0 &&
	       (content_type[n] == '\0' || content_type[n] == ';' || content_type[n] == ' ');
}

/* Text parts become form fields (held to the same rules as url-encoded ones); file parts are kept
 * apart, pointing into the body, for the handler to check. */
static int parse_multipart(struct req *r, const struct req_raw *raw)
{
	struct multipart_part *parts = arena_alloc(r->arena, MULTIPART_MAX_PARTS * sizeof *parts);
	const char *why;
	int n = multipart_parse(r->arena, multipart_boundary(r->arena, raw->content_type), raw->body, raw->body_len,
				parts, MULTIPART_MAX_PARTS, &why);
	if (n < 0)
		return -1;
	r->form.items = arena_alloc(r->arena, (size_t)(n ? n : 1) * sizeof(struct kv));
	r->files = parts;
	for (int i = 0; i < n; i++) {
		if (parts[i].filename) {
			r->files[r->nfiles++] = parts[i];
			continue;
		}
		if (memchr(parts[i].data, '\0', parts[i].len) || !utf8_valid(parts[i].data, parts[i].len))
			return -1;
		r->form.items[r->form.n].key = parts[i].name;
		r->form.items[r->form.n].value = arena_strndup(r->arena, parts[i].data, parts[i].len);
		r->form.n++;
	}
	return 0;
}

int req_parse(struct req *r, const struct req_raw *raw, const char **why)
{
	r->method = req_method(raw->method);
	r->path = raw->path && *raw->path ? raw->path : "/";
	r->content_type = raw->content_type;
	r->authorization = raw->authorization;
	r->origin = raw->origin;
	r->sec_fetch_site = raw->sec_fetch_site;
	r->accept = raw->accept;
	r->referer = raw->referer;
	r->client_addr = raw->client_addr ? raw->client_addr : "";
	r->body = raw->body ? raw->body : "";
	r->body_len = raw->body_len;
	req_parse_cookies(r->arena, raw->cookie, &r->cookies);
	const char *q = raw->query ? raw->query : "";
	if (req_parse_urlencoded(r->arena, q, strlen(q), &r->query) != 0) {
		*why = "The address has a malformed query string.";
		return 400;
	}
	if (raw->body_len == 0)
		return 0;
	if (type_is(raw->content_type, "application/x-www-form-urlencoded")) {
		if (req_parse_urlencoded(r->arena, raw->body, raw->body_len, &r->form) != 0) {
			*why = "The form data is malformed.";
			return 400;
		}
	} else if (type_is(raw->content_type, "application/json")) {
		json_error_t err;
		r->json = json_loadb(raw->body, raw->body_len, JSON_REJECT_DUPLICATES, &err);
		if (r->json == NULL || !json_is_object(r->json)) {
			*why = "The body is not a JSON object.";
			return 400;
		}
		if (json_depth(r->json) > REQ_MAX_JSON_DEPTH) {
			*why = "The JSON body is nested too deeply.";
			return 400;
		}
	} else if (type_is(raw->content_type, "multipart/form-data")) {
		if (parse_multipart(r, raw) != 0) {
			*why = "The form data is malformed.";
			return 400;
		}
	} else if (!type_is(raw->content_type, "text/csv")) {
		*why = "Send forms as application/x-www-form-urlencoded or JSON as application/json.";
		return 415;
	}
	return 0;
}

void req_free(struct req *r)
{
	if (r->json)
		json_decref(r->json);
	r->json = NULL;
}

const char *kv_get(const struct kvlist *l, const char *key)
{
	for (size_t i = 0; i < l->n; i++)
		if (strcmp(l->items[i].key, key) == 0)
			return l->items[i].value;
	return NULL;
}

const char *req_query(const struct req *r, const char *key)
{
	return kv_get(&r->query, key);
}

const char *req_form(const struct req *r, const char *key)
{
	return kv_get(&r->form, key);
}

const char *req_cookie(const struct req *r, const char *key)
{
	return kv_get(&r->cookies, key);
}

const char *req_field(const struct req *r, const char *key)
{
	if (r->json == NULL)
		return req_form(r, key);
	json_t *v = json_object_get(r->json, key);
	if (json_is_string(v))
		return json_string_value(v);
	if (json_is_integer(v))
		return arena_printf(r->arena, "%lld", (long long)json_integer_value(v));
	if (json_is_real(v)) {
		/* Exactly the number sent: "%.15g" would turn 0.30000000000000004 into 0.3. */
		char text[32];
		double_text(json_real_value(v), text);
		return arena_strdup(r->arena, text);
	}
	if (json_is_boolean(v))
		return json_is_true(v) ? "true" : "false";
	return NULL;
}

const struct multipart_part *req_file(const struct req *r, const char *key)
{
	for (size_t i = 0; i < r->nfiles; i++)
		if (strcmp(r->files[i].name, key) == 0)
			return &r->files[i];
	return NULL;
}

const char *req_param(const struct req *r, int i)
{
	return i >= 0 && i < r->nparams ? r->params[i] : NULL;
}

bool req_wants_json(const struct req *r)
{
	return r->json != NULL || (r->accept && strstr(r->accept, "application/json") != NULL);
}
