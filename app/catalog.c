/* catalog.c — the only reader of courses/ and campaigns/, and the only user of libxml2 for reading.
 * Hostile files are expected: no network, no DTDs (so no external entities and no entity bombs),
 * a size limit, and schema validation before anything is read from a document. */
#include "catalog.h"

#include <dirent.h>
#include <stdarg.h>
#include <libgen.h>
#include <libxml/parser.h>
#include <libxml/xmlschemas.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static struct catalog current;

struct errsink {
	struct buf *errors;
	const char *path;
	int count;
};

static void problem(struct errsink *s, int line, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static void problem(struct errsink *s, int line, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	buf_printf(s->errors, "%s:%d: ", s->path, line);
	buf_vprintf(s->errors, fmt, ap);
	buf_putc(s->errors, '\n');
	va_end(ap);
	s->count++;
}

static void on_xml_error(void *ctx, xmlErrorPtr e)
{
	struct errsink *s = ctx;
	char msg[512];
	snprintf(msg, sizeof msg, "%s", e->message ? e->message : "invalid XML");
	msg[strcspn(msg, "\n")] = '\0';
	problem(s, e->line, "%s", msg);
}

/* No file, URL or catalogue is ever fetched on a document's behalf. */
static xmlParserInputPtr no_external(const char *url, const char *id, xmlParserCtxtPtr ctxt)
{
	(void)id;
	(void)ctxt;
	(void)url;
	return NULL;
}

const char *catalog_root(void)
{
	static char root[PATH_MAX];
	const char *env = getenv("LANTERN_CATALOG_DIR");
	if (env && *env)
		return env;
	if (root[0])
		return root;
	char exe[PATH_MAX];
	ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);
	if (n <= 0)
		return ".";
	exe[n] = '\0';
	/* bin/lantern → the folder above bin/ */
	snprintf(root, sizeof root, "%s", dirname(dirname(exe)));
	return root;
}

/* Reads a whole file (up to the limit) so it can be screened before the parser sees it. */
static char *slurp(const char *path, size_t *len, struct errsink *s)
{
	FILE *f = fopen(path, "rb");
	if (f == NULL) {
		problem(s, 0, "cannot open the file");
		return NULL;
	}
	char *data = xmalloc(CATALOG_MAX_FILE + 1);
	*len = fread(data, 1, CATALOG_MAX_FILE + 1, f);
	fclose(f);
	if (*len > CATALOG_MAX_FILE) {
		problem(s, 0, "the file is larger than %d KiB", CATALOG_MAX_FILE >> 10);
		free(data);
		return NULL;
	}
	data[*len] = '\0';
	return data;
}

static int line_of(const char *data, const char *at)
{
	int line = 1;
	for (const char *p = data; p < at; p++)
		line += *p == '\n';
	return line;
}

/* Parses one file safely; NULL (with problems recorded) when it is not acceptable. */
static xmlDocPtr catalog_parse(const char *path, struct buf *errors, int *count)
{
	struct errsink s = {errors, path, 0};
	size_t len;
	char *data = slurp(path, &len, &s);
	xmlDocPtr doc = NULL;
	if (data == NULL)
		goto out;
	const char *dtd = strstr(data, "<!DOCTYPE");
	if (dtd == NULL)
		dtd = strstr(data, "<!ENTITY");
	if (dtd) {
		problem(&s, line_of(data, dtd), "a DOCTYPE or entity declaration is not allowed in catalogue files");
		goto out;
	}
	xmlSetExternalEntityLoader(no_external);
	xmlSetStructuredErrorFunc(&s, on_xml_error);
	doc = xmlReadMemory(data, (int)len, path, "UTF-8", XML_PARSE_NONET | XML_PARSE_NOCDATA);
	xmlSetStructuredErrorFunc(NULL, NULL);
	if (doc && (doc->intSubset || doc->extSubset)) {
		problem(&s, 1, "a DOCTYPE is not allowed in catalogue files");
		xmlFreeDoc(doc);
		doc = NULL;
	}
	if (doc == NULL && s.count == 0)
		problem(&s, 0, "not well-formed XML");
out:
	free(data);
	*count += s.count;
	return doc;
}

/* A compiled schema and the document it was read from (read with the same safe parser). */
struct schema {
	xmlDocPtr doc;
	xmlSchemaParserCtxtPtr parser;
	xmlSchemaPtr schema;
};

static bool schema_load(struct schema *sc, const char *xsd_path, struct buf *errors, int *count)
{
	memset(sc, 0, sizeof *sc);
	sc->doc = catalog_parse(xsd_path, errors, count);
	if (sc->doc == NULL)
		return false;
	struct errsink s = {errors, xsd_path, 0};
	xmlSetStructuredErrorFunc(&s, on_xml_error);
	sc->parser = xmlSchemaNewDocParserCtxt(sc->doc);
	sc->schema = sc->parser ? xmlSchemaParse(sc->parser) : NULL;
	xmlSetStructuredErrorFunc(NULL, NULL);
	if (sc->schema == NULL && s.count == 0)
		problem(&s, 0, "cannot compile the schema");
	*count += s.count;
	return sc->schema != NULL;
}

