/* html.c — the escaping writer and the page layout, in GOV.UK Design System markup (without the
 * crown and GDS Transport, which are GOV.UK's own). */
#include "html.h"

#include <stdarg.h>
#include <stddef.h>
#include <string.h>

#include "auth.h"
#include "back.h"
#include "valid.h"

/* Where Exit this page goes: a busy, neutral site. */
#define EXIT_DESTINATION "https://www.bbc.co.uk/weather"

static const char *asset_version = "dev";

void html_set_asset_version(const char *v)
{
	if (v && *v && strlen(v) < 64 && strspn(v, "0123456789abcdefABCDEF-_.") == strlen(v))
		asset_version = v;
}

const char *html_asset_version(void)
{
	return asset_version;
}

void html_raw(struct resp *o, const char *s, size_t n)
{
	buf_append(&o->body, s, n);
}

void html_escape_into(struct buf *b, const char *s)
{
	if (s == NULL)
		return;
	for (;;) {
		/* Runs of plain text are found with strcspn (vectorised) and copied whole. */
		size_t n = strcspn(s, "&<>\"'");
		buf_append(b, s, n);
		s += n;
		const char *rep;
		switch (*s) {
		case '&': rep = "&amp;"; break;
		case '<': rep = "&lt;"; break;
		case '>': rep = "&gt;"; break;
		case '"': rep = "&quot;"; break;
		case '\'': rep = "&#39;"; break;
		default: return; /* the end of s */
		}
		buf_puts(b, rep);
		s++;
	}
}

void url_encode_into(struct buf *b, const char *s)
{
	static const char hex[] = "0123456789ABCDEF";
	for (const unsigned char *p = (const unsigned char *)(s ? s : ""); *p; p++) {
		if ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') ||
		    strchr("-_.~", *p)) {
			buf_putc(b, (char)*p);
		} else {
			char e[3] = {'%', hex[*p >> 4], hex[*p & 15]};
			buf_append(b, e, 3);
		}
	}
}

void html_text(struct resp *o, const char *s)
{
	html_escape_into(&o->body, s);
}

void html_format(struct resp *o, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	const char *run = fmt;
	/* The literal markup between conversions is long: strchr finds the next one a vector at a time. */
	for (const char *p; (p = strchr(run, '%')) != NULL;) {
		buf_append(&o->body, run, (size_t)(p - run));
		switch (*++p) {
		case 'h':
			html_escape_into(&o->body, va_arg(ap, const char *));
			break;
		case 'u':
			url_encode_into(&o->body, va_arg(ap, const char *));
			break;
		case 'd':
			buf_int(&o->body, va_arg(ap, int));
			break;
		case 'D':
			buf_int(&o->body, (long long)va_arg(ap, int64_t));
			break;
		case '%':
			buf_putc(&o->body, '%');
			break;
		default:
			/* A bug in a format literal: this page is not sent, and the process carries on. */
			log_error("htmlf: unknown conversion in \"%s\"", fmt);
			resp_fail(o, "a page format has an unknown conversion");
			va_end(ap);
			return;
		}
		run = p + 1;
	}
	buf_puts(&o->body, run);
	va_end(ap);
}

void form_error(struct form_errors *fe, const char *field, const char *message)
{
	if (fe->n < FORM_MAX_ERRORS && form_error_for(fe, field) == NULL) {
		fe->e[fe->n].field = field;
		fe->e[fe->n].message = message;
		fe->n++;
	}
}

const char *form_error_for(const struct form_errors *fe, const char *field)
{
	for (int i = 0; fe && i < fe->n; i++)
		if (strcmp(fe->e[i].field, field) == 0)
			return fe->e[i].message;
	return NULL;
}

