/* venues.c — kept venues: load, list, find by name and postcode, keep a session's venue, and turn a
 * chosen venue id into the details a session copies. */
#include "venues.h"

#include <string.h>

#include "db.h"
#include "html.h"
#include "sessions.h"
#include "util.h"
#include "valid.h"

#define VENUE_COLUMNS "id, name, address, postcode, access, area"
static const char SQL_VENUE[] = "SELECT " VENUE_COLUMNS " FROM venues WHERE id = ?";
static const char SQL_VENUES[] = "SELECT " VENUE_COLUMNS " FROM venues ORDER BY lower(name), postcode LIMIT ?";
/* The same expressions as the venues_identity index (018_venues.sql), so the lookup uses it. */
static const char SQL_FIND[] = "SELECT id FROM venues WHERE lower(trim(name)) = lower(trim(?1))"
			       " AND upper(replace(postcode, ' ', '')) = upper(replace(?2, ' ', ''))";
static const char SQL_NAMED[] = "SELECT id FROM venues WHERE lower(trim(name)) = lower(trim(?)) ORDER BY id LIMIT 1";
static const char SQL_ADD[] =
	"INSERT INTO venues (name, address, postcode, access, area, created_at) VALUES (trim(?), ?, trim(?), ?, ?, ?)";

static void from_row(struct db_stmt *st, struct arena *a, struct venue *v)
{
	v->id = db_col_int64(st, 0);
	v->name = arena_strdup(a, db_col_text(st, 1));
	v->address = arena_strdup(a, db_col_text(st, 2));
	v->postcode = arena_strdup(a, db_col_text(st, 3));
	v->access = arena_strdup(a, db_col_text(st, 4));
	v->area = arena_strdup(a, db_col_text(st, 5));
}

bool venues_load(struct db *db, struct arena *a, int64_t id, struct venue *v)
{
	memset(v, 0, sizeof *v);
	struct db_stmt *st = db_query(db, SQL_VENUE, "I", id);
	bool found = db_next(st);
	if (found)
		from_row(st, a, v);
	db_done(st);
	return found;
}

size_t venues_list(struct db *db, struct arena *a, struct venue **out)
{
	size_t n = 0, cap = 16;
	struct venue *list = arena_alloc(a, cap * sizeof *list);
	struct db_stmt *st = db_query(db, SQL_VENUES, "i", VENUES_LISTED_MAX);
	while (db_next(st)) {
		if (n == cap) {
			struct venue *more = arena_alloc(a, 2 * cap * sizeof *more);
			memcpy(more, list, n * sizeof *list);
			list = more, cap *= 2;
		}
		from_row(st, a, &list[n++]);
	}
	db_done(st);
	*out = list;
	return n;
}

int64_t venues_find(struct db *db, const char *name, const char *postcode)
{
	return db_int(db, 0, SQL_FIND, "ss", name, postcode);
}

int64_t venues_named(struct db *db, const char *name)
{
	return db_int(db, 0, SQL_NAMED, "s", name);
}

int64_t venues_keep(struct db *db, const char *name, const char *address, const char *postcode, const char *access,
		    const char *area, int64_t now)
{
	int64_t id = venues_find(db, name, postcode);
	if (id)
		return id;
	if (db_exec(db, SQL_ADD, "sssssI", name, address, postcode, access, area, now) != DB_OK)
		return 0;
	return db_last_id(db);
}

static bool blank(const char *s)
{
	return s == NULL || s[strspn(s, " \t")] == '\0';
}

const char *venues_choice_from(const struct session_input *in)
{
	const char *c = in->venue_choice;
	if (c && (strcmp(c, "saved") == 0 || strcmp(c, "new") == 0))
		return c;
	bool listed = !blank(in->venue_id), typed = !blank(in->venue_name);
	return listed && !typed ? "saved" : typed && !listed ? "new" : "";
}

void venues_resolve(struct db *db, struct arena *a, struct session_input *in, struct form_errors *fe)
{
	const char *choice = in->venue_choice;
	if (choice && strcmp(choice, "new") == 0)
		return;
	if (choice && *choice == '\0') {
		form_error(fe, "venue", "Choose a venue used before, or a new venue");
		return;
	}
	if (blank(in->venue_id)) {
		if (choice)
			form_error(fe, "venue_id", "Choose a venue from the list, or choose a new venue and enter its details");
		return;
	}
	int64_t id;
	struct venue v;
	if (!valid_id(in->venue_id, &id) || !venues_load(db, a, id, &v)) {
		form_error(fe, "venue_id", "Choose a venue from the list: there is no venue with that id");
		return;
	}
	in->venue_name = v.name;
	in->venue_address = v.address;
	in->venue_postcode = v.postcode;
	in->area = v.area;
	/* The API may give the session its own access notes; a form's are the new venue's, not these. */
	if (choice || blank(in->venue_access))
		in->venue_access = v.access;
}

json_t *venue_json(const struct venue *v)
{
	return json_pack("{s:I, s:s, s:s, s:s, s:s?, s:s}", "id", (json_int_t)v->id, "name", v->name, "address",
			 v->address, "postcode", v->postcode, "access", v->access, "area", v->area);
}
