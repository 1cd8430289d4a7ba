/* back.c — the way back to where a person was (back.h). Our pages send no Referer (Referrer-Policy:
 * no-referrer, so no address leaks to other sites), so each form carries the page it was shown on in
 * a hidden "back" field (html_csrf writes it) and an error answering the form links there. Whatever
 * the source, only a path on this site is used: a forged field can send nobody elsewhere. */
#include "back.h"

#include <string.h>

#include "html.h"
#include "route.h"
#include "site.h"
#include "valid.h"

/* Query keys that only announce what has just happened: going back should not announce it again. */
static bool announcement(const char *key)
{
	return strcmp(key, "done") == 0 || strcmp(key, "overlap") == 0 || strcmp(key, "voided") == 0;
}

static const char *sent_back(const struct req *r)
{
	const char *sent = req_form(r, "back");
	return valid_local_path(sent) ? sent : NULL;
}

const char *back_here(const struct req *r)
{
	if (r->method != M_GET && r->method != M_HEAD)
		return sent_back(r);
	struct buf b = {0};
	buf_puts(&b, r->path);
	char sep = '?';
	for (size_t i = 0; i < r->query.n; i++) {
		if (announcement(r->query.items[i].key))
			continue;
		buf_putc(&b, sep);
		url_encode_into(&b, r->query.items[i].key);
		buf_putc(&b, '=');
		url_encode_into(&b, r->query.items[i].value);
		sep = '&';
	}
	const char *here = arena_strdup(r->arena, b.data);
	buf_free(&b);
	return valid_local_path(here) ? here : NULL;
}

/* The path of a Referer from this site's own address, else NULL. */
static const char *referer_path(const struct req *r)
{
	const char *base = site_base_url();
	size_t n = strlen(base);
	if (r->referer == NULL || strncmp(r->referer, base, n) != 0 || r->referer[n] != '/')
		return NULL;
	const char *path = r->referer + n;
	return valid_local_path(path) && strcmp(path, r->path) != 0 ? path : NULL;
}

const char *back_from(const struct req *r, int status)
{
	const char *back = sent_back(r);
	if (back == NULL)
		back = referer_path(r);
	/* A page refusing what its query asked (a filter's bad value): the same page, asked afresh. */
	bool reading = r->method == M_GET || r->method == M_HEAD;
	if (back == NULL && status == 400 && reading && r->query.n > 0 && r->route)
		back = r->path;
	return back ? back : route_parent_page(r);
}
