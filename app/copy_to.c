/* copy_to.c — `lantern --db SQLITE_PATH copy-to postgresql://...`: a partnership moving up from SQLite
 * to PostgreSQL. The source is read in one read transaction, so the copy is one consistent snapshot
 * while a running server keeps writing beside it (WAL); the target is written in one transaction under
 * lantern's write lock, so it gets all of it or nothing. The target is migrated to this build's schema
 * first and must hold no data of its own. Tables go in foreign-key order through COPY with their
 * triggers off (the totals the triggers keep are copied as the source has them, not counted again),
 * and every identity sequence is set past the copied ids.
 *
 * The target's catalogue says what to fill: its tables, their columns and types; the source must
 * have a place there for every table and column it has, so nothing is left behind. */
#include "copy_to.h"

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "db.h"
#include "migrations.h"
#include "util.h"

enum { PROGRESS_ROWS = 100000 }; /* a progress line every so many rows of a long table */

/* The tables `lantern init` fills by itself (reference data, counters, the server key): a new database
 * has rows there, which the source's replace. A row anywhere else means the target is in use. */
static const char *const FILLED_BY_INIT[] = {"areas", "area_tree", "sectors", "session_span", "data_versions", "secrets"};

/* What a column's values are sent as: text as the source gives it, a real with every digit, bytes in
 * hex. An integer or a date stays text: its text is its meaning on both engines (a boolean takes 0 and
 * 1 as SQLite keeps it). */
enum form { AS_TEXT, AS_REAL, AS_BYTES };

struct column {
	char *name;
	enum form form;
};

struct table {
	char *name;
	struct column *cols;
	int ncols;
	char **refs; /* the tables its foreign keys name */
	int nrefs;
	bool placed;
};

struct schema {
	struct table *t; /* once ordered, in the order to fill: a table after every table it refers to */
	int n;
};

/* The target's tables and columns (generated columns fill themselves), and their foreign keys. */
static const char SQL_TARGET_COLUMNS[] =
	"SELECT c.relname, a.attname, format_type(a.atttypid, a.atttypmod) FROM pg_class c"
	" JOIN pg_attribute a ON a.attrelid = c.oid"
	" WHERE c.relnamespace = current_schema()::regnamespace AND c.relkind = 'r' AND c.relname <> 'schema_version'"
	" AND a.attnum > 0 AND NOT a.attisdropped AND a.attgenerated = ''"
	" ORDER BY c.relname, a.attnum";
static const char SQL_TARGET_REFERENCES[] =
	"SELECT c.relname, f.relname FROM pg_constraint k JOIN pg_class c ON c.oid = k.conrelid"
	" JOIN pg_class f ON f.oid = k.confrelid"
	" WHERE k.contype = 'f' AND c.relnamespace = current_schema()::regnamespace ORDER BY 1, 2";
/* Each identity sequence past the largest id its table holds (or at 1 for an empty table). */
static const char SQL_TARGET_SEQUENCES[] =
	"DO $$ DECLARE r record; top bigint; BEGIN"
	" FOR r IN SELECT c.relname, a.attname FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid"
	"  WHERE a.attidentity <> '' AND c.relkind = 'r' AND c.relnamespace = current_schema()::regnamespace LOOP"
	"  EXECUTE format('SELECT max(%I) FROM %I', r.attname, r.relname) INTO top;"
	"  PERFORM setval(pg_get_serial_sequence(quote_ident(r.relname), r.attname), coalesce(top, 1), top IS NOT NULL);"
	" END LOOP; END $$";
static const char SQL_SOURCE_TABLES[] =
	"SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite!_%' ESCAPE '!' ORDER BY name";
static const char SQL_SOURCE_COLUMNS[] = "SELECT name FROM pragma_table_info(?)";

static void schema_free(struct schema *s)
{
	for (int i = 0; i < s->n; i++) {
		struct table *t = &s->t[i];
		for (int c = 0; c < t->ncols; c++)
			free(t->cols[c].name);
		for (int r = 0; r < t->nrefs; r++)
			free(t->refs[r]);
		free(t->name);
		free(t->cols);
		free(t->refs);
	}
	free(s->t);
	*s = (struct schema){0};
}

