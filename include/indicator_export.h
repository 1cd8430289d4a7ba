/* indicator_export.h — every figure for a period and area as JSON, CSV or ADX: the one export
 * behind the API, the dashboard's download links and `lantern indicators`. */
#ifndef LANTERN_INDICATOR_EXPORT_H
#define LANTERN_INDICATOR_EXPORT_H

#include <stdbool.h>
#include <stdint.h>

#include "period.h"
#include "util.h"

struct db;
struct arena;

enum export_format { EXPORT_JSON, EXPORT_CSV, EXPORT_ADX };

/* -1 for an unknown name ("json", "csv" or "adx") */
int export_format_parse(const char *s);
const char *export_content_type(enum export_format f);
/* The period as an ISO 8601 range, e.g. "2025-04-01/P3M", into out[32]. */
void period_iso_range(const struct period *p, char out[32]);

/* Appends the export to out. breakdown adds every area below the one asked for. 0 or -1. */
int indicators_export(struct db *db, struct arena *a, const struct period *p, const char *area, bool breakdown,
		      enum export_format f, int64_t now, struct buf *out);

#endif
