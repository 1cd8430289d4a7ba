/* venues.c — kept venues: load, list, find by name and postcode, keep a session's venue, and turn a
 * chosen venue id into the details a session copies. */
#include "venues.h"

#include <string.h>

#include "db.h"
#include "audit.h"
#include "html.h"
#include "ref.h"
#include "sessions.h"
#include "util.h"
#include "valid.h"

#define VENUE_COLUMNS "id, name, address, postcode, access, area"
static const char SQL_VENUE[] = "SELECT " VENUE_COLUMNS " FROM venues WHERE id = ?";
static const char SQL_VENUES[] = "SELECT " VENUE_COLUMNS ", 0 FROM venues ORDER BY lower(name), postcode LIMIT ?";
static const char SQL_VENUES_TO_COME[] =
	"SELECT " VENUE_COLUMNS ", (SELECT count(*) FROM sessions s WHERE s.venue_id = venues.id"
	" AND s.status = 'scheduled' AND s.ends_at > ?1) FROM venues ORDER BY lower(name), postcode LIMIT ?2";
static const char SQL_SET[] = "UPDATE venues SET name = trim(?), address = ?, postcode = trim(?), access = ?, area = ?"
			      " WHERE id = ?";
static const char SQL_COUNT_TO_COME[] = "SELECT count(*) FROM sessions WHERE venue_id = ? AND status = 'scheduled'"
					" AND ends_at > ?";
static const char SQL_TO_COME[] = "SELECT id FROM sessions WHERE venue_id = ? AND status = 'scheduled' AND ends_at > ?"
				  " ORDER BY id";
/* The sessions' copies follow; access notes a session was given apart from its venue's stay. */
static const char SQL_SESSIONS_FOLLOW[] =
	"UPDATE sessions SET venue_name = trim(?1), venue_address = ?2, venue_postcode = trim(?3),"
	" venue_access = CASE WHEN coalesce(venue_access, '') = coalesce(?4, '') THEN ?5 ELSE venue_access END,"
	" area = CASE WHEN school_urn IS NULL THEN ?6 ELSE area END"
	" WHERE venue_id = ?7 AND status = 'scheduled' AND ends_at > ?8";
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

size_t venues_list(struct db *db, struct arena *a, bool to_come, struct venue **out)
{
	size_t n = 0, cap = 16;
	struct venue *list = arena_alloc(a, cap * sizeof *list);
	struct db_stmt *st = to_come ? db_query(db, SQL_VENUES_TO_COME, "Ii", now_utc(), VENUES_LISTED_MAX)
				     : db_query(db, SQL_VENUES, "i", VENUES_LISTED_MAX);
	while (db_next(st)) {
		if (n == cap) {
			struct venue *more = arena_alloc(a, 2 * cap * sizeof *more);
			memcpy(more, list, n * sizeof *list);
			list = more, cap *= 2;
		}
		from_row(st, a, &list[n]);
		list[n++].to_come = db_col_int64(st, 6);
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

int64_t venues_to_come(struct db *db, int64_t id)
{
	return db_int(db, 0, SQL_COUNT_TO_COME, "II", id, now_utc());
}

static const char *kept(const char *given, const char *had)
{
	return given ? given : had;
}

/* The sessions to come at venue id, as they are now; -1 if one could not be read. */
static int sessions_to_come(struct db *db, struct arena *a, int64_t id, int64_t now, struct session **out)
{
	int n = 0, cap = 8;
	int64_t *ids = arena_alloc(a, (size_t)cap * sizeof *ids);
	struct db_stmt *st = db_query(db, SQL_TO_COME, "II", id, now);
	while (db_next(st)) {
		if (n == cap) {
			int64_t *more = arena_alloc(a, 2 * (size_t)cap * sizeof *more);
			memcpy(more, ids, (size_t)n * sizeof *ids);
			ids = more, cap *= 2;
		}
		ids[n++] = db_col_int64(st, 0);
	}
	db_done(st);
	*out = arena_alloc(a, (size_t)(n ? n : 1) * sizeof **out);
	for (int i = 0; i < n; i++)
		if (!sessions_load(db, a, ids[i], &(*out)[i]))
			return -1;
	return n;
}

bool venues_save(struct db *db, struct arena *a, int64_t actor, int64_t id, const struct venue_input *given,
		 struct form_errors *fe, struct session **moved, int *nmoved)
{
	*moved = NULL;
	*nmoved = 0;
	struct venue old;
	if (!venues_load(db, a, id, &old)) {
		form_error(fe, "id", "There is no such venue");
		return false;
	}
	struct venue_input in = {kept(given->name, old.name), kept(given->address, old.address),
				 kept(given->postcode, old.postcode), kept(given->access, old.access),
				 kept(given->area, old.area)};
	if (blank(in.access))
		in.access = NULL;
	if (!valid_text(in.name, 200, false))
		form_error(fe, "name", "Enter the venue's name");
	if (!valid_text(in.address, 400, true))
		form_error(fe, "address", "Enter the venue's address");
	if (!valid_text(in.postcode, 10, false))
		form_error(fe, "postcode", "Enter the venue's postcode");
	if (in.access && !valid_text(in.access, 1000, true))
		form_error(fe, "access", "Access notes must be up to 1000 characters");
	if (!ref_area_exists(db, in.area, true))
		form_error(fe, "area", "Choose the district or unitary area of the venue");
	if (fe->n == 0) {
		int64_t same = venues_find(db, in.name, in.postcode);
		if (same && same != id)
			form_error(fe, "name", "Another venue has this name and postcode");
	}
	if (fe->n)
		return false;
	int64_t now = now_utc();
	if (db_begin(db) != DB_OK)
		return false;
	int n = sessions_to_come(db, a, id, now, moved);
	bool ok = n >= 0 && db_exec(db, SQL_SET, "sssssI", in.name, in.address, in.postcode, in.access, in.area, id) == DB_OK &&
		  db_exec(db, SQL_SESSIONS_FOLLOW, "ssssssII", in.name, in.address, in.postcode, old.access, in.access,
			  in.area, id, now) == DB_OK;
	if (ok)
		ok = audit(db, actor, "venue", arena_printf(a, "%lld", (long long)id), "update",
			   arena_printf(a, "%s, %s %s (%s)", old.name, old.address, old.postcode, old.area),
			   arena_printf(a, "%s, %s %s (%s)", in.name, in.address, in.postcode, in.area)) == 0;
	if (!ok || db_commit(db) != DB_OK) {
		db_rollback(db);
		*moved = NULL;
		return false;
	}
	*nmoved = n;
	return true;
}