static struct table *find(const struct schema *s, const char *name)
{
	for (int i = 0; i < s->n; i++)
		if (strcmp(s->t[i].name, name) == 0)
			return &s->t[i];
	return NULL;
}

static enum form form_of(const char *type)
{
	if (strcmp(type, "double precision") == 0 || strcmp(type, "real") == 0 || strncmp(type, "numeric", 7) == 0)
		return AS_REAL;
	return strcmp(type, "bytea") == 0 ? AS_BYTES : AS_TEXT;
}

/* Reads the target's schema into s (empty on entry); 0, or -1 when it has no tables. */
static int schema_load(struct db *dst, struct schema *s)
{
	struct db_stmt *st = db_query(dst, SQL_TARGET_COLUMNS, "");
	while (db_next(st)) {
		const char *name = db_col_text(st, 0);
		if (s->n == 0 || strcmp(s->t[s->n - 1].name, name) != 0) {
			s->t = xrealloc(s->t, (size_t)(s->n + 1) * sizeof *s->t);
			s->t[s->n++] = (struct table){.name = xstrdup(name)};
		}
		struct table *t = &s->t[s->n - 1];
		t->cols = xrealloc(t->cols, (size_t)(t->ncols + 1) * sizeof *t->cols);
		t->cols[t->ncols++] = (struct column){xstrdup(db_col_text(st, 1)), form_of(db_col_text(st, 2))};
	}
	st = db_query(dst, SQL_TARGET_REFERENCES, "");
	while (db_next(st)) {
		struct table *t = find(s, db_col_text(st, 0));
		if (t == NULL)
			continue;
		t->refs = xrealloc(t->refs, (size_t)(t->nrefs + 1) * sizeof *t->refs);
		t->refs[t->nrefs++] = xstrdup(db_col_text(st, 1));
	}
	return s->n > 0 ? 0 : -1;
}

/* Puts s's tables in an order where each comes after the tables its foreign keys name (a table may
 * name itself: its rows are checked at the end of their COPY). -1 for tables that name each other. */
static int schema_order(struct schema *s)
{
	struct table *ordered = xcalloc((size_t)s->n, sizeof *ordered);
	for (int k = 0; k < s->n; k++) {
		int pick = -1;
		for (int i = 0; i < s->n && pick < 0; i++) {
			bool ready = !s->t[i].placed;
			for (int r = 0; ready && r < s->t[i].nrefs; r++) {
				const struct table *ref = find(s, s->t[i].refs[r]);
				ready = ref == NULL || ref == &s->t[i] || ref->placed;
			}
			if (ready)
				pick = i;
		}
		if (pick < 0) {
			fputs("lantern: copy-to: the target's tables refer to each other in a circle: no order fills them\n", stderr);
			free(ordered);
			return -1;
		}
		s->t[pick].placed = true;
		ordered[k] = s->t[pick];
	}
	free(s->t);
	s->t = ordered;
	return 0;
}

/* name as an SQL identifier, quoted: a name the database gave, never input. */
static void put_name(struct buf *b, const char *name)
{
	buf_putc(b, '"');
	for (const char *p = name; *p; p++) {
		if (*p == '"')
			buf_putc(b, '"');
		buf_putc(b, *p);
	}
	buf_putc(b, '"');
}

/* The first row of a built query as an integer, or fallback (none, or it does not prepare). */
static int64_t built_int(struct db *db, const char *sql, int64_t fallback)
{
	struct db_stmt *st = db_prepare_built(db, sql);
	int64_t v = fallback;
	if (st && db_next(st))
		v = db_col_int64(st, 0);
	db_stmt_free(st);
	return v;
}

/* Turns table's own triggers (USER: not the foreign keys' checks) on or off, in dst's transaction. */
static int triggers(struct db *dst, const char *table, const char *on_off)
{
	char *sql = xasprintf("ALTER TABLE %s %s TRIGGER USER", table, on_off);
	int rc = db_exec_script(dst, sql);
	free(sql);
	return rc;
}

static bool filled_by_init(const char *table)
{
	for (size_t i = 0; i < sizeof FILLED_BY_INIT / sizeof FILLED_BY_INIT[0]; i++)
		if (strcmp(FILLED_BY_INIT[i], table) == 0)
			return true;
	return false;
}

