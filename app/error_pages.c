/* error_pages.c — the pages nginx answers with when it cannot pass a request to the app: 413 too large,
 * 429 over a rate limit, 500 its own failure, 502 the app unreachable, 504 the app too slow. They are
 * written once, at build time, in the house layout (html.c), and nginx serves them as files: NNN.html,
 * and NNN.json ({"error": ...}) for /api/ clients. The app is not there to answer when a person sees
 * one, so each page carries on its own what someone looking for help needs: Exit this page, what to do
 * in an emergency and the helplines' numbers (campaigns/help.xml, in English). Nothing in them names
 * the software or the request. */
#include "error_pages.h"

#include <errno.h>
#include <jansson.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "catalog.h"
#include "help.h"
#include "html.h"

static const struct error_page {
	int code;
	const char *title, *advice;
} pages[] = {
	{413, "What you sent is too large",
	 "The file or form you sent is larger than this service accepts. Go back and send a smaller file, or split it "
	 "into parts."},
	{429, "Too many requests", "You sent a lot of requests in a short time. Wait a minute, then try again."},
	{500, "Sorry, there is a problem with the service",
	 "Try again later. If you were saving something, check whether it was saved before you send it again."},
	{502, "Sorry, the service is unavailable",
	 "Try again in a few minutes. If you were saving something, check whether it was saved before you send it "
	 "again."},
	{504, "Sorry, the service is taking too long to answer",
	 "Try again in a few minutes. If you were saving something, check whether it was saved before you send it "
	 "again."},
};

/* Writes data to dir/NNN.ext through a temporary file, so nginx never serves half a page. */
static int write_whole(const char *dir, int code, const char *ext, const char *data, size_t len)
{
	char path[PATH_MAX], tmp[PATH_MAX + 8];
	snprintf(path, sizeof path, "%s/%d.%s", dir, code, ext);
	snprintf(tmp, sizeof tmp, "%s.tmp", path);
	FILE *f = fopen(tmp, "w");
	bool ok = f && fwrite(data, 1, len, f) == len;
	if (f && fclose(f) != 0)
		ok = false;
	if (ok && rename(tmp, path) == 0)
		return 0;
	fprintf(stderr, "lantern: cannot write %s: %s\n", path, strerror(errno));
	remove(tmp);
	return 1;
}

static int write_html(const char *dir, const struct error_page *e, const struct help_page *h, struct arena *a)
{
	struct req r = {.arena = a}; /* nobody signed in */
	struct resp o;
	resp_init(&o, a);
	struct page p = {.title = e->title, .exit_this_page = true};
	page_begin(&r, &o, &p);
	htmlf(&o, "<h1 class=\"govuk-heading-l\">%h</h1><p class=\"govuk-body\">%h</p>", e->title, e->advice);
	help_contacts(&o, h);
	htmlf(&o, "<p class=\"govuk-body\">More on the signs of abuse and on covering your tracks: "
		  "<a class=\"govuk-link\" href=\"/help\">%h</a>.</p>",
	      h->title);
	page_end(&r, &o, &p);
	int rc = write_whole(dir, e->code, "html", o.body.data, o.body.len);
	resp_free(&o);
	return rc;
}

static int write_json(const char *dir, const struct error_page *e, struct arena *a)
{
	json_t *j = json_pack("{s:s}", "error", arena_printf(a, "%s. %s", e->title, e->advice));
	char *text = j ? json_dumps(j, 0) : NULL;
	json_decref(j);
	if (text == NULL)
		return 1;
	char *line = arena_printf(a, "%s\n", text);
	free(text);
	return write_whole(dir, e->code, "json", line, strlen(line));
}

int error_pages_write(const char *dir)
{
	if (mkdir(dir, 0755) != 0 && errno != EEXIST) {
		fprintf(stderr, "lantern: cannot make %s: %s\n", dir, strerror(errno));
		return 1;
	}
	const struct help_page *h = catalog_help("en");
	if (h == NULL) {
		fputs("lantern: the catalogue has no English help page\n", stderr);
		return 1;
	}
	struct arena *a = arena_new();
	int rc = 0;
	for (size_t i = 0; i < sizeof pages / sizeof pages[0] && rc == 0; i++)
		rc = write_html(dir, &pages[i], h, a) || write_json(dir, &pages[i], a);
	arena_free(a);
	return rc;
}