/* Navigation per role: one table, so every feature adds its pages in one place. */
static const struct nav_item {
	unsigned roles;
	const char *href;
	const char *label;
} nav_items[] = {
	/* The main places each role works in; everything else is linked from its home page. */
	{R_ANY_USER, "/", "Home"},
	{R_TRAINER, "/my-sessions", "Your sessions"},
	{R_ANY_USER, "/sessions", "Sessions"},
	{R_PRACTITIONER | R_SCHOOL | R_TRAINER, "/courses", "Courses"},
	{R_SCHOOL | R_TRAINER, "/requests", "School requests"},
	{R_PRACTITIONER, "/bookings", "Your bookings"},
	{R_PRACTITIONER, "/training", "Training record"},
	{R_ADMIN, "/admin/users", "Users"},
	{R_ADMIN | R_TRAINER | R_ANALYST, "/schools", "Schools"},
	{R_SCHOOL, "/schools", "Your school"},
	{R_TRAINER, "/survey-runs", "Pupil surveys"},
	{R_SCHOOL | R_ANALYST, "/survey-results", "Survey results"},
	{R_CAMPAIGN | R_ADMIN | R_ANALYST, "/campaigns", "Campaigns"},
	{R_CAMPAIGN, "/pledges", "Employer pledges"},
	{R_ANALYST | R_ADMIN, "/indicators", "Indicators"},
	{R_ANALYST, "/indicators/figures", "External figures"},
	{R_ANY_USER, "/account", "Your account"},
};

static void header(const struct req *r, struct resp *o, const struct page *p)
{
	html_lit(o, "<header class=\"govuk-template__header\"><div class=\"govuk-generic-header\">"
		    "<div class=\"govuk-generic-header__container govuk-width-container\">"
		    "<div class=\"govuk-generic-header__logo\">"
		    "<a href=\"/\" class=\"govuk-generic-header__homepage-link\">lantern</a></div></div></div>");
	if (r->user == NULL) {
		html_lit(o, "</header>");
		return;
	}
	html_lit(o, "<div class=\"govuk-service-navigation\" "
		    "data-module=\"govuk-service-navigation\"><div class=\"govuk-width-container\">"
		    "<div class=\"govuk-service-navigation__container\">"
		    "<nav aria-label=\"Menu\" class=\"govuk-service-navigation__wrapper\">"
		    "<button type=\"button\" class=\"govuk-service-navigation__toggle govuk-js-service-navigation-toggle\" "
		    "aria-controls=\"navigation\" hidden aria-hidden=\"true\">Menu</button>"
		    "<ul class=\"govuk-service-navigation__list\" id=\"navigation\">");
	unsigned mask = 1u << r->user->role;
	for (size_t i = 0; i < ARRAY_LEN(nav_items); i++) {
		const struct nav_item *n = &nav_items[i];
		if (!(n->roles & mask))
			continue;
		bool active = p->nav && strcmp(p->nav, n->href) == 0;
		if (active)
			htmlf(o, "<li class=\"govuk-service-navigation__item govuk-service-navigation__item--active\">"
				 "<a class=\"govuk-service-navigation__link\" href=\"%h\" aria-current=\"page\">"
				 "<strong class=\"govuk-service-navigation__active-fallback\">%h</strong></a></li>",
			      n->href, n->label);
		else
			htmlf(o, "<li class=\"govuk-service-navigation__item\"><a class=\"govuk-service-navigation__link\" "
				 "href=\"%h\">%h</a></li>",
			      n->href, n->label);
	}
	html_lit(o, "<li class=\"govuk-service-navigation__item\">"
		    "<form method=\"post\" action=\"/logout\" class=\"lantern-inline-form\">");
	html_csrf(r, o);
	html_lit(o, "<button class=\"govuk-service-navigation__link lantern-link-button\">Sign out</button>"
		    "</form></li></ul></nav></div></div></div></header>");
}

/* GOV.UK's Exit this page markup. data-module names lantern's subclass (assets/lantern.js), which
 * leaves with location.replace so the back button cannot return here; the data-i18n attributes give
 * its announcements in the page's language. */
