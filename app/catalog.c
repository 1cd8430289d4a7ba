/* catalog.c — the only reader of courses/ and campaigns/ (with its SVG print templates), and the only
 * user of libxml2 for reading. Hostile files are expected: no network, no DTDs (so no external
 * entities and no entity bombs), a size limit, and schema validation before anything is read from a
 * document. */
#include "catalog.h"

#include <dirent.h>
#include <stdarg.h>
#include <libgen.h>
#include <libxml/parser.h>
#include <libxml/xmlschemas.h>
#include <limits.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static struct catalog current;
/* Everything the campaign catalogue holds lives here and goes in one free. */
static struct arena *current_arena;

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

/* Parses one file safely, read from path or (given not NULL) from memory; NULL (with problems
 * recorded under path) when it is not acceptable. */
static xmlDocPtr catalog_parse(const char *path, const char *given, size_t given_len, struct buf *errors, int *count)
{
	struct errsink s = {errors, path, 0};
	size_t len = given_len;
	char *data = NULL;
	xmlDocPtr doc = NULL;
	if (given == NULL) {
		data = slurp(path, &len, &s);
	} else if (given_len > CATALOG_MAX_FILE) {
		problem(&s, 0, "the file is larger than %d KiB", CATALOG_MAX_FILE >> 10);
	} else {
		data = xmalloc(given_len + 1);
		memcpy(data, given, given_len);
		data[given_len] = '\0';
	}
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
	sc->doc = catalog_parse(xsd_path, NULL, 0, errors, count);
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

/* A file's stem is its id: lower-case letters, digits and hyphens. */
static bool valid_stem(const char *stem)
{
	return *stem && strlen(stem) <= 64 && strspn(stem, "abcdefghijklmnopqrstuvwxyz0123456789-") == strlen(stem);
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

static void list_free(char **names, int n)
{
	for (int i = 0; i < n; i++)
		free(names[i]);
	free(names);
}

static int by_title(const void *a, const void *b)
{
	return strcmp(((const struct course *)a)->title, ((const struct course *)b)->title);
}

/* Reads one course file (from path, or from data when not NULL) into the next of cat->courses. */
static void load_course(const char *path, const char *name, const char *data, size_t len, const struct schema *sc,
			struct catalog *cat, struct buf *errors, int *problems)
{
	char *stem = xstrndup(name, strlen(name) > 4 ? strlen(name) - 4 : 0);
	struct errsink s = {errors, path, 0};
	int before = *problems;
	xmlDocPtr doc = catalog_parse(path, data, len, errors, problems);
	if (doc && (*problems += catalog_validate(doc, sc, path, errors)) == before) {
		if (!valid_stem(stem)) {
			problem(&s, 0, "the file name must be the course id: lower-case letters, digits and hyphens");
			(*problems)++;
		} else {
			read_course(xmlDocGetRootElement(doc), stem, &cat->courses[cat->ncourses]);
			struct course *c = &cat->courses[cat->ncourses++];
			if (strcmp(c->audience, "pupils") == 0 && c->nmodules == 0) {
				problem(&s, 0, "a pupil programme must list its modules");
				(*problems)++;
			}
		}
	}
	xmlFreeDoc(doc);
	free(stem);
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
		load_course(path, names[i], NULL, 0, &sc, cat, errors, &problems);
		free(path);
	}
	schema_free(&sc);
	list_free(names, n);
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

/* ---- campaigns/: help.xml, one file per campaign, and their SVG print templates ---- */

/* Where a campaign file's reading stands: the arena everything is copied into and where problems go. */
struct reader {
	struct arena *arena;
	struct errsink *sink;
	int *problems;
};

static void reader_problem_at(struct reader *rd, int line, const char *fmt, const char *arg)
{
	problem(rd->sink, line, fmt, arg);
	(*rd->problems)++;
}

static void reader_problem(struct reader *rd, xmlNodePtr n, const char *fmt, const char *arg)
{
	reader_problem_at(rd, n ? (int)xmlGetLineNo(n) : 0, fmt, arg);
}

static const char *arena_text(struct reader *rd, xmlNodePtr n)
{
	char *t = n ? catalog_text(n) : NULL;
	const char *out = arena_strdup(rd->arena, t ? t : "");
	free(t);
	return out;
}

static const char *arena_child_text(struct reader *rd, xmlNodePtr parent, const char *name)
{
	return arena_text(rd, child(parent, name));
}

static const char *arena_attr(struct reader *rd, xmlNodePtr n, const char *name)
{
	char *v = attr(n, name);
	const char *out = arena_strdup(rd->arena, v);
	free(v);
	return out;
}

/* The texts of parent's <item> (or <p>) children, in the arena. */
static const char **arena_list(struct reader *rd, xmlNodePtr parent, const char *item, int *n)
{
	const char **out = arena_alloc(rd->arena, CATALOG_MAX_ITEMS * sizeof *out);
	*n = 0;
	for (xmlNodePtr c = parent ? parent->children : NULL; c && *n < CATALOG_MAX_ITEMS; c = c->next)
		if (named(c, item))
			out[(*n)++] = arena_text(rd, c);
	return out;
}

static struct service *read_services(struct reader *rd, xmlNodePtr parent, int *n)
{
	struct service *out = arena_alloc(rd->arena, CATALOG_MAX_ITEMS * sizeof *out);
	*n = 0;
	for (xmlNodePtr c = parent ? parent->children : NULL; c && *n < CATALOG_MAX_ITEMS; c = c->next) {
		if (!named(c, "service"))
			continue;
		out[(*n)++] = (struct service){arena_child_text(rd, c, "name"), arena_child_text(rd, c, "phone"),
					       arena_child_text(rd, c, "hours"), arena_child_text(rd, c, "for")};
	}
	return out;
}

/* help.xml <labels> children, in enum help_label order. */
static const char *const label_names[HL__MAX] = {
	"skip", "exit", "exit-activated", "exit-timed-out", "exit-press-two", "exit-press-one", "exit-hint",
	"signs-heading", "emergency-heading", "services-heading", "tracks-heading", "phone", "hours",
	"languages", "helpful", "yes", "no", "send", "thanks", "footer",
};

static void read_help(struct reader *rd, xmlNodePtr root, struct catalog *cat)
{
	int cap = 0;
	for (xmlNodePtr p = root->children; p; p = p->next)
		cap += named(p, "page");
	cat->help = arena_alloc(rd->arena, (size_t)(cap ? cap : 1) * sizeof *cat->help);
	for (xmlNodePtr p = root->children; p; p = p->next) {
		if (!named(p, "page"))
			continue;
		struct help_page *h = &cat->help[cat->nhelp++];
		h->lang = arena_attr(rd, p, "lang");
		h->dir = arena_attr(rd, p, "dir");
		h->language = arena_child_text(rd, p, "language");
		h->title = arena_child_text(rd, p, "title");
		h->intro = arena_list(rd, child(p, "intro"), "p", &h->nintro);
		h->signs = arena_list(rd, child(p, "signs"), "item", &h->nsigns);
		h->emergency = arena_list(rd, child(p, "emergency"), "p", &h->nemergency);
		h->tracks = arena_list(rd, child(p, "tracks"), "p", &h->ntracks);
		h->services = read_services(rd, child(p, "services"), &h->nservices);
		xmlNodePtr labels = child(p, "labels");
		for (int i = 0; i < HL__MAX; i++)
			h->labels[i] = arena_child_text(rd, labels, label_names[i]);
		/* English comes first: it is what every other language falls back to. */
		if (strcmp(h->lang, "en") == 0 && cat->nhelp > 1) {
			struct help_page en = *h;
			memmove(&cat->help[1], &cat->help[0], (size_t)(cat->nhelp - 1) * sizeof *cat->help);
			cat->help[0] = en;
		}
	}
	if (cat->nhelp == 0 || strcmp(cat->help[0].lang, "en") != 0)
		reader_problem(rd, root, "%s", "help.xml must have a page in English (lang=\"en\")");
}

static bool help_has(const struct catalog *cat, const char *lang)
{
	for (int i = 0; i < cat->nhelp; i++)
		if (strcmp(cat->help[i].lang, lang) == 0)
			return true;
	return false;
}

/* A print template's boxes are elements of this namespace; everything else in it is background. */
#define PRINT_NS "urn:lantern:print"
enum { PRINT_MAX_BOXES = 32 };

static bool in_print_ns(xmlNodePtr n)
{
	return n->ns && xmlStrcmp(n->ns->href, (const xmlChar *)PRINT_NS) == 0;
}

/* Refuses what has no place in a print template: what could act when the SVG is opened (scripts,
 * embedded HTML, event handlers, links to anything outside the file), words placed at fixed positions
 * (they would assume one font's widths: words go in boxes, which lantern fits), and boxes anywhere
 * but directly under the root (depth 1; the root is 0). */
static void template_screen(struct reader *rd, xmlNodePtr n, int depth)
{
	for (; n; n = n->next) {
		if (n->type != XML_ELEMENT_NODE)
			continue;
		if (named(n, "script") || named(n, "foreignObject"))
			reader_problem(rd, n, "<%s> is not allowed in a print template", (const char *)n->name);
		else if (named(n, "text") || named(n, "tspan") || named(n, "textPath") || named(n, "flowRoot"))
			reader_problem(rd, n, "<%s> is not allowed in a print template: words go in its boxes (<box xmlns=\""
				       PRINT_NS "\">), which lantern fits to their size", (const char *)n->name);
		else if (in_print_ns(n) && depth != 1)
			reader_problem(rd, n, "<%s> must be a child of the root <svg>", (const char *)n->name);
		for (xmlAttrPtr a = n->properties; a; a = a->next) {
			const char *name = (const char *)a->name;
			if (strncmp(name, "on", 2) == 0) {
				reader_problem(rd, n, "the event attribute %s is not allowed in a print template", name);
			} else if (strcmp(name, "href") == 0) {
				xmlChar *v = xmlNodeGetContent((xmlNodePtr)a);
				if (v == NULL || v[0] != '#')
					reader_problem(rd, n, "%s", "a print template may only link within itself (href=\"#...\")");
				xmlFree(v);
			}
		}
		template_screen(rd, n->children, depth + 1);
	}
}

/* A number attribute of a box from 0 up to a million; def when the attribute is absent and def >= 0. */
static bool number_attr(xmlNodePtr n, const char *name, double def, double *out)
{
	char *v = attr(n, name), *end;
	*out = *v ? strtod(v, &end) : def;
	bool ok = (*v ? *end == '\0' : def >= 0) && *out >= 0 && *out < 1e6;
	free(v);
	return ok;
}

/* One of the choices an attribute may take (the first when it is absent): its index, or -1. */
static int choice_attr(xmlNodePtr n, const char *name, const char *const *choices, int nchoices)
{
	char *v = attr(n, name);
	int found = *v ? -1 : 0;
	for (int i = 0; *v && i < nchoices; i++)
		if (strcmp(v, choices[i]) == 0)
			found = i;
	free(v);
	return found;
}

/* A colour attribute, #rrggbb; #0b0c0c (the house text colour) when absent. */
static bool colour_attr(xmlNodePtr n, const char *name, double rgb[3])
{
	char *v = attr(n, name);
	const char *hex = *v ? v : "#0b0c0c";
	bool ok = strlen(hex) == 7 && hex[0] == '#' && strspn(hex + 1, "0123456789abcdefABCDEF") == 6;
	for (int i = 0; ok && i < 3; i++) {
		char pair[3] = {hex[1 + 2 * i], hex[2 + 2 * i], '\0'};
		rgb[i] = (double)strtol(pair, NULL, 16) / 255.0;
	}
	free(v);
	return ok;
}

/* The root's viewBox, which must start at 0 0: the size of the user units boxes are given in. */
static bool read_view_box(xmlNodePtr root, double *w, double *h)
{
	char *v = attr(root, "viewBox"), *p = v;
	double n[4];
	int count = 0;
	for (; count < 4; count++) {
		p += strspn(p, " ,\t\n");
		char *end;
		n[count] = strtod(p, &end);
		if (end == p)
			break;
		p = end;
	}
	bool ok = count == 4 && p[strspn(p, " ,\t\n")] == '\0' && n[0] == 0 && n[1] == 0 && n[2] > 0 && n[3] > 0 &&
		  n[2] < 1e6 && n[3] < 1e6;
	*w = n[2];
	*h = n[3];
	free(v);
	return ok;
}

/* Reads a <box> or <address> of a template; false, with the problem recorded, when it is not right. */
static bool read_box(struct reader *rd, xmlNodePtr n, struct print_box *b)
{
	static const char *const weights[] = {"normal", "bold"}, *const aligns[] = {"start", "centre"},
			     *const services[] = {"stacked", "inline"};
	memset(b, 0, sizeof *b);
	b->address = named(n, "address");
	b->id = b->address ? "address" : arena_attr(rd, n, "id");
	int weight = choice_attr(n, "weight", weights, 2), align = choice_attr(n, "align", aligns, 2),
	    style = choice_attr(n, "services", services, 2);
	const char *wrong = NULL;
	if (!valid_stem(b->id))
		wrong = "give it an id of lower-case letters, digits and hyphens";
	else if (!number_attr(n, "x", -1, &b->x) || !number_attr(n, "y", -1, &b->y) ||
		 !number_attr(n, "width", -1, &b->width) || !number_attr(n, "height", -1, &b->height) ||
		 b->width <= 0 || b->height <= 0)
		wrong = "give it numeric x, y, width and height";
	else if (!number_attr(n, "size", -1, &b->size) || !number_attr(n, "min-size", -1, &b->min_size) ||
		 b->min_size <= 0 || b->min_size > b->size)
		wrong = "give it a size and a min-size (the smallest it may shrink to), with 0 < min-size <= size";
	else if (!number_attr(n, "phone-size", b->size, &b->phone_size) || b->phone_size <= 0 ||
		 !number_attr(n, "gap", 0.35, &b->gap) || b->gap > 5)
		wrong = "give phone-size as a positive number and gap (between paragraphs, in ems) from 0 to 5";
	else if (weight < 0 || align < 0 || style < 0)
		wrong = "weight is normal or bold, align start or centre, services stacked or inline";
	else if (!colour_attr(n, "colour", b->rgb))
		wrong = "give colour as #rrggbb";
	if (wrong) {
		reader_problem(rd, n, "%s", arena_printf(rd->arena, "box '%s': %s", b->id, wrong));
		return false;
	}
	b->bold = weight == 1;
	b->centred = align == 1;
	b->inline_services = style == 1;
	return true;
}

static bool overlap(double ax, double ay, double aw, double ah, double bx, double by, double bw, double bh)
{
	return ax < bx + bw && bx < ax + aw && ay < by + bh && by < ay + ah;
}

/* The boxes and the QR square lie inside the artwork and apart from one another: words never run
 * into each other or into the code. */
static void check_geometry(struct reader *rd, int qr_line, struct svg_template *t)
{
	const double w = t->width, h = t->height;
	if (t->qr_x + t->qr_size > w || t->qr_y + t->qr_size > h)
		reader_problem_at(rd, qr_line, "%s", "the QR code's square lies outside the viewBox");
	for (int i = 0; i < t->nboxes; i++) {
		const struct print_box *a = &t->boxes[i];
		if (a->x + a->width > w || a->y + a->height > h)
			reader_problem_at(rd, a->template_line, "box '%s' lies outside the viewBox", a->id);
		if (overlap(a->x, a->y, a->width, a->height, t->qr_x, t->qr_y, t->qr_size, t->qr_size))
			reader_problem_at(rd, a->template_line, "box '%s' overlaps the QR code's square", a->id);
		for (int k = i + 1; k < t->nboxes; k++) {
			const struct print_box *b = &t->boxes[k];
			if (strcmp(a->id, b->id) == 0)
				reader_problem_at(rd, b->template_line, "there are two boxes '%s'", a->id);
			else if (overlap(a->x, a->y, a->width, a->height, b->x, b->y, b->width, b->height))
				reader_problem_at(rd, b->template_line, "%s",
						  arena_printf(rd->arena, "boxes '%s' and '%s' overlap", a->id, b->id));
		}
	}
}

/* The template's <qr>, <box> and <address> elements, read into t and taken out of the document; the
 * line of the <qr>. */
static int read_boxes(struct reader *rd, xmlNodePtr root, struct svg_template *t)
{
	int qr_line = 0;
	t->boxes = arena_alloc(rd->arena, PRINT_MAX_BOXES * sizeof *t->boxes);
	int nqr = 0;
	for (xmlNodePtr n = root->children, next; n; n = next) {
		next = n->next;
		if (n->type != XML_ELEMENT_NODE || !in_print_ns(n))
			continue;
		if (named(n, "qr")) {
			if (!number_attr(n, "x", -1, &t->qr_x) || !number_attr(n, "y", -1, &t->qr_y) ||
			    !number_attr(n, "size", -1, &t->qr_size) || t->qr_size <= 0)
				reader_problem(rd, n, "%s", "give the QR code's square numeric x, y and size");
			qr_line = (int)xmlGetLineNo(n);
			nqr++;
		} else if ((named(n, "box") || named(n, "address")) && t->nboxes < PRINT_MAX_BOXES) {
			if (read_box(rd, n, &t->boxes[t->nboxes]))
				t->boxes[t->nboxes++].template_line = (int)xmlGetLineNo(n);
		} else {
			reader_problem(rd, n, "<%s> is not a print box: use <box>, <address> or <qr>, at most 32", (const char *)n->name);
		}
		xmlUnlinkNode(n);
		xmlFreeNode(n);
	}
	if (nqr != 1)
		reader_problem(rd, root, "%s", "mark the QR code's place with one <qr x=\"\" y=\"\" size=\"\"/> (xmlns=\"" PRINT_NS "\")");
	return qr_line;
}

/* Reads campaigns/templates/NAME: safe parse, screening, its viewBox, its boxes and their geometry,
 * then the serialised background. */
static void read_template(struct reader *rd, const char *dir, const char *name, xmlNodePtr from,
			  struct svg_template *t)
{
	char *path = xasprintf("%s/templates/%s", dir, name);
	struct errsink s = {rd->sink->errors, path, 0};
	struct reader trd = {rd->arena, &s, rd->problems};
	xmlDocPtr doc = catalog_parse(path, NULL, 0, rd->sink->errors, rd->problems);
	xmlNodePtr root = doc ? xmlDocGetRootElement(doc) : NULL;
	if (doc == NULL) {
		reader_problem(rd, from, "the print template %s cannot be read", name);
		goto out;
	}
	if (root == NULL || !named(root, "svg") || root->ns == NULL ||
	    xmlStrcmp(root->ns->href, (const xmlChar *)"http://www.w3.org/2000/svg") != 0) {
		reader_problem(&trd, root, "%s", "a print template must be an SVG document (<svg xmlns=\"http://www.w3.org/2000/svg\">)");
		goto out;
	}
	int before = *rd->problems;
	template_screen(&trd, root, 0);
	int screened = *rd->problems;
	if (!read_view_box(root, &t->width, &t->height))
		reader_problem(&trd, root, "%s", "give the template a viewBox=\"0 0 WIDTH HEIGHT\": boxes are placed in its units");
	int qr_line = read_boxes(&trd, root, t);
	if (*rd->problems == screened)
		check_geometry(&trd, qr_line, t);
	if (*rd->problems != before)
		goto out;
	xmlBufferPtr b = xmlBufferCreate();
	xmlNodeDump(b, doc, root, 0, 0);
	t->svg = arena_strdup(rd->arena, (const char *)xmlBufferContent(b));
	xmlBufferFree(b);
out:
	xmlFreeDoc(doc);
	free(path);
}

static struct print_box *template_box(struct svg_template *t, const char *id)
{
	for (int i = 0; i < t->nboxes; i++)
		if (strcmp(t->boxes[i].id, id) == 0)
			return &t->boxes[i];
	return NULL;
}

static const struct service *landing_service(const struct landing *l, const char *name)
{
	for (int i = 0; l && i < l->nservices; i++)
		if (strcmp(l->services[i].name, name) == 0)
			return &l->services[i];
	return NULL;
}

/* The words of one <print><box>: its paragraphs, items and services (named as on the landing page in
 * the material's language, l). */
static void read_box_words(struct reader *rd, xmlNodePtr words, const struct landing *l, struct print_box *box)
{
	struct print_block *blocks = arena_alloc(rd->arena, CATALOG_MAX_ITEMS * sizeof *blocks);
	int n = 0;
	for (xmlNodePtr c = words->children; c && n < CATALOG_MAX_ITEMS; c = c->next) {
		if (c->type != XML_ELEMENT_NODE)
			continue;
		struct print_block *b = &blocks[n++];
		b->line = (int)xmlGetLineNo(c);
		b->text = arena_text(rd, c);
		b->kind = named(c, "item") ? PRINT_ITEM : named(c, "service") ? PRINT_SERVICE : PRINT_PARAGRAPH;
		if (b->kind == PRINT_SERVICE && l && (b->service = landing_service(l, b->text)) == NULL)
			reader_problem(rd, c, "%s", arena_printf(rd->arena, "the %s landing page has no service named '%s'",
								 l->lang, b->text));
	}
	box->blocks = blocks;
	box->nblocks = n;
	box->line = (int)xmlGetLineNo(words);
}

/* A material's <print>: the words for each box of its template, every box but the address given. */
static void read_print(struct reader *rd, xmlNodePtr m, const struct landing *l, struct material *mat)
{
	struct svg_template *t = &mat->tpl;
	xmlNodePtr print = child(m, "print");
	for (xmlNodePtr w = print ? print->children : NULL; w; w = w->next) {
		if (!named(w, "box"))
			continue;
		const char *id = arena_attr(rd, w, "id");
		struct print_box *box = template_box(t, id);
		if (box == NULL)
			reader_problem(rd, w, "%s", arena_printf(rd->arena, "the template %s has no box '%s'", mat->template_name, id));
		else if (box->address)
			reader_problem(rd, w, "%s", "the address box holds the placement's web address: it takes no words");
		else
			read_box_words(rd, w, l, box);
	}
	for (int i = 0; i < t->nboxes; i++)
		if (!t->boxes[i].address && t->boxes[i].nblocks == 0)
			reader_problem(rd, print ? print : m, "%s",
				       arena_printf(rd->arena, "no words for the template's box '%s': add <box id=\"%s\">",
						    t->boxes[i].id, t->boxes[i].id));
}

static struct landing *read_landings(struct reader *rd, xmlNodePtr root, const struct catalog *cat, int *n)
{
	struct landing *out = arena_alloc(rd->arena, CATALOG_MAX_ITEMS * sizeof *out);
	*n = 0;
	for (xmlNodePtr l = root->children; l && *n < CATALOG_MAX_ITEMS; l = l->next) {
		if (!named(l, "landing"))
			continue;
		struct landing *p = &out[(*n)++];
		p->lang = arena_attr(rd, l, "lang");
		p->dir = arena_attr(rd, l, "dir");
		p->title = arena_child_text(rd, l, "title");
		p->intro = arena_list(rd, child(l, "intro"), "p", &p->nintro);
		p->messages = arena_list(rd, child(l, "messages"), "item", &p->nmessages);
		p->services = read_services(rd, child(l, "services"), &p->nservices);
		if (!help_has(cat, p->lang))
			reader_problem(rd, l, "help.xml has no page in %s: add it there first", p->lang);
		if (strcmp(p->lang, "en") == 0 && *n > 1) {
			struct landing en = *p;
			memmove(&out[1], &out[0], (size_t)(*n - 1) * sizeof *out);
			out[0] = en;
		}
	}
	if (*n == 0 || strcmp(out[0].lang, "en") != 0)
		reader_problem(rd, root, "%s", "a campaign needs a landing page in English (lang=\"en\")");
	return out;
}

static void read_campaign(struct reader *rd, const char *dir, xmlNodePtr root, const char *id,
			  const struct catalog *cat, struct campaign *c)
{
	memset(c, 0, sizeof *c);
	c->id = arena_strdup(rd->arena, id);
	c->title = arena_child_text(rd, root, "title");
	c->starts = arena_child_text(rd, root, "starts");
	c->ends = arena_child_text(rd, root, "ends");
	c->summary = arena_child_text(rd, root, "summary");
	if (strcmp(c->starts, c->ends) > 0)
		reader_problem(rd, child(root, "ends"), "the campaign ends (%s) before it starts", c->ends);
	c->partners = arena_list(rd, child(root, "partners"), "partner", &c->npartners);
	c->audiences = arena_list(rd, child(root, "audiences"), "audience", &c->naudiences);
	c->key_messages = arena_list(rd, child(root, "key-messages"), "item", &c->nkey_messages);
	c->landings = read_landings(rd, root, cat, &c->nlandings);
	xmlNodePtr mats = child(root, "materials");
	c->materials = arena_alloc(rd->arena, CATALOG_MAX_ITEMS * sizeof *c->materials);
	for (xmlNodePtr m = mats ? mats->children : NULL; m && c->nmaterials < CATALOG_MAX_ITEMS; m = m->next) {
		if (!named(m, "material"))
			continue;
		struct material *mat = &c->materials[c->nmaterials++];
		memset(mat, 0, sizeof *mat);
		mat->id = arena_attr(rd, m, "id");
		mat->kind = arena_attr(rd, m, "kind");
		mat->lang = arena_attr(rd, m, "lang");
		mat->template_name = arena_attr(rd, m, "template");
		mat->title = arena_child_text(rd, m, "title");
		mat->description = arena_child_text(rd, m, "description");
		mat->file = arena_strdup(rd->arena, rd->sink->path);
		mat->line = (int)xmlGetLineNo(m);
		const struct landing *l = campaign_landing(c, mat->lang);
		if (l == NULL)
			reader_problem(rd, m, "the campaign has no landing page in %s for this material", mat->lang);
		read_template(rd, dir, mat->template_name, m, &mat->tpl);
		if (mat->tpl.svg)
			read_print(rd, m, l, mat);
	}
}

static int by_start_desc(const void *a, const void *b)
{
	const struct campaign *x = a, *y = b;
	int c = strcmp(y->starts, x->starts);
	return c ? c : strcmp(x->id, y->id);
}

/* Reads one file of campaigns/ (from the folder, or from data when not NULL): validated, then help.xml
 * as the help pages, any other as a campaign. */
static void load_campaign_file(const char *dir, const char *name, const char *data, size_t len,
			       const struct schema *sc, struct catalog *cat, struct arena *arena, struct buf *errors,
			       int *problems)
{
	char *path = xasprintf("%s/%s", dir, name);
	char *stem = xstrndup(name, strlen(name) > 4 ? strlen(name) - 4 : 0);
	struct errsink s = {errors, path, 0};
	struct reader rd = {arena, &s, problems};
	int before = *problems;
	xmlDocPtr doc = catalog_parse(path, data, len, errors, problems);
	if (doc == NULL || (*problems += catalog_validate(doc, sc, path, errors)) != before)
		goto out;
	xmlNodePtr root = xmlDocGetRootElement(doc);
	bool is_help = strcmp(stem, "help") == 0;
	if (is_help != named(root, "help")) {
		reader_problem(&rd, root, "%s", is_help ? "help.xml must hold <help>" : "only help.xml may hold <help>");
	} else if (is_help) {
		read_help(&rd, root, cat);
	} else if (!valid_stem(stem)) {
		reader_problem(&rd, NULL, "%s", "the file name must be the campaign id: lower-case letters, digits and hyphens");
	} else {
		read_campaign(&rd, dir, root, stem, cat, &cat->campaigns[cat->ncampaigns++]);
	}
out:
	xmlFreeDoc(doc);
	free(stem);
	free(path);
}

static int load_campaigns(const char *root, struct catalog *cat, struct arena *arena, struct buf *errors)
{
	char *dir = xasprintf("%s/campaigns", root);
	char *xsd = xasprintf("%s/campaign.xsd", dir);
	int problems = 0, n = 0;
	char **names = catalog_list(dir, &n);
	if (names == NULL) {
		buf_printf(errors, "%s:0: cannot read the folder\n", dir);
		problems++;
	}
	cat->campaigns = arena_alloc(arena, (size_t)(n ? n : 1) * sizeof *cat->campaigns);
	struct schema sc;
	if (schema_load(&sc, xsd, errors, &problems)) {
		/* help.xml first: campaigns are checked against its languages. */
		bool have_help = false;
		for (int i = 0; i < n; i++)
			if (strcmp(names[i], "help.xml") == 0) {
				load_campaign_file(dir, names[i], NULL, 0, &sc, cat, arena, errors, &problems);
				have_help = true;
			}
		if (!have_help) {
			buf_printf(errors, "%s/help.xml:0: the general help page is missing\n", dir);
			problems++;
		}
		for (int i = 0; have_help && i < n; i++)
			if (strcmp(names[i], "help.xml") != 0)
				load_campaign_file(dir, names[i], NULL, 0, &sc, cat, arena, errors, &problems);
	}
	schema_free(&sc);
	list_free(names, n);
	free(xsd);
	free(dir);
	qsort(cat->campaigns, (size_t)cat->ncampaigns, sizeof *cat->campaigns, by_start_desc);
	return problems;
}

int catalog_load(const char *root, struct buf *errors)
{
	struct catalog next = {0};
	struct arena *arena = arena_new();
	int problems = load_courses(root, &next, errors);
	problems += load_campaigns(root, &next, arena, errors);
	if (problems) {
		free_courses(&next);
		arena_free(arena);
		return problems;
	}
	free_courses(&current);
	arena_free(current_arena);
	current = next;
	current_arena = arena;
	return 0;
}

int catalog_check_memory(const char *root, bool campaign, const char *name, const char *data, size_t len,
			 struct buf *errors)
{
	/* Compiled once: this runs many times a second under a fuzzer. */
	static struct schema schemas[2];
	static bool loaded[2];
	int k = campaign ? 1 : 0, problems = 0;
	char *dir = xasprintf("%s/%s", root, campaign ? "campaigns" : "courses");
	if (!loaded[k]) {
		char *xsd = xasprintf("%s/%s", dir, campaign ? "campaign.xsd" : "course.xsd");
		loaded[k] = schema_load(&schemas[k], xsd, errors, &problems);
		free(xsd);
	}
	if (loaded[k] && !campaign) {
		struct catalog one = {.courses = xcalloc(1, sizeof *one.courses)};
		char *path = xasprintf("%s/%s", dir, name);
		load_course(path, name, data, len, &schemas[k], &one, errors, &problems);
		free(path);
		free_courses(&one);
	} else if (loaded[k]) {
		/* Campaigns are checked against the help pages in force (their languages); help.xml reads its own. */
		struct arena *arena = arena_new();
		bool help = strcmp(name, "help.xml") == 0;
		struct catalog one = {.campaigns = arena_alloc(arena, sizeof *one.campaigns),
				      .help = help ? NULL : current.help, .nhelp = help ? 0 : current.nhelp};
		load_campaign_file(dir, name, data, len, &schemas[k], &one, arena, errors, &problems);
		arena_free(arena);
	}
	free(dir);
	return problems;
}

void catalog_free(void)
{
	free_courses(&current);
	arena_free(current_arena);
	current_arena = NULL;
	memset(&current, 0, sizeof current);
	xmlCleanupParser();
}

const struct catalog *catalog_get(void)
{
	return &current;
}

/* The element of items (n structs of size bytes) whose string member at offset equals key, or NULL:
 * every catalogue lookup is by an id or a language code. */
static const void *find(const void *items, int n, size_t size, size_t offset, const char *key)
{
	for (int i = 0; items && key && i < n; i++) {
		const char *at = (const char *)items + (size_t)i * size;
		if (strcmp(*(const char *const *)(at + offset), key) == 0)
			return at;
	}
	return NULL;
}
#define FIND(items, n, member, key) find((items), (n), sizeof *(items), offsetof(__typeof__(*(items)), member), (key))

const struct course *catalog_course(const char *id)
{
	return FIND(current.courses, current.ncourses, id, id);
}

const struct module *catalog_module(const struct course *c, const char *id)
{
	return c ? FIND(c->modules, c->nmodules, id, id) : NULL;
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

const struct campaign *catalog_campaign(const char *id)
{
	return FIND(current.campaigns, current.ncampaigns, id, id);
}

const struct material *campaign_material(const struct campaign *c, const char *id)
{
	return c ? FIND(c->materials, c->nmaterials, id, id) : NULL;
}

const struct landing *campaign_landing(const struct campaign *c, const char *lang)
{
	return c ? FIND(c->landings, c->nlandings, lang, lang) : NULL;
}

const struct help_page *catalog_help(const char *lang)
{
	return FIND(current.help, current.nhelp, lang, lang);
}
