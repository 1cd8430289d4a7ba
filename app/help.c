/* help.c — public help pages. A person may be reading this with an abuser nearby, so: no cookies, no
 * third-party requests, no referrer, Exit this page on every page, nothing personal recorded (a scan is
 * a time and a placement; feedback is a count per day). The words come from the catalogue
 * (campaigns/help.xml and each campaign's landing pages), in the language asked for. */
#include "help.h"

#include <string.h>

#include "auth.h"
#include "catalog.h"
#include "db.h"
#include "html.h"
#include "placements.h"
#include "scanq.h"

/* The page furniture in the help page's language; English is html.c's own. */
static struct page_words words_of(const struct help_page *h)
{
	return (struct page_words){
		.skip = h->labels[HL_SKIP],
		.exit = h->labels[HL_EXIT],
		.exit_activated = h->labels[HL_EXIT_ACTIVATED],
		.exit_timed_out = h->labels[HL_EXIT_TIMED_OUT],
		.exit_press_two = h->labels[HL_EXIT_PRESS_TWO],
		.exit_press_one = h->labels[HL_EXIT_PRESS_ONE],
		.help_link = h->title,
		.footer = h->labels[HL_FOOTER],
	};
}

static void paragraphs(struct resp *o, const char *const *ps, int n, const char *cls)
{
	for (int i = 0; i < n; i++)
		htmlf(o, "<p class=\"%h\">%h</p>", cls, ps[i]);
}

static void bullets(struct resp *o, const char *const *items, int n)
{
	html_lit(o, "<ul class=\"govuk-list govuk-list--bullet\">");
	for (int i = 0; i < n; i++)
		htmlf(o, "<li>%h</li>", items[i]);
	html_lit(o, "</ul>");
}

/* A phone number as a tel: link; the spaces are for reading, not dialling. */
static void phone_link(struct resp *o, const char *phone)
{
	char digits[24];
	size_t n = 0;
	for (const char *p = phone; *p && n + 1 < sizeof digits; p++)
		if (*p != ' ')
			digits[n++] = *p;
	digits[n] = '\0';
	htmlf(o, "<a class=\"govuk-link\" href=\"tel:%h\">%h</a>", digits, phone);
}

static void services(struct resp *o, const struct help_page *h, const struct service *s, int n)
{
	htmlf(o, "<h2 class=\"govuk-heading-m\">%h</h2>", h->labels[HL_SERVICES_HEADING]);
	for (int i = 0; i < n; i++) {
		htmlf(o, "<div class=\"govuk-summary-card\"><div class=\"govuk-summary-card__title-wrapper\">"
			 "<h3 class=\"govuk-summary-card__title\">%h</h3></div><div class=\"govuk-summary-card__content\">"
			 "<p class=\"govuk-body\">%h</p><dl class=\"govuk-summary-list\">"
			 "<div class=\"govuk-summary-list__row\"><dt class=\"govuk-summary-list__key\">%h</dt>"
			 "<dd class=\"govuk-summary-list__value govuk-!-font-weight-bold\">",
		      s[i].name, s[i].who, h->labels[HL_PHONE]);
		phone_link(o, s[i].phone);
		htmlf(o, "</dd></div><div class=\"govuk-summary-list__row\"><dt class=\"govuk-summary-list__key\">%h</dt>"
			 "<dd class=\"govuk-summary-list__value\">%h</dd></div></dl></div></div>",
		      h->labels[HL_HOURS], s[i].hours);
	}
}

/* Links to the page in its other languages, each marked with its own language. */
static void languages(struct resp *o, const struct help_page *h, const char *base, const char *const *langs, int n)
{
	if (n < 2)
		return;
	htmlf(o, "<h2 class=\"govuk-heading-s\">%h</h2><ul class=\"govuk-list\">", h->labels[HL_LANGUAGES]);
	for (int i = 0; i < n; i++) {
		if (strcmp(langs[i], h->lang) == 0)
			continue;
		const struct help_page *other = catalog_help(langs[i]);
		htmlf(o, "<li><a class=\"govuk-link\" href=\"%h?lang=%u\" lang=\"%h\" hreflang=\"%h\">%h</a></li>", base,
		      langs[i], langs[i], langs[i], other ? other->language : langs[i]);
	}
	html_lit(o, "</ul>");
}

