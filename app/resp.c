/* resp.c — status, headers and a buffered body, serialised CGI-style for libfcgi. Security
 * headers that apply to every response are set by nginx; the app sets what varies per response. */
#include "resp.h"

#include <stdlib.h>
#include <string.h>

#include "valid.h"

void resp_init(struct resp *o, struct arena *a)
{
	memset(o, 0, sizeof *o);
	o->arena = a;
	o->content_type = "text/html; charset=utf-8";
	o->cache_control = "no-store";
}

void resp_free(struct resp *o)
{
	buf_free(&o->headers);
	buf_free(&o->body);
}

void resp_reset(struct resp *o)
{
	buf_reset(&o->headers);
	buf_reset(&o->body);
	o->table = (struct resp_table){0};
	o->content_type = "text/html; charset=utf-8";
	o->cache_control = "no-store";
}

void resp_fail(struct resp *o, const char *why)
{
	log_error("request failed: %s", why);
	if (o->fault == NULL)
		o->fault = why;
}

/* RFC 9110 token characters: what a header or cookie name may hold. */
static bool token(const char *s)
{
	static const char extra[] = "!#$%&'*+-.^_`|~";
	if (s == NULL || *s == '\0')
		return false;
	for (const unsigned char *p = (const unsigned char *)s; *p; p++)
		if (!((*p >= '0' && *p <= '9') || (*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
		      strchr(extra, *p)))
			return false;
	return true;
}

void resp_header(struct resp *o, const char *name, const char *value)
{
	if (!token(name)) {
		resp_fail(o, "a response header name is not a token");
		return;
	}
	if (!valid_header_value(value)) {
		/* The name is ours (a literal); the value may be a person's and stays out of the log. */
		log_error("response header %s: value refused (not printable ASCII, or too long)", name);
		resp_fail(o, "a response header value failed its check");
		return;
	}
	buf_printf(&o->headers, "%s: %s\r\n", name, value);
}

/* RFC 6265 cookie-octets: no space, quote, comma, semicolon or backslash. */
static bool cookie_value(const char *s)
{
	for (const unsigned char *p = (const unsigned char *)s; *p; p++)
		if (*p <= ' ' || *p >= 0x7f || strchr("\",;\\", *p))
			return false;
	return true;
}

void resp_cookie(struct resp *o, const char *name, const char *value, long max_age)
{
	if (!token(name) || value == NULL || !cookie_value(value)) {
		resp_fail(o, "a cookie name or value failed its check");
		return;
	}
	char *line;
	if (max_age >= 0)
		line = arena_printf(o->arena, "%s=%s; Path=/; Max-Age=%ld; Secure; HttpOnly; SameSite=Lax", name, value,
				    max_age);
	else
		line = arena_printf(o->arena, "%s=%s; Path=/; Secure; HttpOnly; SameSite=Lax", name, value);
	resp_header(o, "Set-Cookie", line);
}

int resp_redirect(struct resp *o, const char *location)
{
	/* Only local paths: an open redirect would let a link on our domain lead anywhere. Input that
	 * decides a location (a sign-in's next=) is checked where it arrives; one that still fails here
	 * is a bug, and costs this request only. */
	if (!valid_local_path(location))
		resp_fail(o, "a redirect location is not a path on this site");
	else
		resp_header(o, "Location", location);
	return 303;
}

static int append_json(const char *text, size_t len, void *body)
{
	buf_append(body, text, len);
	return 0;
}

/* Dumps j straight into the body and drops it. 15 significant digits: a percentage of 94.4 goes out
 * as 94.4, not 94.400000000000006. */
static void dump_json(struct resp *o, json_t *j)
{
	int rc = json_dump_callback(j, append_json, &o->body, JSON_COMPACT | JSON_ENSURE_ASCII | JSON_REAL_PRECISION(15));
	json_decref(j);
	/* j NULL too: jansson's builders answer NULL for text that is not UTF-8. */
	if (rc != 0)
		resp_fail(o, "a JSON answer could not be serialised");
}

int resp_json(struct resp *o, int status, json_t *j)
{
	o->content_type = "application/json";
	buf_reset(&o->body);
	dump_json(o, j);
	buf_putc(&o->body, '\n');
	return status;
}

void resp_json_list_begin(struct resp *o)
{
	o->content_type = "application/json";
	buf_reset(&o->body);
	buf_putc(&o->body, '[');
}

void resp_json_list_add(struct resp *o, json_t *item)
{
	if (o->body.len > 1)
		buf_putc(&o->body, ',');
	dump_json(o, item);
}

int resp_json_list_end(struct resp *o, int status)
{
	buf_puts(&o->body, "]\n");
	return status;
}

int resp_error(struct resp *o, int status, const char *message, const char *field)
{
	json_t *j = json_pack("{s:s}", "error", message);
	if (field)
		json_object_set_new(j, "field", json_string(field));
	return resp_json(o, status, j);
}

int resp_text(struct resp *o, int status, const char *content_type, const char *text, size_t len)
{
	o->content_type = content_type;
	buf_reset(&o->body);
	buf_append(&o->body, text, len);
	return status;
}

const char *resp_status_text(int status)
{
	switch (status) {
	case 200: return "OK";
	case 201: return "Created";
	case 204: return "No Content";
	case 303: return "See Other";
	case 304: return "Not Modified";
	case 400: return "Bad Request";
	case 401: return "Unauthorized";
	case 403: return "Forbidden";
	case 404: return "Not Found";
	case 405: return "Method Not Allowed";
	case 409: return "Conflict";
	case 410: return "Gone";
	case 413: return "Content Too Large";
	case 415: return "Unsupported Media Type";
	case 422: return "Unprocessable Content";
	case 429: return "Too Many Requests";
	case 503: return "Service Unavailable";
	default: return status < 500 ? "Error" : "Internal Server Error";
	}
}

int resp_settle(struct resp *o, int status)
{
	if (o->fault == NULL)
		return status;
	resp_reset(o);
	o->content_type = "text/plain; charset=utf-8";
	buf_puts(&o->body, "Sorry, there is a problem with the service. Try again later.\n");
	return 500;
}

void resp_serialize(const struct resp *o, int status, bool head_only, struct buf *out)
{
	buf_printf(out, "Status: %d %s\r\n", status, resp_status_text(status));
	if (status != 204 && status != 304)
		buf_printf(out, "Content-Type: %s\r\nContent-Length: %zu\r\n", o->content_type, o->body.len);
	buf_printf(out, "Cache-Control: %s\r\n", o->cache_control);
	if (o->headers.len)
		buf_append(out, o->headers.data, o->headers.len);
	buf_puts(out, "\r\n");
	buf_append(out, o->body.data, resp_body_length(o, status, head_only));
}

size_t resp_body_length(const struct resp *o, int status, bool head_only)
{
	return !head_only && status != 204 && status != 304 ? o->body.len : 0;
}
