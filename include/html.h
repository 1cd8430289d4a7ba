/* html.h — the escaping HTML writer and the GOV.UK-style page layout and form parts.
 *
 * Text goes out escaped unless written with html_lit(), which only takes a string literal:
 *   html_lit(o, "<p class=\"govuk-body\">");         literal markup
 *   htmlf(o, "<a href=\"/courses/%u\">%h</a>", id, title);
 * htmlf formats (literal only): %h escaped text, %u URL-encoded path/query component,
 * %d int, %D int64_t, %% a percent sign. There is no way to print an unescaped variable. */
#ifndef LANTERN_HTML_H
#define LANTERN_HTML_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "req.h"
#include "resp.h"

void html_raw(struct resp *o, const char *s, size_t n);
#define html_lit(o, s) html_raw((o), "" s, sizeof(s) - 1)
void html_text(struct resp *o, const char *s);
void html_format(struct resp *o, const char *fmt, ...);
#define htmlf(o, fmt, ...) html_format((o), "" fmt, ##__VA_ARGS__)
/* Escapes s into buf (for building attribute values elsewhere). */
void html_escape_into(struct buf *b, const char *s);
void url_encode_into(struct buf *b, const char *s);

/* The version string of the built assets, set once at start-up (from LANTERN_ASSET_VERSION). */
void html_set_asset_version(const char *v);
const char *html_asset_version(void);

/* Field errors of a form, in the order they appear on the page. */
enum { FORM_MAX_ERRORS = 24 };
struct form_errors {
	int n;
	struct {
		const char *field;
		const char *message;
	} e[FORM_MAX_ERRORS];
};
void form_error(struct form_errors *fe, const char *field, const char *message);
const char *form_error_for(const struct form_errors *fe, const char *field);

/* The page furniture's words in another language (public help pages); NULL fields stay English. */
struct page_words {
	const char *skip;          /* "Skip to main content" */
	const char *exit;          /* "Exit this page" */
	const char *exit_activated, *exit_timed_out, *exit_press_two, *exit_press_one; /* announcements */
	const char *help_link;     /* the footer's link to /help */
	const char *footer;        /* "In an emergency call 999." */
};

struct page {
	const char *title;
	const char *nav;                  /* href of the active navigation item */
	const struct form_errors *errors; /* prefixes the title with "Error:" and shows the summary */
	const char *lang;                 /* default "en" */
	const char *dir;                  /* default "ltr" */
	bool exit_this_page;              /* public help pages: show the Exit this page control */
	const struct page_words *words;   /* NULL: English */
	bool wide;                        /* no two-thirds column */
	const char *back;                 /* a back link href, if any */
	int refresh;                      /* reload every N seconds where JavaScript does not run */
};

void page_begin(const struct req *r, struct resp *o, const struct page *p);
void page_end(const struct req *r, struct resp *o, const struct page *p);
/* A whole page saying what went wrong, with the way back to where the person was (back_from);
 * returns status. */
int page_error(const struct req *r, struct resp *o, int status, const char *title, const char *message);
/* The same with the way back given (a path on this site; anything else is left out). */
int page_error_back(const struct req *r, struct resp *o, int status, const char *title, const char *message,
		    const char *back);

/* Form parts in GOV.UK Design System markup. */
struct field {
	const char *name;
	const char *label;
	const char *value;
	const char *hint;
	const char *type;         /* input type; default "text" */
	const char *autocomplete; /* default "off" */
	const char *width;        /* e.g. "govuk-input--width-20" */
	const char *inputmode;
};
struct option {
	const char *value;
	const char *label;
};

/* A POST form with its hidden fields (html_csrf). */
void html_form_begin(const struct req *r, struct resp *o, const char *action);
/* The same, naming another page to come back to than this one (a confirmation's "No, go back"). */
void html_form_begin_back(const struct req *r, struct resp *o, const char *action, const char *back);
void html_form_end(struct resp *o);
/* The hidden fields every POST form carries: the form token, and "back", the page the form is on
 * (back_here), where an error answering the form links back to. */
void html_csrf(const struct req *r, struct resp *o);
void html_error_summary(struct resp *o, const struct form_errors *fe);
/* A field's error message (id "<name>-error", for its aria-describedby); nothing when err is NULL. */
void html_error_message(struct resp *o, const char *name, const char *err);
void html_input(struct resp *o, const struct form_errors *fe, const struct field *f);
void html_textarea(struct resp *o, const struct form_errors *fe, const struct field *f);
void html_select(struct resp *o, const struct form_errors *fe, const struct field *f, const struct option *opts,
		 size_t nopts);
void html_radios(struct resp *o, const struct form_errors *fe, const struct field *f, const struct option *opts,
		 size_t nopts);
void html_button(struct resp *o, const char *label);
void html_button_secondary(struct resp *o, const char *label);
void html_button_warning(struct resp *o, const char *label);
/* A link that looks like a button (GOV.UK's button as a link), secondary or warning: e.g. the way to
 * a confirmation page (confirm.h). */
void html_link_button(struct resp *o, const char *href, const char *label, bool warning);
/* One-button form posting to action (e.g. "Cancel booking"). */
void html_post_button(const struct req *r, struct resp *o, const char *action, const char *label, bool warning);
/* Green confirmation banner shown after a successful action (from the ?done= query). */
void html_notice(struct resp *o, const char *heading, const char *text);
/* GOV.UK warning text: the "!" icon and text in bold. */
void html_warning(struct resp *o, const char *text);
void html_tag(struct resp *o, const char *text, const char *colour);
/* One key and value of a <dl class="govuk-summary-list">, both escaped. */
void html_summary_row(struct resp *o, const char *key, const char *value);
/* The same row with a value the caller writes (links, tags), closed by html_summary_row_close(). */
void html_summary_row_open(struct resp *o, const char *key);
void html_summary_row_close(struct resp *o);
/* Opens a table: an optional caption (NULL: none), the header row, then the body. A heading that
 * starts with '#' is for a numeric column (right-aligned; the '#' is not shown). Write the body's
 * rows as plain <tr><td>...</td></tr> (one cell per heading, no colspan), then close the table with
 * html_table_end(), which labels each cell with its column's heading so that on a phone the table
 * shows as stacked rows, each value under its heading. One table open at a time. */
void html_table_begin(struct resp *o, const char *caption, const char *const *headings, size_t n);
void html_table_end(struct resp *o);

#endif