/* "Was this page helpful?": a yes/no form posting the page and language, or thanks once answered. */
static void feedback(const struct req *r, struct resp *o, const struct help_page *h, const char *page,
		     const char *error)
{
	html_lit(o, "<div id=\"feedback\" class=\"govuk-!-margin-top-8\">");
	if (req_query(r, "thanks")) {
		htmlf(o, "<p class=\"govuk-body\" role=\"status\">%h</p></div>", h->labels[HL_THANKS]);
		return;
	}
	html_form_begin(r, o, "/help/feedback");
	htmlf(o, "<input type=\"hidden\" name=\"page\" value=\"%h\"><input type=\"hidden\" name=\"lang\" value=\"%h\">",
	      page, h->lang);
	struct form_errors fe = {0};
	if (error)
		form_error(&fe, "helpful", error);
	const struct option answers[] = {{"yes", h->labels[HL_YES]}, {"no", h->labels[HL_NO]}};
	html_radios(o, &fe, &(struct field){.name = "helpful", .label = h->labels[HL_HELPFUL]}, answers, 2);
	html_button_secondary(o, h->labels[HL_SEND]);
	html_form_end(o);
	html_lit(o, "</div>");
}

static void emergency(struct resp *o, const struct help_page *h)
{
	htmlf(o, "<div class=\"govuk-warning-text\"><span class=\"govuk-warning-text__icon\" aria-hidden=\"true\">!</span>"
		 "<div class=\"govuk-warning-text__text\"><h2 class=\"govuk-heading-m\">%h</h2>",
	      h->labels[HL_EMERGENCY_HEADING]);
	paragraphs(o, h->emergency, h->nemergency, "govuk-body");
	html_lit(o, "</div></div>");
}

/* The parts every help page shares, after its own introduction. */
static void shared_parts(struct resp *o, const struct help_page *h)
{
	emergency(o, h);
	htmlf(o, "<h2 class=\"govuk-heading-m\">%h</h2>", h->labels[HL_SIGNS_HEADING]);
	bullets(o, h->signs, h->nsigns);
}

void help_contacts(struct resp *o, const struct help_page *h)
{
	emergency(o, h);
	services(o, h, h->services, h->nservices);
}

static void tracks(struct resp *o, const struct help_page *h)
{
	htmlf(o, "<h2 class=\"govuk-heading-m\">%h</h2>", h->labels[HL_TRACKS_HEADING]);
	paragraphs(o, h->tracks, h->ntracks, "govuk-body");
}

static void begin(const struct req *r, struct resp *o, const struct help_page *h, const char *title,
		  const struct page_words *w, const struct form_errors *fe)
{
	struct page p = {.title = title, .lang = h->lang, .dir = h->dir, .exit_this_page = true, .words = w,
			 .errors = fe};
	page_begin(r, o, &p);
	htmlf(o, "<h1 class=\"govuk-heading-xl\">%h</h1>", title);
}

static void end(const struct req *r, struct resp *o, const struct help_page *h)
{
	struct page_words w = words_of(h);
	struct page p = {.words = &w};
	page_end(r, o, &p);
}

/* The help page in the language asked for, English when it is missing or unknown. */
static const struct help_page *chosen_help(const struct req *r)
{
	const struct help_page *h = catalog_help(req_query(r, "lang"));
	return h ? h : &catalog_get()->help[0];
}

static int render_general(const struct req *r, struct resp *o, const struct help_page *h, const char *error, int status)
{
	struct page_words w = words_of(h);
	struct form_errors fe = {0};
	if (error)
		form_error(&fe, "helpful", error);
	begin(r, o, h, h->title, &w, &fe);
	paragraphs(o, h->intro, h->nintro, "govuk-body-l");
	htmlf(o, "<div class=\"govuk-inset-text\">%h</div>", h->labels[HL_EXIT_HINT]);
	shared_parts(o, h);
	services(o, h, h->services, h->nservices);
	tracks(o, h);
	const struct catalog *cat = catalog_get();
	const char **langs = arena_alloc(r->arena, (size_t)cat->nhelp * sizeof *langs);
	for (int i = 0; i < cat->nhelp; i++)
		langs[i] = cat->help[i].lang;
	languages(o, h, "/help", langs, cat->nhelp);
	feedback(r, o, h, "help", error);
	end(r, o, h);
	return status;
}

int help_page(const struct req *r, struct resp *o)
{
	return render_general(r, o, chosen_help(r), NULL, 200);
}