static void exit_this_page(struct resp *o, const struct page_words *w)
{
	htmlf(o, "<div class=\"govuk-exit-this-page\" data-module=\"lantern-exit-this-page\"");
	if (w)
		htmlf(o, " data-i18n.activated=\"%h\" data-i18n.timed-out=\"%h\" data-i18n.press-two-more-times=\"%h\""
			 " data-i18n.press-one-more-time=\"%h\"",
		      w->exit_activated, w->exit_timed_out, w->exit_press_two, w->exit_press_one);
	htmlf(o, "><a href=\"%h\" role=\"button\" draggable=\"false\" "
		 "class=\"govuk-button govuk-button--warning govuk-exit-this-page__button "
		 "govuk-js-exit-this-page-button\" data-module=\"govuk-button\" rel=\"nofollow noreferrer\">",
	      EXIT_DESTINATION);
	if (w && w->exit)
		htmlf(o, "%h</a></div>", w->exit);
	else
		html_lit(o, "<span class=\"govuk-visually-hidden\">Emergency</span> Exit this page</a></div>");
}

static const char *word(const struct page *p, size_t offset, const char *english)
{
	const char *w = p->words ? *(const char *const *)((const char *)p->words + offset) : NULL;
	return w ? w : english;
}
#define WORD(p, field, english) word((p), offsetof(struct page_words, field), (english))

void page_begin(const struct req *r, struct resp *o, const struct page *p)
{
	bool has_errors = p->errors && p->errors->n > 0;
	htmlf(o, "<!DOCTYPE html>\n<html lang=\"%h\" dir=\"%h\" class=\"govuk-template\"><head>"
		 "<meta charset=\"utf-8\"><title>%h%h – lantern</title>"
		 "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1, viewport-fit=cover\">"
		 "<meta name=\"theme-color\" content=\"#106165\">"
		 "<meta name=\"referrer\" content=\"no-referrer\">"
		 "<link rel=\"icon\" href=\"/assets/%h/favicon.svg\" type=\"image/svg+xml\">"
		 "<link rel=\"stylesheet\" href=\"/assets/%h/lantern.css\">"
		 "<script type=\"module\" src=\"/assets/%h/lantern.js\"></script>",
	      p->lang ? p->lang : "en", p->dir ? p->dir : "ltr", has_errors ? "Error: " : "", p->title, asset_version,
	      asset_version, asset_version);
	/* Without JavaScript the page reloads itself; with it, lantern.js swaps in fresh content. */
	if (p->refresh > 0)
		htmlf(o, "<noscript><meta http-equiv=\"refresh\" content=\"%d\"></noscript>", p->refresh);
	html_lit(o, "</head><body class=\"govuk-template__body\">");
	htmlf(o, "<a href=\"#main-content\" class=\"govuk-skip-link\" data-module=\"govuk-skip-link\">%h</a>",
	      WORD(p, skip, "Skip to main content"));
	if (p->exit_this_page)
		htmlf(o, "<a href=\"%h\" class=\"govuk-skip-link govuk-js-exit-this-page-skiplink\" "
			 "rel=\"nofollow noreferrer\" data-module=\"govuk-skip-link\">%h</a>",
		      EXIT_DESTINATION, WORD(p, exit, "Exit this page"));
	header(r, o, p);
	html_lit(o, "<div class=\"govuk-width-container\">");
	if (p->exit_this_page)
		exit_this_page(o, p->words);
	if (p->back)
		htmlf(o, "<a href=\"%h\" class=\"govuk-back-link\">Back</a>", p->back);
	html_lit(o, "<main class=\"govuk-main-wrapper\" id=\"main-content\">");
	html_lit(o, "<div class=\"govuk-grid-row\">");
	if (p->wide)
		html_lit(o, "<div class=\"govuk-grid-column-full\">");
	else
		html_lit(o, "<div class=\"govuk-grid-column-two-thirds\">");
	if (has_errors)
		html_error_summary(o, p->errors);
}

