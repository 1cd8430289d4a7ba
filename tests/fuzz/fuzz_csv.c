/* fuzz_csv.c — libFuzzer target: the CSV reader (csv.c) over any bytes, the writer's round trip of
 * what it read, and the schools import (schools_import_run: every row checked, then all written or
 * none) against an in-memory database. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "csv.h"
#include "db.h"
#include "schools_import.h"
#include "util.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static struct db *db;

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (db == NULL) {
		db = db_open(":memory:", true);
		if (db == NULL || db_migrate(db) != 0)
			abort();
	}
	const char *text = (const char *)data;
	struct csv c;
	struct csv_row row;
	struct buf written = {0};
	csv_open(&c, text, size);
	enum csv_status st;
	while ((st = csv_read(&c, &row)) != CSV_END) {
		if (st == CSV_BAD) {
			if (row.error == NULL)
				abort();
			continue;
		}
		if (row.nfields < 1 || row.nfields > CSV_MAX_FIELDS)
			abort();
		csv_write_row(&written, row.field, row.nfields);
	}
	csv_close(&c);
	buf_free(&written);
	struct schools_import res;
	schools_import_run(db, 0, text, size, &res, NULL, NULL);
	if (res.bad == 0 && res.added + res.updated != res.rows)
		abort();
	buf_free(&res.report);
	db_request_end(db);
	return 0;
}
