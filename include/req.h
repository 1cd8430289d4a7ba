/* req.h — a parsed request: method, path and its parameters, query, cookies, form or JSON body.
 * Everything a handler sees lives in the request's arena and dies with it. */
#ifndef LANTERN_REQ_H
#define LANTERN_REQ_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>

#include "multipart.h"
#include "util.h"

enum method { M_GET, M_HEAD, M_POST, M_PUT, M_DELETE, M_OTHER, M__MAX };

/* Bounds on what one request may carry; nginx enforces the outer ones too. */
enum {
	REQ_MAX_PARAMS = 6,      /* {…} parts of a route pattern */
	REQ_MAX_FIELDS = 512,    /* query, form or cookie pairs */
	REQ_MAX_BODY = 256 << 10, /* ordinary forms and JSON */
	REQ_MAX_UPLOAD = 8 << 20, /* routes flagged ROUTE_UPLOAD (CSV imports) */
	REQ_MAX_JSON_DEPTH = 16,
};

struct kv {
	const char *key;
	const char *value;
};

struct kvlist {
	struct kv *items;
	size_t n;
};

struct user;
struct route;
struct db;

struct req {
	struct arena *arena;
	struct db *db;
	enum method method;
	const char *path;
	const char *params[REQ_MAX_PARAMS]; /* values of the pattern's {…} parts, in order */
	int nparams;
	struct kvlist query, form, cookies;
	json_t *json;         /* a JSON body (object), or NULL; freed by req_free */
	const char *body;     /* the raw body (NUL-terminated), for uploads */
	size_t body_len;
	struct multipart_part *files; /* file parts of a multipart/form-data body (its text parts are in form) */
	size_t nfiles;
	const char *content_type;
	const char *authorization;
	const char *origin;         /* Origin header, if sent */
	const char *sec_fetch_site; /* Sec-Fetch-Site header, if sent */
	const char *accept;         /* Accept header, if sent */
	const char *referer;        /* Referer header, if sent */
	const char *client_addr;    /* the client's IP address as nginx saw it (REMOTE_ADDR); never stored */
	const struct route *route;
	const struct user *user; /* NULL when nobody is signed in */
	const char *csrf;        /* the signed-in session's form token */
	bool via_token;          /* authenticated with an API bearer token */
};

/* What the FastCGI layer hands over, before any parsing. */
struct req_raw {
	const char *method, *path, *query, *cookie, *content_type, *authorization, *origin,
		*sec_fetch_site, *accept, *referer, *client_addr;
	const char *body;
	size_t body_len;
};

/* Fills r from raw (r->arena and r->db must be set). Returns 0, or the HTTP status to answer
 * (400 malformed, 415 unsupported body type) with *why set to a message for the client. */
int req_parse(struct req *r, const struct req_raw *raw, const char **why);
void req_free(struct req *r);

enum method req_method(const char *s);
const char *req_method_name(enum method m);

/* Decodes application/x-www-form-urlencoded (also query strings) into out; -1 on bad escapes,
 * invalid UTF-8, NUL bytes or too many fields. */
int req_parse_urlencoded(struct arena *a, const char *s, size_t len, struct kvlist *out);
/* Parses a Cookie header; malformed pairs are skipped, as browsers do. */
void req_parse_cookies(struct arena *a, const char *s, struct kvlist *out);
/* Percent-decodes s (with '+' as space when plus_space); NULL on a bad escape or a NUL byte. */
char *req_url_decode(struct arena *a, const char *s, size_t len, bool plus_space);
bool utf8_valid(const char *s, size_t len);

/* First value of a name, or NULL. */
const char *kv_get(const struct kvlist *l, const char *key);
const char *req_query(const struct req *r, const char *key);
const char *req_form(const struct req *r, const char *key);
const char *req_cookie(const struct req *r, const char *key);
/* A field from the form body or, for JSON bodies, a string/number member rendered as text. */
const char *req_field(const struct req *r, const char *key);
/* The first file part of a multipart/form-data body with that field name, or NULL. */
const struct multipart_part *req_file(const struct req *r, const char *key);
const char *req_param(const struct req *r, int i);
/* The request sent a JSON body or asks for JSON back (Accept: application/json). */
bool req_wants_json(const struct req *r);

#endif
