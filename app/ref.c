/* ref.c — areas and sectors: lookups and select options. */
#include "ref.h"

#include "db.h"
#include "util.h"

static const char SQL_AREA[] = "SELECT 1 FROM areas WHERE id = ? AND (is_leaf = 1 OR ? = 0)";
static const char SQL_SECTOR[] = "SELECT 1 FROM sectors WHERE id = ?";
/* Greater Essex first, then the county and unitaries by name, each county followed by its districts. */
static const char SQL_AREAS[] = "SELECT a.id, CASE WHEN p.parent IS NOT NULL THEN '— ' || a.name ELSE a.name END"
				" FROM areas a LEFT JOIN areas p ON p.id = a.parent"
				" WHERE a.is_leaf = 1 OR ? = 0"
				" ORDER BY CASE WHEN a.parent IS NULL THEN '0' WHEN p.parent IS NULL THEN '1' || a.name"
				" ELSE '1' || p.name || '~' || a.name END";
static const char SQL_SECTORS[] = "SELECT id, name FROM sectors ORDER BY rowid";

bool ref_area_exists(struct db *db, const char *id, bool leaf_only)
{
	return id && db_int(db, 0, SQL_AREA, "si", id, leaf_only ? 1 : 0) == 1;
}

bool ref_sector_exists(struct db *db, const char *id)
{
	return id && db_int(db, 0, SQL_SECTOR, "s", id) == 1;
}

/* first: the label of the leading empty choice ("Choose", or "All areas" in a filter). */
static size_t options(struct db_stmt *st, struct arena *a, const char *first, const struct option **out)
{
	size_t n = 0, cap = 32;
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

size_t ref_area_options(struct db *db, struct arena *a, bool leaf_only, const struct option **out)
{
	return options(db_query(db, SQL_AREAS, "i", leaf_only ? 1 : 0), a, "Choose", out);
}

size_t ref_area_filter_options(struct db *db, struct arena *a, const struct option **out)
{
	return options(db_query(db, SQL_AREAS, "i", 0), a, "All areas", out);
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