void page_end(const struct req *r, struct resp *o, const struct page *p)
{
	(void)r;
	htmlf(o, "</div></div></main></div>"
		 "<footer class=\"govuk-template__footer\"><div class=\"govuk-footer\"><div class=\"govuk-width-container\">"
		 "<div class=\"govuk-footer__meta\"><div class=\"govuk-footer__meta-item govuk-footer__meta-item--grow\">"
		 "<h2 class=\"govuk-visually-hidden\">Support links</h2>"
		 "<ul class=\"govuk-footer__inline-list\">"
		 "<li class=\"govuk-footer__inline-list-item\"><a class=\"govuk-footer__link\" href=\"/help\">"
		 "%h</a></li></ul><div class=\"govuk-footer__meta-custom\">",
	      WORD(p, help_link, "Get help with domestic abuse"));
	if (p->words == NULL)
		html_lit(o, "lantern: domestic abuse training, awareness and prevention for Southend, Essex and Thurrock. ");
	htmlf(o, "%h</div></div></div></div></div></footer></body></html>\n", WORD(p, footer, "In an emergency call 999."));
}

int page_error(const struct req *r, struct resp *o, int status, const char *title, const char *message)
{
	return page_error_back(r, o, status, title, message, back_from(r, status));
}

int page_error_back(const struct req *r, struct resp *o, int status, const char *title, const char *message,
		    const char *back)
{
	resp_reset(o);
	struct page p = {.title = title, .back = valid_local_path(back) ? back : NULL};
	page_begin(r, o, &p);
	htmlf(o, "<h1 class=\"govuk-heading-l\">%h</h1><p class=\"govuk-body\">%h</p>", title, message);
	/* Not only the small link above: on a phone the way on should be where the eye lands. */
	if (p.back)
		htmlf(o, "<p class=\"govuk-body\"><a class=\"govuk-link\" href=\"%h\">Go back to where you were</a></p>",
		      p.back);
	page_end(r, o, &p);
	return status;
}

static void form_fields(const struct req *r, struct resp *o, const char *back)
{
	htmlf(o, "<input type=\"hidden\" name=\"csrf\" value=\"%h\">", auth_csrf_token(r));
	if (valid_local_path(back))
		htmlf(o, "<input type=\"hidden\" name=\"back\" value=\"%h\">", back);
}

void html_csrf(const struct req *r, struct resp *o)
{
	form_fields(r, o, back_here(r));
}

void html_form_begin(const struct req *r, struct resp *o, const char *action)
{
	html_form_begin_back(r, o, action, back_here(r));
}

void html_form_begin_back(const struct req *r, struct resp *o, const char *action, const char *back)
{
	htmlf(o, "<form method=\"post\" action=\"%h\" novalidate>", action);
	form_fields(r, o, back);
}

void html_form_end(struct resp *o)
{
	html_lit(o, "</form>");
}

void html_error_summary(struct resp *o, const struct form_errors *fe)
{
	if (fe == NULL || fe->n == 0)
		return;
	html_lit(o, "<div class=\"govuk-error-summary\" data-module=\"govuk-error-summary\"><div role=\"alert\">"
		    "<h2 class=\"govuk-error-summary__title\">There is a problem</h2>"
		    "<div class=\"govuk-error-summary__body\"><ul class=\"govuk-list govuk-error-summary__list\">");
	for (int i = 0; i < fe->n; i++)
		htmlf(o, "<li><a href=\"#%h\">%h</a></li>", fe->e[i].field, fe->e[i].message);
	html_lit(o, "</ul></div></div></div>");
}

void html_error_message(struct resp *o, const char *name, const char *err)
{
	if (err)
		htmlf(o, "<p id=\"%h-error\" class=\"govuk-error-message\"><span class=\"govuk-visually-hidden\">"
			 "Error:</span> %h</p>",
		      name, err);
}

