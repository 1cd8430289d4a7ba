/* schools.h — settings (schools and colleges, spec §2 and §6): one check and one write path shared
 * by the edit page, the CSV import and the demo loader; the settings list with its filters, a
 * setting's page and the admin edit pages; the settings API. */
#ifndef LANTERN_SCHOOLS_H
#define LANTERN_SCHOOLS_H

#include <stdbool.h>
#include <stdint.h>

#include "html.h"
#include "req.h"
#include "resp.h"

struct db;
struct arena;
struct user;

enum {
	SCHOOL_YEAR_FIRST = 7,
	SCHOOL_YEAR_LAST = 13,
	SCHOOL_YEARS = SCHOOL_YEAR_LAST - SCHOOL_YEAR_FIRST + 1,
	SCHOOL_ROLL_MAX = 9999, /* per year group: far above any real one, so only typos are refused */
	SCHOOL_NAME_MAX = 200,
};

/* A setting as text from a form, a CSV row or JSON; roll[i] is Year 7 + i, "" or NULL: not known. */
struct setting_input {
	const char *urn, *name, *phase, *area;
	const char *roll[SCHOOL_YEARS];
};

/* A stored setting; roll[i] is -1 when not known. */
struct setting {
	const char *urn, *name, *phase, *area, *area_name;
	int roll[SCHOOL_YEARS];
};

/* The phases of spec §2 with their labels, in display order. */
extern const struct option schools_phases[];
extern const size_t schools_nphases;
const char *schools_phase_label(const char *phase);
/* Other names people call a phase by (a spreadsheet's "PRU"), each with its phase; for the import. */
extern const struct option schools_phase_aliases[];
extern const size_t schools_nphase_aliases;
/* The phase that text names: its code, its label or an alias, in any case and with spaces or hyphens
 * alike ("Secondary", "sixth form", "PRU"); NULL when none does. Not allocated. */
const char *schools_phase_by_name(const char *text);

/* Trims spaces and tabs around every field (copies in the arena): people paste " 180". */
void schools_trim(struct arena *a, struct setting_input *in);
/* Checks every field of a setting (not whether the URN is taken), naming each bad field (urn, name,
 * phase, area, y7 … y13) with a message that quotes the bad value. Messages live in the arena. */
void schools_check(struct db *db, struct arena *a, const struct setting_input *in, struct form_errors *fe);
/* Inserts the setting, or updates it if its URN exists; sets *added. Call after schools_check; the
 * caller owns the transaction. Returns 0 or -1. */
int schools_upsert(struct db *db, const struct setting_input *in, bool *added);
/* Checks and writes one setting in its own transaction, with an audit entry. creating: the URN must
 * be new; otherwise it must exist. false with errors in fe (none if the database failed). */
bool schools_save(struct db *db, struct arena *a, int64_t actor, bool creating, const struct setting_input *in,
		  struct form_errors *fe);

bool schools_load(struct db *db, struct arena *a, const char *urn, struct setting *s);
/* A year group's number on roll; -1 when not known (or no such setting). */
int schools_roll(struct db *db, const char *urn, int year_group);
/* Whether u may see this setting: a school user only their own; staff and analysts any. */
bool schools_can_see(const struct user *u, const char *urn);
/* Reads the setting named by the request's first {} parameter, if this user may see it; otherwise
 * answers 404 (a page or JSON) into o and returns false. */
bool schools_from_path(const struct req *r, struct resp *o, struct setting *s);

int schools_list_page(const struct req *r, struct resp *o);
int schools_page(const struct req *r, struct resp *o);
int schools_new_page(const struct req *r, struct resp *o);
int schools_create(const struct req *r, struct resp *o);
int schools_edit_page(const struct req *r, struct resp *o);
int schools_update(const struct req *r, struct resp *o);
int schools_api_list(const struct req *r, struct resp *o);

#endif
