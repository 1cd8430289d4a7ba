/* catalog.h — the course catalogue (courses/, one XML file per course, validated against
 * courses/course.xsd). Loaded once at start-up; read-only afterwards, so threads share it freely. */
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

struct catalog {
	struct course *courses; /* sorted by title */
	int ncourses;
};

/* The folder that holds courses/ and campaigns/: $LANTERN_CATALOG_DIR, else the folder above bin/. */
const char *catalog_root(void);
/* Loads and validates everything under root; each problem is appended to errors as
 * "path:line: reason". Returns the number of problems; on 0 the catalogue is in force. */
int catalog_load(const char *root, struct buf *errors);
void catalog_free(void);

const struct catalog *catalog_get(void);
const struct course *catalog_course(const char *id);
const struct module *catalog_module(const struct course *c, const char *id);
bool course_is_pupil(const struct course *c);
bool module_suits(const struct module *m, int year_group);

#endif