/* The first table of s holding a row that `lantern init` did not put there (or that cannot be read),
 * or NULL when the target holds no data of its own. */
static const char *data_in(struct db *dst, const struct schema *s)
{
	for (int i = 0; i < s->n; i++) {
		if (filled_by_init(s->t[i].name))
			continue;
		struct buf sql = {0};
		buf_puts(&sql, "SELECT count(*) FROM (SELECT 1 FROM ");
		put_name(&sql, s->t[i].name);
		buf_puts(&sql, " LIMIT 1) AS one_row");
		int64_t found = built_int(dst, sql.data, 1);
		buf_free(&sql);
		if (found)
			return s->t[i].name;
	}
	return NULL;
}

static bool refuse_data(struct db *dst, const struct schema *s)
{
	const char *table = data_in(dst, s);
	if (table)
		fprintf(stderr,
			"lantern: copy-to: the target already holds data (table %s has rows): copy-to fills only a new, empty "
			"database, and has changed nothing. Create one (README: PostgreSQL) and copy into that.\n",
			table);
	return table != NULL;
}

/* Every table and column of the source has its place in the target, so nothing is left behind. */
static int source_fits(struct db *src, const struct schema *s)
{
	int missing = 0;
	struct db_stmt *st = db_query(src, SQL_SOURCE_TABLES, "");
	while (db_next(st)) {
		const char *name = db_col_text(st, 0);
		const struct table *t = find(s, name);
		if (t == NULL) {
			fprintf(stderr, "lantern: copy-to: the source's table %s has no place in the target\n", name);
			missing++;
			continue;
		}
		struct db_stmt *cols = db_query(src, SQL_SOURCE_COLUMNS, "s", name);
		while (db_next(cols)) {
			const char *col = db_col_text(cols, 0);
			bool found = false;
			for (int c = 0; c < t->ncols && !found; c++)
				found = strcmp(t->cols[c].name, col) == 0;
			if (!found) {
				fprintf(stderr, "lantern: copy-to: the source's column %s.%s has no place in the target\n", name, col);
				missing++;
			}
		}
	}
	return missing ? -1 : 0;
}

static const char HEX[] = "0123456789abcdef";

/* The values of st's row as COPY takes them, into vals (owned: what must be freed after the row). */
static void row_values(struct db_stmt *st, const struct table *t, const char **vals, char (*nums)[32], char **owned)
{
	for (int i = 0; i < t->ncols; i++) {
		free(owned[i]);
		owned[i] = NULL;
		if (db_col_null(st, i)) {
			vals[i] = NULL;
		} else if (t->cols[i].form == AS_REAL) {
			/* SQLite's own text for a real keeps 15 digits; 17 give back the very same double. Text
			 * that is no number goes as it is, for PostgreSQL to refuse, rather than as a 0. */
			const char *text = db_col_text(st, i);
			char *end;
			strtod(text, &end);
			if (end == text || *end != '\0') {
				vals[i] = text;
			} else {
				snprintf(nums[i], sizeof nums[i], "%.17g", db_col_double(st, i));
				vals[i] = nums[i];
			}
		} else if (t->cols[i].form == AS_BYTES) {
			int len;
			const unsigned char *p = db_col_blob(st, i, &len);
			char *hex = owned[i] = xmalloc(2 * (size_t)len + 3);
			memcpy(hex, "\\x", 2);
			for (int k = 0; k < len; k++) {
				hex[2 + 2 * k] = HEX[p[k] >> 4];
				hex[3 + 2 * k] = HEX[p[k] & 15];
			}
			hex[2 + 2 * len] = '\0';
			vals[i] = hex;
		} else {
			vals[i] = db_col_text(st, i);
		}
	}
}