static const char *group_open(struct resp *o, const struct form_errors *fe, const struct field *f)
{
	const char *err = form_error_for(fe, f->name);
	htmlf(o, "<div class=\"govuk-form-group%h\">", err ? " govuk-form-group--error" : "");
	return err;
}

static void label_hint_error(struct resp *o, const struct field *f, const char *err)
{
	htmlf(o, "<label class=\"govuk-label\" for=\"%h\">%h</label>", f->name, f->label);
	if (f->hint)
		htmlf(o, "<div id=\"%h-hint\" class=\"govuk-hint\">%h</div>", f->name, f->hint);
	html_error_message(o, f->name, err);
}

static void described_by(struct resp *o, const struct field *f, const char *err)
{
	if (!f->hint && !err)
		return;
	html_lit(o, " aria-describedby=\"");
	if (f->hint)
		htmlf(o, "%h-hint", f->name);
	if (err)
		htmlf(o, "%h%h-error", f->hint ? " " : "", f->name);
	html_lit(o, "\"");
}

void html_input(struct resp *o, const struct form_errors *fe, const struct field *f)
{
	const char *err = group_open(o, fe, f);
	label_hint_error(o, f, err);
	htmlf(o, "<input class=\"govuk-input%h%h%h\" id=\"%h\" name=\"%h\" type=\"%h\" value=\"%h\" autocomplete=\"%h\"",
	      f->width ? " " : "", f->width ? f->width : "", err ? " govuk-input--error" : "", f->name, f->name,
	      f->type ? f->type : "text", f->value ? f->value : "", f->autocomplete ? f->autocomplete : "off");
	if (f->inputmode)
		htmlf(o, " inputmode=\"%h\"", f->inputmode);
	if (f->type && strcmp(f->type, "email") == 0)
		html_lit(o, " spellcheck=\"false\"");
	described_by(o, f, err);
	html_lit(o, "></div>");
}

void html_textarea(struct resp *o, const struct form_errors *fe, const struct field *f)
{
	const char *err = group_open(o, fe, f);
	label_hint_error(o, f, err);
	htmlf(o, "<textarea class=\"govuk-textarea%h\" id=\"%h\" name=\"%h\" rows=\"5\"", err ? " govuk-textarea--error" : "",
	      f->name, f->name);
	described_by(o, f, err);
	htmlf(o, ">%h</textarea></div>", f->value ? f->value : "");
}

void html_select(struct resp *o, const struct form_errors *fe, const struct field *f, const struct option *opts,
		 size_t nopts)
{
	const char *err = group_open(o, fe, f);
	label_hint_error(o, f, err);
	htmlf(o, "<select class=\"govuk-select%h\" id=\"%h\" name=\"%h\"", err ? " govuk-select--error" : "", f->name,
	      f->name);
	described_by(o, f, err);
	html_lit(o, ">");
	for (size_t i = 0; i < nopts; i++) {
		bool sel = f->value && strcmp(f->value, opts[i].value) == 0;
		htmlf(o, "<option value=\"%h\"%h>%h</option>", opts[i].value, sel ? " selected" : "", opts[i].label);
	}
	html_lit(o, "</select></div>");
}

