/* fuzz_catalog.c — libFuzzer target: the course and campaign loader (catalog.c) on one file given in
 * memory: the safe parse (no DTDs, no network), schema validation, and reading what passed. The first
 * byte picks a course, a campaign or help.xml; the rest is the file. The real catalogue (courses/ and
 * campaigns/ under LANTERN_CATALOG_DIR, or the working directory) supplies schemas, templates and the
 * help pages' languages. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include "catalog.h"
#include "util.h"

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char *root;

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	root = getenv("LANTERN_CATALOG_DIR");
	if (root == NULL)
		root = ".";
	struct buf errors = {0};
	if (catalog_load(root, &errors) != 0) {
		fprintf(stderr, "fuzz_catalog: the catalogue in %s does not load:\n%s", root, errors.data);
		abort();
	}
	buf_free(&errors);
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 1)
		return 0;
	static const char *const names[] = {"fuzz-course.xml", "fuzz-campaign.xml", "help.xml"};
	int kind = data[0] % 3;
	struct buf errors = {0};
	catalog_check_memory(root, kind != 0, names[kind], (const char *)data + 1, size - 1, &errors);
	buf_free(&errors);
	return 0;
}