/* Copies table t (the index'th of count) from src into dst's open transaction; its row count, or -1. */
static int64_t copy_table(struct db *src, struct db *dst, const struct table *t, int index, int count)
{
	struct buf name = {0}, cols = {0}, sql = {0};
	put_name(&name, t->name);
	for (int i = 0; i < t->ncols; i++) {
		if (i > 0)
			buf_puts(&cols, ", ");
		put_name(&cols, t->cols[i].name);
	}
	buf_puts(&sql, "SELECT count(*) FROM ");
	buf_puts(&sql, name.data);
	int64_t rows = built_int(src, sql.data, -1), done = 0;
	buf_reset(&sql);
	buf_puts(&sql, "SELECT ");
	buf_puts(&sql, cols.data);
	buf_puts(&sql, " FROM ");
	buf_puts(&sql, name.data);
	struct db_stmt *st = rows >= 0 ? db_prepare_built(src, sql.data) : NULL;
	/* Triggers off for the load, on again in the same transaction: what they keep is copied. */
	enum db_rc rc = st && triggers(dst, name.data, "DISABLE") == 0 ? db_load_begin(dst, name.data, cols.data) : DB_ERROR;
	if (rc == DB_OK) {
		const char **vals = xcalloc((size_t)t->ncols, sizeof *vals);
		char(*nums)[32] = xcalloc((size_t)t->ncols, sizeof *nums);
		char **owned = xcalloc((size_t)t->ncols, sizeof *owned);
		while (rc == DB_OK && db_next(st)) {
			row_values(st, t, vals, nums, owned);
			rc = db_load_row(dst, vals, t->ncols);
			if (++done % PROGRESS_ROWS == 0 && done < rows)
				fprintf(stderr, "lantern: copy-to: [%d/%d] %s: %lld of %lld rows\n", index, count, t->name,
					(long long)done, (long long)rows);
		}
		for (int i = 0; i < t->ncols; i++)
			free(owned[i]);
		free(vals);
		free(nums);
		free(owned);
		/* A read that failed ends the rows early: fewer than counted in the same snapshot. */
		bool whole = rc == DB_OK && done == rows;
		if (rc == DB_OK && !whole)
			fprintf(stderr, "lantern: copy-to: %s: read %lld of its %lld rows from the source\n", t->name,
				(long long)done, (long long)rows);
		rc = db_load_end(dst, whole);
		if (rc == DB_OK && triggers(dst, name.data, "ENABLE") != 0)
			rc = DB_ERROR;
	}
	if (rc == DB_OK)
		fprintf(stderr, "lantern: copy-to: [%d/%d] %s: %lld row%s\n", index, count, t->name, (long long)done,
			done == 1 ? "" : "s");
	else
		fprintf(stderr, "lantern: copy-to: [%d/%d] %s: the copy stopped here (the reason is above)\n", index, count,
			t->name);
	db_stmt_free(st);
	buf_free(&name);
	buf_free(&cols);
	buf_free(&sql);
	return rc == DB_OK ? done : -1;
}

static double seconds_since(const struct timespec *t0)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)(t.tv_sec - t0->tv_sec) + (double)(t.tv_nsec - t0->tv_nsec) / 1e9;
}

/* The source, at this build's schema version: migrated first when it is behind, as `lantern init`
 * would (the server that runs this build would do the same at its next start). NULL, said why. */
static struct db *open_source(const char *path, int built)
{
	struct db *src = db_open(path, false);
	if (src == NULL)
		return NULL;
	int have = db_schema_version(src);
	if (have <= 0 || have > built) {
		if (have <= 0)
			fprintf(stderr, "lantern: copy-to: %s is not a lantern database\n", path);
		else
			fprintf(stderr, "lantern: copy-to: %s is at schema version %d, newer than this lantern's %d: copy it "
				"with the lantern that serves it\n", path, have, built);
		db_close(src);
		return NULL;
	}
	if (have < built) {
		fprintf(stderr, "lantern: copy-to: %s is at schema version %d: migrating it to %d first, as lantern init would\n",
			path, have, built);
		if (db_migrate(src) != 0) {
			db_close(src);
			return NULL;
		}
	}
	return src;
}

/* The target, at this build's schema version and holding no data of its own: checked before it is
 * migrated too, so a database in use is refused untouched. -1, said why. */
