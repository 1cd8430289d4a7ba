/* indicator_export.c — JSON (spec §9's indicator shape), CSV with a header row, and ADX with one
 * group per area and period. Suppressed and not-yet-provided figures are empty in CSV, null in
 * JSON and left out of ADX: no export ever shows what the dashboard hides. Each figure is published to
 * its precision (indicator_decimals: a rate's 66.7, a count's 130); baselines, targets and externally
 * sourced figures exactly as entered (the shortest text that reads back as the same value; JSON, as
 * the rest of the API, with up to 15 significant digits). An external figure carries its source and
 * note (CSV columns, an ADX annotation). */
#include "indicator_export.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "adx.h"
#include "csv.h"
#include "db.h"
#include "indicator_reads.h"
#include "indicators.h"

int export_format_parse(const char *s)
{
	if (s == NULL || strcmp(s, "json") == 0)
		return EXPORT_JSON;
	if (strcmp(s, "csv") == 0)
		return EXPORT_CSV;
	if (strcmp(s, "adx") == 0)
		return EXPORT_ADX;
	return -1;
}

const char *export_content_type(enum export_format f)
{
	return f == EXPORT_CSV ? "text/csv; charset=utf-8" : f == EXPORT_ADX ? "application/adx+xml" : "application/json";
}

void period_iso_range(const struct period *p, char out[32])
{
	const char *length = p->kind == PERIOD_MONTH ? "P1M" : p->kind == PERIOD_FY_QUARTER ? "P3M" : "P1Y";
	snprintf(out, 32, "%04d-%02d-%02d/%s", p->from.y, p->from.m, p->from.d, length);
}

static const char SQL_AREAS_BELOW[] = "SELECT t.descendant FROM area_tree t JOIN areas a ON a.id = t.descendant"
				      " WHERE t.ancestor = ? ORDER BY t.descendant <> t.ancestor, a.is_leaf, a.name";

/* The area itself first, then (for a breakdown) everything below it. */
static int areas_of(struct db *db, struct arena *a, const char *area, bool breakdown, const char ***out)
{
	const char **list = arena_alloc(a, 32 * sizeof *list);
	int n = 0;
	struct db_stmt *st = db_query(db, SQL_AREAS_BELOW, "s", area);
	while (n < 32 && db_next(st))
		if (breakdown || n == 0)
			list[n++] = arena_strdup(a, db_col_text(st, 0));
	db_done(st);
	*out = list;
	return n;
}

static const char *text_of(json_t *v, struct arena *a)
{
	if (json_is_integer(v))
		return arena_printf(a, "%lld", (long long)json_integer_value(v));
	if (json_is_real(v)) {
		char text[32];
		double_text(json_real_value(v), text);
		return arena_strdup(a, text);
	}
	if (json_is_string(v))
		return json_string_value(v);
	if (json_is_true(v))
		return "true";
	if (json_is_false(v))
		return "false";
	return "";
}

static const char *const csv_columns[] = {"indicator", "outcome", "title", "unit", "period", "area", "value", "numerator",
					  "denominator", "suppressed", "baseline", "target", "status", "source", "note"};
static const char *const json_keys[] = {"id", "outcome", "title", "unit", "period", "area", "value", "numerator",
					"denominator", "suppressed", "baseline", "target", "status", "source", "note"};

/* What DHIS2 keeps beside a value: an external figure's source and note, or NULL. */
static const char *annotation_of(struct arena *a, const struct indicator *ind, const struct indicator_value *v)
{
	if (ind->kind != IND_EXTERNAL || v->source == NULL)
		return NULL;
	return v->note ? arena_printf(a, "Source: %s. Note: %s", v->source, v->note) : arena_printf(a, "Source: %s", v->source);
}

int indicators_export(struct db *db, struct arena *a, const struct period *p, const char *area, bool breakdown,
		      enum export_format f, int64_t now, struct buf *out)
{
	const char **areas;
	int nareas = areas_of(db, a, area, breakdown, &areas);
	if (nareas == 0)
		return -1;
	json_t *list = json_array();
	struct adx_group *groups = arena_alloc(a, (size_t)nareas * sizeof *groups);
	char iso[32];
	period_iso_range(p, iso);
	struct indicator_reads *reads = indicator_reads_new(db, a);
	for (int k = 0; k < nareas; k++) {
		struct indicator_ctx c;
		indicator_ctx_init(&c, reads, p, areas[k], now);
		struct adx_value *values = arena_alloc(a, (size_t)indicators_count * sizeof *values);
		int nvalues = 0;
		for (int i = 0; i < indicators_count; i++) {
			struct indicator_value v;
			indicator_compute(&indicators[i], &c, &v);
			json_array_append_new(list, indicator_json(&indicators[i], &c, &v));
			if (v.available && !v.suppressed)
				values[nvalues++] =
					(struct adx_value){indicators[i].id, v.value, annotation_of(a, &indicators[i], &v)};
		}
		groups[k] = (struct adx_group){areas[k], iso, values, nvalues};
	}
	int rc = 0;
	if (f == EXPORT_JSON) {
		char *s = json_dumps(list, JSON_COMPACT | JSON_ENSURE_ASCII | JSON_REAL_PRECISION(15));
		buf_puts(out, s);
		buf_putc(out, '\n');
		free(s);
	} else if (f == EXPORT_CSV) {
		csv_write_row(out, csv_columns, (int)ARRAY_LEN(csv_columns));
		size_t i;
		json_t *row;
		json_array_foreach(list, i, row)
		{
			const char *cells[ARRAY_LEN(json_keys)];
			const struct indicator *ind = indicator_find(json_string_value(json_object_get(row, "id")));
			for (size_t k = 0; k < ARRAY_LEN(json_keys); k++) {
				json_t *v = json_object_get(row, json_keys[k]);
				cells[k] = text_of(v, a);
				/* The value at its precision: a rate of 70% reads 70.0, as on the dashboard. */
				if (ind && json_is_number(v) && strcmp(json_keys[k], "value") == 0) {
					char text[32];
					indicator_number_text(ind, json_number_value(v), text);
					cells[k] = arena_strdup(a, text);
				}
			}
			csv_write_row(out, cells, (int)ARRAY_LEN(cells));
		}
	} else {
		char *doc = adx_document(groups, nareas, now);
		if (doc)
			buf_puts(out, doc);
		else
			rc = -1;
		free(doc);
	}
	json_decref(list);
	return rc;
}
