/* ref.c — areas and sectors: lookups and select options. */
#include "ref.h"

#include <pthread.h>
#include <stdatomic.h>
#include <string.h>

#include "db.h"
#include "util.h"

static const char SQL_SECTOR[] = "SELECT 1 FROM sectors WHERE id = ?";
/* Greater Essex first, then the county and unitaries by name, each county followed by its districts. */
static const char SQL_AREAS[] = "SELECT a.id, CASE WHEN p.parent IS NOT NULL THEN '— ' || a.name ELSE a.name END,"
				" a.name, a.is_leaf, a.parent FROM areas a LEFT JOIN areas p ON p.id = a.parent"
				" ORDER BY CASE WHEN a.parent IS NULL THEN '0' WHEN p.parent IS NULL THEN '1' || a.name"
				" ELSE '1' || p.name || '~' || a.name END";
static const char SQL_SECTORS[] = "SELECT id, name FROM sectors ORDER BY rowid";

enum { AREAS_MAX = 64, OPTIONS_MAX = 32 };

/* Areas come with the schema and never change while the server runs, so they are read once per
 * process, in display order, and shared by all threads. */
static struct {
	pthread_mutex_t lock;
	atomic_bool loaded; /* set once, after the lists are complete: read without the lock */
	struct arena *arena;
	struct option option[AREAS_MAX]; /* value: id, label: indented name */
	const char *name[AREAS_MAX];
	const char *parent[AREAS_MAX]; /* NULL for the top */
	bool leaf[AREAS_MAX];
	int n;
} areas = {.lock = PTHREAD_MUTEX_INITIALIZER};

/* Loads the areas on first use; false (and not loaded) if the database failed. */
static bool areas_ready(struct db *db)
{
	if (atomic_load_explicit(&areas.loaded, memory_order_acquire))
		return true;
	pthread_mutex_lock(&areas.lock);
	if (!areas.loaded) {
		if (areas.arena == NULL)
			areas.arena = arena_new();
		areas.n = 0;
		struct db_stmt *st = db_query(db, SQL_AREAS, "");
		while (areas.n < AREAS_MAX && db_next(st)) {
			int i = areas.n++;
			areas.option[i].value = arena_strdup(areas.arena, db_col_text(st, 0));
			areas.option[i].label = arena_strdup(areas.arena, db_col_text(st, 1));
			areas.name[i] = arena_strdup(areas.arena, db_col_text(st, 2));
			areas.leaf[i] = db_col_int(st, 3) != 0;
			areas.parent[i] = arena_strdup(areas.arena, db_col_text(st, 4));
		}
		db_done(st);
		atomic_store_explicit(&areas.loaded, areas.n > 0, memory_order_release);
	}
	bool ok = atomic_load_explicit(&areas.loaded, memory_order_relaxed);
	pthread_mutex_unlock(&areas.lock);
	return ok;
}

static int area_index(struct db *db, const char *id)
{
	for (int i = 0; id && areas_ready(db) && i < areas.n; i++)
		if (strcmp(areas.option[i].value, id) == 0)
			return i;
	return -1;
}

bool ref_area_exists(struct db *db, const char *id, bool leaf_only)
{
	int i = area_index(db, id);
	return i >= 0 && (areas.leaf[i] || !leaf_only);
}

const char *ref_area_name(struct db *db, const char *id)
{
	int i = area_index(db, id);
	return i >= 0 ? areas.name[i] : id;
}

const char *ref_area_by_name(struct db *db, const char *text)
{
	for (int i = 0; text && areas_ready(db) && i < areas.n; i++)
		if (str_same_name(areas.option[i].value, text) || str_same_name(areas.name[i], text))
			return areas.option[i].value;
	return NULL;
}

int ref_area_children(struct db *db, const char *id, const char **ids, const char **names, int max)
{
	int n = 0;
	/* In display order, an area's children come by name. */
	for (int i = 0; id && areas_ready(db) && i < areas.n && n < max; i++)
		if (areas.parent[i] && strcmp(areas.parent[i], id) == 0) {
			ids[n] = areas.option[i].value;
			names[n++] = areas.name[i];
		}
	return n;
}

bool ref_sector_exists(struct db *db, const char *id)
{
	return id && db_int(db, 0, SQL_SECTOR, "s", id) == 1;
}

/* first: the label of the leading empty choice ("Choose", or "All areas" in a filter). */
static size_t options(struct db_stmt *st, struct arena *a, const char *first, const struct option **out)
{
	size_t n = 0, cap = OPTIONS_MAX;
	struct option *opts = arena_alloc(a, cap * sizeof *opts);
	opts[n++] = (struct option){"", first};
	while (db_next(st) && n < cap) {
		opts[n].value = arena_strdup(a, db_col_text(st, 0));
		opts[n].label = arena_strdup(a, db_col_text(st, 1));
		n++;
	}
	db_done(st);
	*out = opts;
	return n;
}

static size_t area_options(struct db *db, struct arena *a, bool leaf_only, const char *first, const struct option **out)
{
	bool ready = areas_ready(db);
	struct option *opts = arena_alloc(a, (size_t)(areas.n + 1) * sizeof *opts);
	size_t n = 0;
	opts[n++] = (struct option){"", first};
	for (int i = 0; ready && i < areas.n; i++)
		if (areas.leaf[i] || !leaf_only)
			opts[n++] = areas.option[i];
	*out = opts;
	return n;
}

size_t ref_area_options(struct db *db, struct arena *a, bool leaf_only, const struct option **out)
{
	return area_options(db, a, leaf_only, "Choose", out);
}

size_t ref_area_filter_options(struct db *db, struct arena *a, const struct option **out)
{
	return area_options(db, a, false, "All areas", out);
}

size_t ref_sector_options(struct db *db, struct arena *a, const struct option **out)
{
	return options(db_query(db, SQL_SECTORS, ""), a, "Choose", out);
}

static const char SQL_ORGS[] = "SELECT id, name FROM organisations WHERE active = 1 ORDER BY name LIMIT 500";

size_t ref_org_options(struct db *db, struct arena *a, const char *none_label, const struct option **out)
{
	size_t n = 0, cap = 501;
	struct option *opts = arena_alloc(a, cap * sizeof *opts);
	opts[n++] = (struct option){"", none_label};
	struct db_stmt *st = db_query(db, SQL_ORGS, "");
	while (n < cap && db_next(st)) {
		opts[n].value = arena_printf(a, "%lld", (long long)db_col_int64(st, 0));
		opts[n].label = arena_strdup(a, db_col_text(st, 1));
		n++;
	}
	db_done(st);
	*out = opts;
	return n;
}