static int ready_target(struct db *dst, const char *shown, int built)
{
	int have = db_schema_version(dst);
	if (have < 0 || have > built) {
		if (have < 0)
			fprintf(stderr, "lantern: copy-to: cannot read the schema version of %s\n", shown);
		else
			fprintf(stderr, "lantern: copy-to: %s is at schema version %d, newer than this lantern's %d\n", shown, have,
				built);
		return -1;
	}
	if (have > 0) {
		struct schema s = {0};
		bool refused = schema_load(dst, &s) == 0 && refuse_data(dst, &s);
		schema_free(&s);
		if (refused)
			return -1;
	}
	if (db_migrate(dst) != 0) {
		fprintf(stderr, "lantern: copy-to: cannot migrate %s to schema version %d\n", shown, built);
		return -1;
	}
	return 0;
}

/* Empties every table of s (only what init put there: refuse_data said so) for the source's rows. */
static int empty_tables(struct db *dst, const struct schema *s)
{
	struct buf sql = {0};
	buf_puts(&sql, "TRUNCATE ");
	for (int i = 0; i < s->n; i++) {
		if (i > 0)
			buf_puts(&sql, ", ");
		put_name(&sql, s->t[i].name);
	}
	int rc = db_exec_script(dst, sql.data);
	buf_free(&sql);
	return rc;
}

/* In dst's open transaction: every table of s from src's snapshot, then the sequences. 0 or -1. */
static int copy_all(struct db *src, struct db *dst, const struct schema *s, int64_t *total)
{
	if (refuse_data(dst, s) || empty_tables(dst, s) != 0)
		return -1;
	for (int i = 0; i < s->n; i++) {
		int64_t rows = copy_table(src, dst, &s->t[i], i + 1, s->n);
		if (rows < 0)
			return -1;
		*total += rows;
	}
	return db_exec_script(dst, SQL_TARGET_SEQUENCES);
}

int copy_to_command(const char *source, const char *target)
{
	if (db_is_postgres(source) || !db_is_postgres(target)) {
		fputs("lantern: copy-to: give the SQLite database as --db and the PostgreSQL one as a postgresql:// URI: "
		      "lantern --db PATH copy-to postgresql://...\n",
		      stderr);
		return 2;
	}
	struct timespec t0;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	int built = migrations[migrations_count - 1].version;
	char *shown = db_shown_name(target);
	struct db *src = open_source(source, built), *dst = src ? db_open(target, false) : NULL;
	struct schema s = {0};
	int64_t total = 0;
	bool reading = false;
	int rc = 1;
	if (dst == NULL || ready_target(dst, shown, built) != 0 || schema_load(dst, &s) != 0 || schema_order(&s) != 0)
		goto out;
	fprintf(stderr, "lantern: copy-to: %s to %s, %d tables at schema version %d\n", source, shown, s.n, built);
	/* One read transaction on the source: every table from the same snapshot, the writers of a running
	 * server going on beside it. */
	if (db_exec_script(src, "BEGIN") != 0)
		goto out;
	reading = true;
	if (source_fits(src, &s) != 0)
		goto out;
	if (db_begin(dst) != DB_OK)
		goto out;
	if (copy_all(src, dst, &s, &total) != 0) {
		db_rollback(dst);
		fprintf(stderr, "lantern: copy-to: nothing was copied: the copy was undone whole, and %s holds none of it\n",
			shown);
		goto out;
	}
	if (db_commit(dst) != DB_OK) {
		fprintf(stderr, "lantern: copy-to: the commit failed: %s holds none of the copy\n", shown);
		goto out;
	}
	fprintf(stderr, "lantern: copy-to: copied %lld rows of %d tables in %.1f s; new ids continue past the copied ones\n",
		(long long)total, s.n, seconds_since(&t0));
	rc = 0;
	/* COPY leaves the planner no statistics, and autovacuum may take minutes to gather them: until then
	 * it guesses, and a page's query can read thousands of rows where it needs twenty. */
	fprintf(stderr, "lantern: copy-to: gathering the planner's statistics (ANALYZE)\n");
	if (db_exec_script(dst, "ANALYZE") != 0)
		fprintf(stderr, "lantern: copy-to: ANALYZE failed: the copy stands; run ANALYZE on %s before serving\n", shown);
	else
		fprintf(stderr, "lantern: copy-to: statistics gathered (%.1f s in all)\n", seconds_since(&t0));
out:
	if (reading)
		db_exec_script(src, "ROLLBACK"); /* ends the read transaction */
	schema_free(&s);
	db_close(dst);
	db_close(src);
	free(shown);
	return rc;
}