void html_radios(struct resp *o, const struct form_errors *fe, const struct field *f, const struct option *opts,
		 size_t nopts)
{
	const char *err = group_open(o, fe, f);
	htmlf(o, "<fieldset class=\"govuk-fieldset\"");
	described_by(o, f, err);
	htmlf(o, "><legend class=\"govuk-fieldset__legend govuk-fieldset__legend--s\">%h</legend>", f->label);
	if (f->hint)
		htmlf(o, "<div id=\"%h-hint\" class=\"govuk-hint\">%h</div>", f->name, f->hint);
	html_error_message(o, f->name, err);
	html_lit(o, "<div class=\"govuk-radios\" data-module=\"govuk-radios\">");
	for (size_t i = 0; i < nopts; i++) {
		bool sel = f->value && strcmp(f->value, opts[i].value) == 0;
		/* The first radio carries the field's own id so the error summary link lands on it. */
		const char *id = i == 0 ? f->name : NULL;
		htmlf(o, "<div class=\"govuk-radios__item\"><input class=\"govuk-radios__input\" id=\"%h%h%h\" name=\"%h\" "
			 "type=\"radio\" value=\"%h\"%h><label class=\"govuk-label govuk-radios__label\" for=\"%h%h%h\">%h"
			 "</label></div>",
		      f->name, id ? "" : "-", id ? "" : opts[i].value, f->name, opts[i].value, sel ? " checked" : "",
		      f->name, id ? "" : "-", id ? "" : opts[i].value, opts[i].label);
	}
	html_lit(o, "</div></fieldset></div>");
}

void html_button(struct resp *o, const char *label)
{
	htmlf(o, "<button type=\"submit\" class=\"govuk-button\" data-module=\"govuk-button\">%h</button>", label);
}

void html_button_secondary(struct resp *o, const char *label)
{
	htmlf(o, "<button type=\"submit\" class=\"govuk-button govuk-button--secondary\" data-module=\"govuk-button\">"
		 "%h</button>",
	      label);
}

void html_summary_row(struct resp *o, const char *key, const char *value)
{
	htmlf(o, "<div class=\"govuk-summary-list__row\"><dt class=\"govuk-summary-list__key\">%h</dt>"
		 "<dd class=\"govuk-summary-list__value\">%h</dd></div>",
	      key, value ? value : "");
}

void html_summary_row_open(struct resp *o, const char *key)
{
	htmlf(o, "<div class=\"govuk-summary-list__row\"><dt class=\"govuk-summary-list__key\">%h</dt>"
		 "<dd class=\"govuk-summary-list__value\">",
	      key);
}

void html_summary_row_close(struct resp *o)
{
	html_lit(o, "</dd></div>");
}

void html_button_warning(struct resp *o, const char *label)
{
	htmlf(o, "<button type=\"submit\" class=\"govuk-button govuk-button--warning\" data-module=\"govuk-button\">"
		 "%h</button>",
	      label);
}

void html_link_button(struct resp *o, const char *href, const char *label, bool warning)
{
	htmlf(o, "<a href=\"%h\" role=\"button\" draggable=\"false\" class=\"govuk-button %h\" "
		 "data-module=\"govuk-button\">%h</a>",
	      href, warning ? "govuk-button--warning" : "govuk-button--secondary", label);
}

void html_post_button(const struct req *r, struct resp *o, const char *action, const char *label, bool warning)
{
	html_form_begin(r, o, action);
	if (warning)
		html_button_warning(o, label);
	else
		html_button_secondary(o, label);
	html_form_end(o);
}

void html_notice(struct resp *o, const char *heading, const char *text)
{
	htmlf(o, "<div class=\"govuk-notification-banner govuk-notification-banner--success\" role=\"alert\" "
		 "aria-labelledby=\"notice-title\" data-module=\"govuk-notification-banner\">"
		 "<div class=\"govuk-notification-banner__header\"><h2 class=\"govuk-notification-banner__title\" "
		 "id=\"notice-title\">Success</h2></div><div class=\"govuk-notification-banner__content\">"
		 "<h3 class=\"govuk-notification-banner__heading\">%h</h3>",
	      heading);
	if (text)
		htmlf(o, "<p class=\"govuk-body\">%h</p>", text);
	html_lit(o, "</div></div>");
}

void html_warning(struct resp *o, const char *text)
{
	htmlf(o, "<div class=\"govuk-warning-text\"><span class=\"govuk-warning-text__icon\" aria-hidden=\"true\">!</span>"
		 "<strong class=\"govuk-warning-text__text\"><span class=\"govuk-visually-hidden\">Warning</span>%h</strong>"
		 "</div>",
	      text);
}