static void schema_free(struct schema *sc)
{
	xmlSchemaFree(sc->schema);
	xmlSchemaFreeParserCtxt(sc->parser);
	xmlFreeDoc(sc->doc);
}

/* Validates doc against the schema; returns the number of problems. */
static int catalog_validate(xmlDocPtr doc, const struct schema *sc, const char *path, struct buf *errors)
{
	struct errsink s = {errors, path, 0};
	xmlSchemaValidCtxtPtr vc = xmlSchemaNewValidCtxt(sc->schema);
	xmlSchemaSetValidStructuredErrors(vc, on_xml_error, &s);
	int rc = xmlSchemaValidateDoc(vc, doc);
	if (rc != 0 && s.count == 0)
		problem(&s, 0, "does not match the schema");
	xmlSchemaFreeValidCtxt(vc);
	return s.count;
}

/* Element text with runs of white space folded to one space, trimmed; malloc'd. */
static char *catalog_text(xmlNodePtr n)
{
	xmlChar *raw = xmlNodeGetContent(n);
	struct buf b = {0};
	bool space = false;
	for (const xmlChar *p = raw; p && *p; p++) {
		if (*p == ' ' || *p == '\n' || *p == '\t' || *p == '\r') {
			space = b.len > 0;
			continue;
		}
		if (space)
			buf_putc(&b, ' ');
		space = false;
		buf_putc(&b, (char)*p);
	}
	xmlFree(raw);
	return buf_take(&b);
}

static bool named(xmlNodePtr n, const char *name)
{
	return n->type == XML_ELEMENT_NODE && xmlStrcmp(n->name, (const xmlChar *)name) == 0;
}

static xmlNodePtr child(xmlNodePtr parent, const char *name)
{
	for (xmlNodePtr n = parent->children; n; n = n->next)
		if (named(n, name))
			return n;
	return NULL;
}

static char *child_text(xmlNodePtr parent, const char *name)
{
	xmlNodePtr n = child(parent, name);
	return n ? catalog_text(n) : NULL;
}

static int child_int(xmlNodePtr parent, const char *name)
{
	char *t = child_text(parent, name);
	int v = t ? (int)strtol(t, NULL, 10) : 0; /* already checked against the schema's integer type */
	free(t);
	return v;
}

static const char **list_of(xmlNodePtr parent, const char *item, int *n)
{
	const char **out = xcalloc(CATALOG_MAX_ITEMS, sizeof *out);
	*n = 0;
	for (xmlNodePtr c = parent ? parent->children : NULL; c && *n < CATALOG_MAX_ITEMS; c = c->next)
		if (named(c, item))
			out[(*n)++] = catalog_text(c);
	return out;
}

static char *attr(xmlNodePtr n, const char *name)
{
	xmlChar *v = xmlGetProp(n, (const xmlChar *)name);
	char *s = xstrdup(v ? (const char *)v : "");
	xmlFree(v);
	return s;
}

static void read_course(xmlNodePtr root, const char *id, struct course *c)
{
	memset(c, 0, sizeof *c);
	c->id = xstrdup(id);
	c->title = child_text(root, "title");
	c->audience = child_text(root, "audience");
	c->outcome = child_int(root, "outcome");
	c->duration_minutes = child_int(root, "duration-minutes");
	c->default_capacity = child_int(root, "default-capacity");
	c->refresher_months = child_int(root, "refresher-months");
	char *lived = child_text(root, "lived-experience-co-delivery");
	c->lived_experience = lived && (strcmp(lived, "true") == 0 || strcmp(lived, "1") == 0);
	free(lived);
	c->description = child_text(root, "description");
	c->learning_outcomes = list_of(child(root, "learning-outcomes"), "item", &c->nlearning);
	c->topics = list_of(child(root, "topics"), "topic", &c->ntopics);
	xmlNodePtr mods = child(root, "modules");
	c->modules = xcalloc(CATALOG_MAX_ITEMS, sizeof *c->modules);
	for (xmlNodePtr m = mods ? mods->children : NULL; m && c->nmodules < CATALOG_MAX_ITEMS; m = m->next) {
		if (!named(m, "module"))
			continue;
		struct module *mod = &c->modules[c->nmodules++];
		mod->id = attr(m, "id");
		mod->kind = attr(m, "kind");
		mod->title = child_text(m, "title");
		mod->description = child_text(m, "description");
		char *years = attr(m, "year-groups");
		char *save = NULL;
		for (char *tok = strtok_r(years, " \t\n", &save); tok && mod->nyears < 7; tok = strtok_r(NULL, " \t\n", &save))
			mod->year_groups[mod->nyears++] = (int)strtol(tok, NULL, 10);
		free(years);
	}
}

static bool has_suffix(const char *s, const char *suffix)
{
	size_t n = strlen(s), m = strlen(suffix);
	return n > m && strcmp(s + n - m, suffix) == 0;
}

