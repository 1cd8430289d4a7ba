/* resp.h — a buffered response: status, headers and body are sent only when the handler returns,
 * so a late failure can still become a clean error page. */
#ifndef LANTERN_RESP_H
#define LANTERN_RESP_H

#include <jansson.h>

#include "util.h"

struct resp {
	struct arena *arena;
	const char *content_type;
	const char *cache_control;
	struct buf headers; /* extra "Name: value\r\n" lines */
	struct buf body;
	/* Why this answer cannot be sent as built (a header value that failed its check, JSON that would
	 * not serialise, ...), or NULL. Set by resp_fail; it stays set through resp_reset, so the request
	 * answers 500 whatever the handler does next, and the process carries on. */
	const char *fault;
	/* The table html_table_begin opened (html.h): where its body starts in body, and the headings
	 * html_table_end writes into its cells. */
	struct resp_table {
		size_t body;
		const char **labels;
		size_t n;
	} table;
};

void resp_init(struct resp *o, struct arena *a);
void resp_free(struct resp *o);
/* Empties the body and extra headers, e.g. before an error page replaces a half-built one. */
void resp_reset(struct resp *o);

/* Records that this answer must become a 500 and logs why (why: a literal naming what failed,
 * never a value from the request). The first reason is kept. */
void resp_fail(struct resp *o, const char *why);
/* Adds a header. A name that is not a token, or a value that is not printable ASCII
 * (valid_header_value: no CR or LF, so no header injection) is not added: resp_fail instead. */
void resp_header(struct resp *o, const char *name, const char *value);
/* Session cookies are always Secure, HttpOnly, SameSite=Lax and Path=/. max_age < 0: session. */
void resp_cookie(struct resp *o, const char *name, const char *value, long max_age);

/* Each returns the status for the handler to return. */
/* 303 See Other to a path on this site (valid_local_path); any other location is a bug that costs
 * this request a 500 (resp_fail), never an open redirect. */
int resp_redirect(struct resp *o, const char *location);
int resp_json(struct resp *o, int status, json_t *j);     /* steals j */
/* A JSON array written one element at a time (each dumped and freed as it is added), so a long list
 * never holds its whole tree in memory: begin, add (steals item) for each, then end. */
void resp_json_list_begin(struct resp *o);
void resp_json_list_add(struct resp *o, json_t *item);
int resp_json_list_end(struct resp *o, int status);
int resp_error(struct resp *o, int status, const char *message, const char *field);
int resp_text(struct resp *o, int status, const char *content_type, const char *text, size_t len);

const char *resp_status_text(int status);
/* The status to send: status itself, or for a response with a fault, 500 with its headers and body
 * replaced by a plain apology. The dispatcher has usually made a house error page of a fault already
 * (route_handle); this, called just before resp_serialize, is the last line of defence. */
int resp_settle(struct resp *o, int status);
/* Writes the whole HTTP response (CGI style: a Status header) to out. */
void resp_serialize(const struct resp *o, int status, bool head_only, struct buf *out);
/* How much of the body goes after the head: none for HEAD, 204 and 304. The server sends the head
 * (resp_serialize with head_only) and then the body from o->body, without copying it. */
size_t resp_body_length(const struct resp *o, int status, bool head_only);

#endif