static int render_campaign(const struct req *r, struct resp *o, const struct campaign *c, const struct landing *l,
			   const char *error, int status)
{
	const struct help_page *h = catalog_help(l->lang); /* the loader made sure there is one */
	struct page_words w = words_of(h);
	struct form_errors fe = {0};
	if (error)
		form_error(&fe, "helpful", error);
	begin(r, o, h, l->title, &w, &fe);
	paragraphs(o, l->intro, l->nintro, "govuk-body-l");
	bullets(o, l->messages, l->nmessages);
	htmlf(o, "<div class=\"govuk-inset-text\">%h</div>", h->labels[HL_EXIT_HINT]);
	shared_parts(o, h);
	services(o, h, l->services, l->nservices);
	tracks(o, h);
	const char **langs = arena_alloc(r->arena, (size_t)c->nlandings * sizeof *langs);
	for (int i = 0; i < c->nlandings; i++)
		langs[i] = c->landings[i].lang;
	languages(o, h, arena_printf(r->arena, "/help/%s", c->id), langs, c->nlandings);
	feedback(r, o, h, c->id, error);
	end(r, o, h);
	return status;
}

int help_campaign_page(const struct req *r, struct resp *o)
{
	const struct campaign *c = catalog_campaign(req_param(r, 0));
	if (c == NULL) /* an old or mistyped address still finds help */
		return resp_redirect(o, "/help");
	const struct landing *l = campaign_landing(c, req_query(r, "lang"));
	return render_campaign(r, o, c, l ? l : &c->landings[0], NULL, 200);
}

static const char SQL_PLACEMENT_BY_CODE[] = "SELECT id, campaign_id, lang FROM placements WHERE code = ?";

int help_scan(const struct req *r, struct resp *o)
{
	const char *code = placements_normalise_code(r->arena, req_param(r, 0));
	struct db_stmt *st = code ? db_query(r->db, SQL_PLACEMENT_BY_CODE, "s", code) : NULL;
	if (st == NULL || !db_next(st))
		return resp_redirect(o, "/help"); /* a torn or old code still leads to help, never to an error */
	int64_t id = db_col_int64(st, 0);
	struct buf loc = {0};
	buf_puts(&loc, "/help/");
	url_encode_into(&loc, db_col_text(st, 1));
	buf_puts(&loc, "?lang=");
	url_encode_into(&loc, db_col_text(st, 2));
	db_done(st);
	int64_t now = now_utc();
	/* Queued, so the redirect does not wait for a write; a full queue falls back to writing now. */
	if (!scanq_push(id, now) && scanq_write(r->db, id, now) != 0)
		log_error("a scan could not be recorded");
	int status = resp_redirect(o, arena_strdup(r->arena, loc.data));
	buf_free(&loc);
	return status;
}

static const char SQL_FEEDBACK_COUNT[] =
	"INSERT INTO page_feedback (page, lang, given_on, helpful, count) VALUES (?, ?, ?, ?, 1)"
	" ON CONFLICT (page, lang, given_on, helpful) DO UPDATE SET count = page_feedback.count + 1";

int help_feedback(const struct req *r, struct resp *o)
{
	const char *page = req_form(r, "page"), *answer = req_form(r, "helpful");
	const struct help_page *h = catalog_help(req_form(r, "lang"));
	const struct campaign *c = catalog_campaign(page);
	if (h == NULL)
		h = &catalog_get()->help[0];
	const struct landing *l = c ? campaign_landing(c, h->lang) : NULL;
	if (c && l == NULL)
		l = &c->landings[0], h = catalog_help(l->lang);
	if (c == NULL)
		page = "help";
	bool yes = answer && strcmp(answer, "yes") == 0, no = answer && strcmp(answer, "no") == 0;
	if (!yes && !no) /* the question itself says what is missing, in the page's language */
		return c ? render_campaign(r, o, c, l, h->labels[HL_HELPFUL], 400)
			 : render_general(r, o, h, h->labels[HL_HELPFUL], 400);
	char today[32];
	time_iso_local(now_utc(), today);
	today[10] = '\0';
	/* One vote per page view: a form token counts once (a resent form is thanked, not counted). */
	if (db_begin(r->db) != DB_OK) {
		db_fail(r->db);
	} else if (!auth_form_token_spend(r->db, req_form(r, "csrf"))) {
		db_rollback(r->db);
	} else if (db_exec(r->db, SQL_FEEDBACK_COUNT, "sssi", page, h->lang, today, yes ? 1 : 0) != DB_OK ||
		   db_commit(r->db) != DB_OK) {
		db_rollback(r->db);
		db_fail(r->db);
	}
	return resp_redirect(o, c ? arena_printf(r->arena, "/help/%s?lang=%s&thanks=1#feedback", c->id, h->lang)
				  : arena_printf(r->arena, "/help?lang=%s&thanks=1#feedback", h->lang));
}
