/* ref.h — reference data shipped with the schema: areas (a hierarchy) and sectors. */
#ifndef LANTERN_REF_H
#define LANTERN_REF_H

#include <stdbool.h>
#include <stddef.h>

#include "html.h"

struct db;
struct arena;

/* Areas are read once per process (they ship with the schema and do not change at run time). */
bool ref_area_exists(struct db *db, const char *id, bool leaf_only);
/* The area's name, or id itself when there is no such area. Not allocated: valid for the process. */
const char *ref_area_name(struct db *db, const char *id);
/* The id of the area that text names, by its id or its name as the pages show it, in any case and with
 * spaces or hyphens alike ("Southend-on-Sea", "castle point"); NULL when none does. Not allocated. */
const char *ref_area_by_name(struct db *db, const char *text);
/* The areas directly below id, by name: up to max ids and names (not allocated: valid for the process);
 * returns how many. */
int ref_area_children(struct db *db, const char *id, const char **ids, const char **names, int max);
bool ref_sector_exists(struct db *db, const char *id);
/* Options for a select, in display order; returns the count. Allocated in the arena. */
size_t ref_area_options(struct db *db, struct arena *a, bool leaf_only, const struct option **out);
/* Every area for a filter, led by "All areas" (value ""). */
size_t ref_area_filter_options(struct db *db, struct arena *a, const struct option **out);
size_t ref_sector_options(struct db *db, struct arena *a, const struct option **out);
/* Active organisations, after a first option (value "") labelled none_label. */
size_t ref_org_options(struct db *db, struct arena *a, const char *none_label, const struct option **out);

#endif
