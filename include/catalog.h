/* catalog.h — the catalogues: courses (courses/, one XML file per course, validated against
 * courses/course.xsd) and campaigns (campaigns/, one XML file per campaign plus help.xml, validated
 * against campaigns/campaign.xsd, with SVG print templates in campaigns/templates/). Loaded once at
 * start-up; read-only afterwards, so threads share it freely. */
#ifndef LANTERN_CATALOG_H
#define LANTERN_CATALOG_H

#include <stdbool.h>

#include "util.h"

enum { CATALOG_MAX_FILE = 256 << 10, CATALOG_MAX_ITEMS = 64 };

struct module {
	const char *id;
	const char *kind; /* social-norms, pshe or targeted */
	const char *title;
	const char *description;
	int year_groups[7];
	int nyears;
};

struct course {
	const char *id; /* the file's stem */
	const char *title;
	const char *audience; /* practitioners, pupils, employers or parents */
	int outcome;          /* 1 or 5 */
	int duration_minutes;
	int default_capacity;
	int refresher_months; /* 0: no refresher */
	bool lived_experience;
	const char *description;
	const char **learning_outcomes;
	int nlearning;
	const char **topics;
	int ntopics;
	struct module *modules;
	int nmodules;
};

/* A support service on a landing page. */
struct service {
	const char *name;
	const char *phone; /* as dialled: "0808 2000 247" */
	const char *hours;
	const char *who;   /* who it is for */
};

/* The words of a help page's furniture, in its language (help.xml <labels>). */
enum help_label {
	HL_SKIP, HL_EXIT, HL_EXIT_ACTIVATED, HL_EXIT_TIMED_OUT, HL_EXIT_PRESS_TWO, HL_EXIT_PRESS_ONE, HL_EXIT_HINT,
	HL_SIGNS_HEADING, HL_EMERGENCY_HEADING, HL_SERVICES_HEADING, HL_TRACKS_HEADING, HL_PHONE, HL_HOURS,
	HL_LANGUAGES, HL_HELPFUL, HL_YES, HL_NO, HL_SEND, HL_THANKS, HL_FOOTER, HL__MAX
};

/* The general help page in one language (help.xml), whose parts every landing page shares. */
struct help_page {
	const char *lang, *dir;
	const char *language; /* the language's own name: "Polski" */
	const char *title;
	const char **intro, **signs, **emergency, **tracks;
	int nintro, nsigns, nemergency, ntracks;
	struct service *services;
	int nservices;
	const char *labels[HL__MAX];
};

/* A campaign's landing page in one language. */
struct landing {
	const char *lang, *dir;
	const char *title;
	const char **intro, **messages;
	int nintro, nmessages;
	struct service *services;
	int nservices;
};

/* One paragraph of a print box's words (the material's <print>): plain words, a
 * bullet item, or one of the landing page's services (its name, phone number and opening hours). */
enum print_block_kind { PRINT_PARAGRAPH, PRINT_ITEM, PRINT_SERVICE };
struct print_block {
	enum print_block_kind kind;
	const char *text;              /* PRINT_PARAGRAPH and PRINT_ITEM */
	const struct service *service; /* PRINT_SERVICE */
	int line;                      /* in the campaign file, for problems */
};

/* A rectangle of a print template that lantern fills with words (print_text.c fits them with Pango:
 * the largest size from size down to min_size at which they fit, wrapping at word boundaries). The
 * address box holds the placement's web address instead of words. Lengths are in the template's
 * user units (its viewBox). */
struct print_box {
	const char *id;
	bool address;
	double x, y, width, height;
	double size, min_size;
	double phone_size; /* a service's phone number, at size; it shrinks with the rest */
	double gap;        /* between paragraphs, in ems */
	double rgb[3];
	bool bold, centred;
	bool inline_services; /* "Name: phone" then the hours, rather than name, phone and hours stacked */
	const struct print_block *blocks;
	int nblocks;
	int line;          /* of the material's <box> (its words) in the campaign file, for problems */
	int template_line; /* of the box in the template */
};

/* An SVG print template, read safely at load: its background (everything but the boxes, with no
 * words of its own), the QR code's square and the boxes, with the material's words. */
struct svg_template {
	char *svg;             /* the background's root <svg> element, serialised */
	double width, height;  /* of its viewBox: the user units of everything below */
	double qr_x, qr_y, qr_size;
	struct print_box *boxes;
	int nboxes;
};

struct material {
	const char *id;
	const char *kind; /* poster, leaflet, card or digital */
	const char *lang; /* the language it is printed in: its placements land on that page */
	const char *title;
	const char *description;
	const char *template_name;
	struct svg_template tpl;
	const char *file; /* the campaign file it is described in, and the line: for problems */
	int line;
};

struct campaign {
	const char *id; /* the file's stem */
	const char *title;
	const char *starts, *ends; /* YYYY-MM-DD, inclusive */
	const char *summary;
	const char **partners, **audiences, **key_messages;
	int npartners, naudiences, nkey_messages;
	struct landing *landings; /* the first is English */
	int nlandings;
	struct material *materials;
	int nmaterials;
};

struct catalog {
	struct course *courses; /* sorted by title */
	int ncourses;
	struct campaign *campaigns; /* sorted by start date, newest first */
	int ncampaigns;
	struct help_page *help; /* the first is English */
	int nhelp;
};

/* The folder that holds courses/ and campaigns/: $LANTERN_CATALOG_DIR, else the folder above bin/. */
const char *catalog_root(void);
/* Loads and validates everything under root; each problem is appended to errors as
 * "path:line: reason". Returns the number of problems; on 0 the catalogue is in force. */
int catalog_load(const char *root, struct buf *errors);
void catalog_free(void);
/* Checks one file of courses/ (campaign false) or campaigns/ given in memory as it would be loaded
 * under root, name being its file name; campaigns are checked against the help pages in force.
 * Appends problems to errors and returns their number. Not thread-safe (the schemas are compiled on
 * first use and kept): for the fuzzer and tests. */
int catalog_check_memory(const char *root, bool campaign, const char *name, const char *data, size_t len,
			 struct buf *errors);

const struct catalog *catalog_get(void);
const struct course *catalog_course(const char *id);
const struct module *catalog_module(const struct course *c, const char *id);
bool course_is_pupil(const struct course *c);
bool module_suits(const struct module *m, int year_group);

const struct campaign *catalog_campaign(const char *id);
const struct material *campaign_material(const struct campaign *c, const char *id);
/* The landing page in lang, or NULL when the campaign has none in that language. */
const struct landing *campaign_landing(const struct campaign *c, const char *lang);
/* The general help page in lang, or NULL. */
const struct help_page *catalog_help(const char *lang);

#endif