static int by_name(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* Sorted *.xml names in dir (excluding the schema); caller frees each and the array. */
static char **catalog_list(const char *dir, int *n)
{
	*n = 0;
	DIR *d = opendir(dir);
	if (d == NULL)
		return NULL;
	int cap = 16;
	char **names = xcalloc((size_t)cap, sizeof *names);
	struct dirent *e;
	while ((e = readdir(d))) {
		if (e->d_name[0] == '.' || !has_suffix(e->d_name, ".xml"))
			continue;
		if (*n == cap)
			names = xrealloc(names, (size_t)(cap *= 2) * sizeof *names);
		names[(*n)++] = xstrdup(e->d_name);
	}
	closedir(d);
	qsort(names, (size_t)*n, sizeof *names, by_name);
	return names;
}

static int by_title(const void *a, const void *b)
{
	return strcmp(((const struct course *)a)->title, ((const struct course *)b)->title);
}

static int load_courses(const char *root, struct catalog *cat, struct buf *errors)
{
	char *dir = xasprintf("%s/courses", root);
	char *xsd = xasprintf("%s/course.xsd", dir);
	int problems = 0, n = 0;
	char **names = catalog_list(dir, &n);
	if (names == NULL) {
		buf_printf(errors, "%s:0: cannot read the folder\n", dir);
		problems++;
	}
	cat->courses = xcalloc((size_t)(n ? n : 1), sizeof *cat->courses);
	struct schema sc;
	/* Nothing can be checked without the schema. */
	int checkable = schema_load(&sc, xsd, errors, &problems) ? n : 0;
	for (int i = 0; i < checkable; i++) {
		char *path = xasprintf("%s/%s", dir, names[i]);
		char *stem = xstrndup(names[i], strlen(names[i]) - 4);
		struct errsink s = {errors, path, 0};
		int before = problems;
		xmlDocPtr doc = catalog_parse(path, errors, &problems);
		if (doc && (problems += catalog_validate(doc, &sc, path, errors)) == before) {
			bool valid_id = strlen(stem) <= 64 && strspn(stem, "abcdefghijklmnopqrstuvwxyz0123456789-") == strlen(stem);
			if (!valid_id) {
				problem(&s, 0, "the file name must be the course id: lower-case letters, digits and hyphens");
				problems++;
			} else {
				read_course(xmlDocGetRootElement(doc), stem, &cat->courses[cat->ncourses]);
				struct course *c = &cat->courses[cat->ncourses++];
				if (strcmp(c->audience, "pupils") == 0 && c->nmodules == 0) {
					problem(&s, 0, "a pupil programme must list its modules");
					problems++;
				}
			}
		}
		xmlFreeDoc(doc);
		free(stem);
		free(path);
	}
	schema_free(&sc);
	for (int i = 0; i < n; i++)
		free(names[i]);
	free(names);
	free(xsd);
	free(dir);
	qsort(cat->courses, (size_t)cat->ncourses, sizeof *cat->courses, by_title);
	return problems;
}

static void free_courses(struct catalog *cat)
{
	for (int i = 0; i < cat->ncourses; i++) {
		struct course *c = &cat->courses[i];
		free((char *)c->id);
		free((char *)c->title);
		free((char *)c->audience);
		free((char *)c->description);
		for (int k = 0; k < c->nlearning; k++)
			free((char *)c->learning_outcomes[k]);
		for (int k = 0; k < c->ntopics; k++)
			free((char *)c->topics[k]);
		free(c->learning_outcomes);
		free(c->topics);
		for (int k = 0; k < c->nmodules; k++) {
			free((char *)c->modules[k].id);
			free((char *)c->modules[k].kind);
			free((char *)c->modules[k].title);
			free((char *)c->modules[k].description);
		}
		free(c->modules);
	}
	free(cat->courses);
	memset(cat, 0, sizeof *cat);
}

int catalog_load(const char *root, struct buf *errors)
{
	struct catalog next = {0};
	int problems = load_courses(root, &next, errors);
	if (problems) {
		free_courses(&next);
		return problems;
	}
	free_courses(&current);
	current = next;
	return 0;
}

void catalog_free(void)
{
	free_courses(&current);
	xmlCleanupParser();
}

const struct catalog *catalog_get(void)
{
	return &current;
}

const struct course *catalog_course(const char *id)
{
	for (int i = 0; id && i < current.ncourses; i++)
		if (strcmp(current.courses[i].id, id) == 0)
			return &current.courses[i];
	return NULL;
}

const struct module *catalog_module(const struct course *c, const char *id)
{
	for (int i = 0; c && id && i < c->nmodules; i++)
		if (strcmp(c->modules[i].id, id) == 0)
			return &c->modules[i];
	return NULL;
}

bool course_is_pupil(const struct course *c)
{
	return c && strcmp(c->audience, "pupils") == 0;
}

bool module_suits(const struct module *m, int year_group)
{
	for (int i = 0; m && i < m->nyears; i++)
		if (m->year_groups[i] == year_group)
			return true;
	return false;
}