void html_tag(struct resp *o, const char *text, const char *colour)
{
	htmlf(o, "<strong class=\"govuk-tag%h%h\">%h</strong>", colour ? " govuk-tag--" : "", colour ? colour : "", text);
}

/* Tables on a phone: below the tablet breakpoint a row becomes a block of "heading: value" lines
 * (lantern.scss, "Pages that fit a phone"), so no table is wider than the screen. The headings, given
 * once to html_table_begin, are written into each column's cells by html_table_end (data-label),
 * so pages write plain <td>s. A table shown as blocks loses its semantics in some browsers, so each
 * part also carries its ARIA role and is still announced as a table. */
void html_table_begin(struct resp *o, const char *caption, const char *const *headings, size_t n)
{
	/* Two columns fit a phone side by side; stacked, they would only take more room. */
	htmlf(o, "<table class=\"govuk-table%h\" role=\"table\">", n > 2 ? " lantern-table--stack" : "");
	if (caption)
		htmlf(o, "<caption class=\"govuk-table__caption govuk-table__caption--m\">%h</caption>", caption);
	html_lit(o, "<thead class=\"govuk-table__head\" role=\"rowgroup\"><tr class=\"govuk-table__row\" role=\"row\">");
	const char **labels = arena_alloc(o->arena, (n ? n : 1) * sizeof *labels);
	for (size_t i = 0; i < n; i++) {
		bool numeric = headings[i][0] == '#';
		labels[i] = arena_strdup(o->arena, headings[i] + numeric);
		htmlf(o, "<th scope=\"col\" class=\"govuk-table__header%h\" role=\"columnheader\">%h</th>",
		      numeric ? " govuk-table__header--numeric" : "", labels[i]);
	}
	html_lit(o, "</tr></thead><tbody class=\"govuk-table__body\" role=\"rowgroup\">");
	o->table = (struct resp_table){.body = o->body.len, .labels = labels, .n = n};
}

/* Whether the markup at p opens the element `open` ("<tr"): its name ends there. */
static bool opens(const char *p, const char *end, const char *open, size_t len)
{
	return (size_t)(end - p) > len && memcmp(p, open, len) == 0 && (p[len] == ' ' || p[len] == '>');
}

/* Gives every row of the open table's body its role, and every cell its role and its column's
 * heading. Text in the body is escaped, so each "<tr" or "<td" in it opens an element. */
static void label_cells(struct resp *o, const struct resp_table *t)
{
	struct buf out = {0};
	const char *p = o->body.data + t->body, *end = o->body.data + o->body.len;
	size_t column = 0;
	while (p < end) {
		const char *lt = memchr(p, '<', (size_t)(end - p));
		if (lt == NULL)
			lt = end;
		buf_append(&out, p, (size_t)(lt - p));
		p = lt;
		if (p == end)
			break;
		if (opens(p, end, "<tr", 3)) {
			buf_puts(&out, "<tr role=\"row\"");
			column = 0;
			p += 3;
		} else if (opens(p, end, "<td", 3) || opens(p, end, "<th", 3)) {
			buf_append(&out, p, 3);
			buf_puts(&out, p[2] == 'd' ? " role=\"cell\"" : " role=\"rowheader\"");
			if (column < t->n) {
				buf_puts(&out, " data-label=\"");
				html_escape_into(&out, t->labels[column]);
				buf_putc(&out, '"');
			}
			column++;
			p += 3;
		} else {
			buf_putc(&out, '<');
			p++;
		}
	}
	o->body.len = t->body;
	buf_append(&o->body, out.data, out.len);
	buf_free(&out);
}

void html_table_end(struct resp *o)
{
	struct resp_table t = o->table;
	o->table = (struct resp_table){0};
	if (t.labels && t.body <= o->body.len)
		label_cells(o, &t);
	html_lit(o, "</tbody></table>");
}
