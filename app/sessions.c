/* sessions.c — the session model: load with counts and trainers, status, the API shape, and the
 * one validation and save path used by the web pages and the API. */
#include "sessions.h"

#include <stdlib.h>
#include <string.h>

#include "audit.h"
#include "auth.h"
#include "catalog.h"
#include "db.h"
#include "disclosure.h"
#include "ref.h"
#include "valid.h"
#include "venues.h"

static const char SQL_SESSION[] = "SELECT " SESSION_COLUMNS " FROM sessions s WHERE id = ?";

int sessions_from_row(struct db_stmt *st, struct arena *a, struct session *s)
{
	memset(s, 0, sizeof *s);
	int c = 0;
	s->id = db_col_int64(st, c++);
	s->course_id = arena_strdup(a, db_col_text(st, c++));
	s->module_id = arena_strdup(a, db_col_text(st, c++));
	s->starts_at = db_col_int64(st, c++);
	s->ends_at = db_col_int64(st, c++);
	s->capacity = db_col_int(st, c++);
	s->venue_name = arena_strdup(a, db_col_text(st, c++));
	s->venue_address = arena_strdup(a, db_col_text(st, c++));
	s->venue_postcode = arena_strdup(a, db_col_text(st, c++));
	s->venue_room = arena_strdup(a, db_col_text(st, c++));
	s->venue_access = arena_strdup(a, db_col_text(st, c++));
	s->area = arena_strdup(a, db_col_text(st, c++));
	s->booking_opens_at = db_col_int64(st, c++);
	s->booking_closes_at = db_col_int64(st, c++);
	s->cancel_cutoff_at = db_col_int64(st, c++);
	s->reserved_sector = arena_strdup(a, db_col_text(st, c++));
	s->reserved_places = db_col_int(st, c++);
	s->reserved_until = db_col_int64(st, c++);
	s->school_urn = arena_strdup(a, db_col_text(st, c++));
	s->year_group = db_col_int(st, c++);
	s->pupils_expected = db_col_int(st, c++);
	s->status = arena_strdup(a, db_col_text(st, c++));
	s->booked = db_col_int(st, c++);
	s->waitlisted = db_col_int(st, c++);
	s->reserved_booked = db_col_int(st, c++);
	s->reserve_released_at = db_col_int64(st, c++);
	s->venue_id = db_col_int64(st, c++);
	return c;
}

/* The trainers of every session starting in a window: a list in start order covers its own window, so
 * one statement serves the whole list (a statement per session is a round trip each on PostgreSQL). */
static const char SQL_TRAINERS_WINDOW[] =
	"SELECT t.session_id, u.id, u.email, u.name FROM sessions s JOIN session_trainers t ON t.session_id = s.id"
	" JOIN users u ON u.id = t.user_id WHERE s.starts_at >= ? AND s.starts_at <= ? ORDER BY t.session_id, u.name";

struct by_id {
	int64_t id;
	struct session *s;
};

static int by_id_order(const void *a, const void *b)
{
	int64_t x = ((const struct by_id *)a)->id, y = ((const struct by_id *)b)->id;
	return (x > y) - (x < y);
}

void sessions_load_trainers_list(struct db *db, struct arena *a, struct session *list, int n)
{
	if (n <= 0)
		return;
	struct by_id *index = arena_alloc(a, (size_t)n * sizeof *index);
	int64_t from = list[0].starts_at, to = list[0].starts_at;
	for (int i = 0; i < n; i++) {
		list[i].ntrainers = 0;
		index[i] = (struct by_id){list[i].id, &list[i]};
		from = list[i].starts_at < from ? list[i].starts_at : from;
		to = list[i].starts_at > to ? list[i].starts_at : to;
	}
	qsort(index, (size_t)n, sizeof *index, by_id_order);
	struct db_stmt *st = db_query(db, SQL_TRAINERS_WINDOW, "II", from, to);
	while (db_next(st)) {
		struct by_id key = {.id = db_col_int64(st, 0)};
		struct by_id *hit = bsearch(&key, index, (size_t)n, sizeof *index, by_id_order);
		if (hit == NULL || hit->s->ntrainers >= SESSION_MAX_TRAINERS)
			continue; /* a session in the window the list left out */
		struct session *s = hit->s;
		s->trainer_ids[s->ntrainers] = db_col_int64(st, 1);
		s->trainer_emails[s->ntrainers] = arena_strdup(a, db_col_text(st, 2));
		s->trainer_names[s->ntrainers] = arena_strdup(a, db_col_text(st, 3));
		s->ntrainers++;
	}
	db_done(st);
}

void sessions_load_trainers(struct db *db, struct arena *a, struct session *s)
{
	sessions_load_trainers_list(db, a, s, 1);
}

bool sessions_find(struct db *db, struct arena *a, int64_t id, struct session *s)
{
	struct db_stmt *st = db_query(db, SQL_SESSION, "I", id);
	if (!db_next(st)) {
		memset(s, 0, sizeof *s);
		return false;
	}
	sessions_from_row(st, a, s);
	db_done(st);
	return true;
}

bool sessions_load(struct db *db, struct arena *a, int64_t id, struct session *s)
{
	if (!sessions_find(db, a, id, s))
		return false;
	sessions_load_trainers(db, a, s);
	return true;
}

const char *session_status(const struct session *s, int64_t now)
{
	if (strcmp(s->status, "cancelled") == 0)
		return "cancelled";
	return s->ends_at <= now ? "delivered" : "scheduled";
}

bool session_is_trainer(const struct session *s, int64_t user_id)
{
	for (int i = 0; i < s->ntrainers; i++)
		if (s->trainer_ids[i] == user_id)
			return true;
	return false;
}

bool session_reserve_active(const struct session *s, int64_t now)
{
	return s->reserved_sector && s->reserved_places > 0 && (s->reserved_until == 0 || now < s->reserved_until);
}

int session_places_held(const struct session *s, int64_t now)
{
	if (!session_reserve_active(s, now))
		return 0;
	int held = s->reserved_places - s->reserved_booked;
	return held > 0 ? held : 0;
}

int session_places_for(const struct session *s, const char *sector, int64_t now)
{
	int left = s->capacity - s->booked;
	if (!(sector && s->reserved_sector && strcmp(sector, s->reserved_sector) == 0))
		left -= session_places_held(s, now);
	return left > 0 ? left : 0;
}

const char *sessions_viewer_sector(const struct user *u)
{
	return u && u->role == ROLE_PRACTITIONER && u->org_id != 0 ? u->sector : NULL;
}

const char *session_title(const struct session *s, bool show_course_name)
{
	const struct course *c = catalog_course(s->course_id);
	if (!show_course_name || c == NULL)
		return "Training session";
	return c->title;
}

const char *session_course_title(struct arena *a, const struct session *s)
{
	const struct course *c = catalog_course(s->course_id);
	if (c == NULL)
		return s->course_id;
	const struct module *m = catalog_module(c, s->module_id);
	return m ? arena_printf(a, "%s: %s", c->title, m->title) : c->title;
}

const char *session_when_text(struct arena *a, int64_t start, int64_t end)
{
	char from[80], to[80], d1[40], d2[40];
	time_human(start, from, sizeof from);
	time_human(end, to, sizeof to);
	date_human(start, d1, sizeof d1);
	date_human(end, d2, sizeof d2);
	const char *end_text = to;
	const char *comma = strrchr(to, ',');
	if (strcmp(d1, d2) == 0 && comma)
		end_text = comma + 2;
	return arena_printf(a, "%s to %s", from, end_text);
}

static json_t *time_json(int64_t t)
{
	if (t == 0)
		return json_null();
	char iso[32];
	time_iso_local(t, iso);
	return json_string(iso);
}

json_t *session_json(const struct session *s, int64_t now, const char *viewer_sector)
{
	json_t *trainers = json_array();
	for (int i = 0; i < s->ntrainers; i++)
		json_array_append_new(trainers, json_string(s->trainer_emails[i]));
	const struct course *c = catalog_course(s->course_id);
	json_t *j = json_pack("{s:I, s:s, s:s?, s:s?, s:o, s:o, s:i, s:s, s:{s:s, s:s, s:s, s:s?, s:s?, s:s}, s:o,"
			      " s:i, s:i, s:i}",
			      "id", (json_int_t)s->id, "course", s->course_id, "course_title", c ? c->title : NULL,
			      "module", s->module_id, "starts_at", time_json(s->starts_at), "ends_at",
			      time_json(s->ends_at), "capacity", s->capacity, "status", session_status(s, now), "venue",
			      "name", s->venue_name, "address", s->venue_address, "postcode", s->venue_postcode, "room",
			      s->venue_room, "access", s->venue_access, "area", s->area, "trainers", trainers,
			      "seats_left", session_places_for(s, viewer_sector, now), "booked", s->booked, "waitlisted", s->waitlisted);
	if (s->venue_id)
		json_object_set_new(json_object_get(j, "venue"), "id", json_integer(s->venue_id));
	json_object_set_new(j, "school", s->school_urn ? json_string(s->school_urn) : json_null());
	json_object_set_new(j, "year_group", s->year_group ? json_integer(s->year_group) : json_null());
	json_object_set_new(j, "pupils_expected", s->pupils_expected >= 0 ? json_integer(s->pupils_expected) : json_null());
	json_object_set_new(j, "booking_opens_at", time_json(s->booking_opens_at));
	json_object_set_new(j, "booking_closes_at", time_json(s->booking_closes_at));
	json_object_set_new(j, "cancel_cutoff_at", time_json(s->cancel_cutoff_at));
	if (s->reserved_sector)
		json_object_set_new(j, "reserved", json_pack("{s:s, s:i, s:o, s:i}", "sector", s->reserved_sector, "places",
							     s->reserved_places, "until", time_json(s->reserved_until),
							     "held", session_places_held(s, now)));
	return j;
}

/* ---- input ---- */

static const char *json_flat(const struct req *r, json_t *obj, const char *key)
{
	json_t *v = json_object_get(obj, key);
	if (json_is_string(v))
		return json_string_value(v);
	if (json_is_integer(v))
		return arena_printf(r->arena, "%lld", (long long)json_integer_value(v));
	return NULL;
}

void sessions_input_from(const struct req *r, struct session_input *in)
{
	memset(in, 0, sizeof *in);
	in->course = req_field(r, "course");
	in->module = req_field(r, "module");
	in->starts_at = req_field(r, "starts_at");
	in->ends_at = req_field(r, "ends_at");
	in->capacity = req_field(r, "capacity");
	in->area = req_field(r, "area");
	in->venue_name = req_field(r, "venue_name");
	in->venue_address = req_field(r, "venue_address");
	in->venue_postcode = req_field(r, "venue_postcode");
	in->venue_room = req_field(r, "venue_room");
	in->venue_access = req_field(r, "venue_access");
	in->venue_id = req_field(r, "venue_id");
	in->venue_choice = req_form(r, "venue");
	in->school = req_field(r, "school");
	in->year_group = req_field(r, "year_group");
	in->pupils_expected = req_field(r, "pupils_expected");
	in->booking_opens_at = req_field(r, "booking_opens_at");
	in->booking_closes_at = req_field(r, "booking_closes_at");
	in->cancel_cutoff_at = req_field(r, "cancel_cutoff_at");
	in->reserved_sector = req_field(r, "reserved_sector");
	in->reserved_places = req_field(r, "reserved_places");
	in->reserved_until = req_field(r, "reserved_until");
	if (r->json == NULL) {
		/* A form shows a new venue's fields beside the list of kept ones (they stay visible without
		 * JavaScript): the radio, or else the fields filled in, says which to take (venues.h). */
		in->venue_choice = venues_choice_from(in);
		/* A form sends one "trainers" field per ticked box: join them. */
		struct buf b = {0};
		for (size_t i = 0; i < r->form.n; i++)
			if (strcmp(r->form.items[i].key, "trainers") == 0) {
				if (b.len)
					buf_putc(&b, ',');
				buf_puts(&b, r->form.items[i].value);
			}
		in->trainers = b.len ? arena_strdup(r->arena, b.data) : NULL;
		buf_free(&b);
		return;
	}
	json_t *venue = json_object_get(r->json, "venue");
	if (json_is_object(venue)) {
		in->venue_name = json_flat(r, venue, "name");
		in->venue_address = json_flat(r, venue, "address");
		in->venue_postcode = json_flat(r, venue, "postcode");
		in->venue_room = json_flat(r, venue, "room");
		in->venue_access = json_flat(r, venue, "access");
		if (json_flat(r, venue, "area"))
			in->area = json_flat(r, venue, "area");
		if (json_flat(r, venue, "id"))
			in->venue_id = json_flat(r, venue, "id");
	}
	json_t *trainers = json_object_get(r->json, "trainers");
	if (json_is_array(trainers)) {
		struct buf b = {0};
		size_t i;
		json_t *t;
		json_array_foreach(trainers, i, t)
		{
			if (b.len)
				buf_putc(&b, ',');
			buf_puts(&b, json_is_string(t) ? json_string_value(t) : "?");
		}
		in->trainers = arena_strdup(r->arena, b.len ? b.data : "");
		buf_free(&b);
	}
	json_t *reserved = json_object_get(r->json, "reserved");
	if (json_is_object(reserved)) {
		in->reserved_sector = json_flat(r, reserved, "sector");
		in->reserved_places = json_flat(r, reserved, "places");
		in->reserved_until = json_flat(r, reserved, "until");
	}
}

/* ---- validation and saving ---- */

static const char SQL_TRAINER_ID[] = "SELECT id FROM users WHERE email = ? AND role IN ('trainer', 'admin') AND active = 1";
static const char SQL_EVALUATIONS[] =
	"SELECT count(*) FROM evaluations e JOIN bookings b ON b.id = e.booking_id WHERE b.session_id = ?";
static const char SQL_SCHOOL_OK[] = "SELECT count(*) FROM settings WHERE urn = ?";
static const char SQL_SCHOOL_AREA[] = "SELECT area FROM settings WHERE urn = ?";
static const char SQL_NEW[] =
	"INSERT INTO sessions (course_id, module_id, starts_at, ends_at, capacity, venue_name, venue_address,"
	" venue_postcode, venue_room, venue_access, area, booking_opens_at, booking_closes_at, cancel_cutoff_at,"
	" reserved_sector, reserved_places, reserved_until, school_urn, year_group, pupils_expected, created_at)"
	" VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, nullif(?, 0), nullif(?, 0), nullif(?, 0), ?, ?, nullif(?, 0), ?,"
	" nullif(?, 0), nullif(?, -1), ?)";
static const char SQL_SET[] =
	"UPDATE sessions SET course_id = ?, module_id = ?, starts_at = ?, ends_at = ?, capacity = ?, venue_name = ?,"
	" venue_address = ?, venue_postcode = ?, venue_room = ?, venue_access = ?, area = ?,"
	" booking_opens_at = nullif(?, 0), booking_closes_at = nullif(?, 0), cancel_cutoff_at = nullif(?, 0),"
	" reserved_sector = ?, reserved_places = ?, reserved_until = nullif(?, 0), school_urn = ?,"
	" year_group = nullif(?, 0), pupils_expected = nullif(?, -1) WHERE id = ?";
static const char SQL_CLEAR_TRAINERS[] = "DELETE FROM session_trainers WHERE session_id = ?";
static const char SQL_SET_VENUE[] = "UPDATE sessions SET venue_id = ? WHERE id = ?";
static const char SQL_ADD_TRAINER[] = "INSERT INTO session_trainers (session_id, user_id) VALUES (?, ?)"
					     " ON CONFLICT DO NOTHING";

/* Optional text: NULL or blank means none. */
static const char *opt_text(const char *s)
{
	return s && *s ? s : NULL;
}

static bool opt_time(const char *s, int64_t *out)
{
	*out = 0;
	return opt_text(s) == NULL || valid_datetime(s, out);
}

/* Keeps the stored value for fields an update does not give. */
static const char *keep(struct arena *a, const char *given, const char *stored)
{
	return given ? given : arena_strdup(a, stored);
}

static const char *keep_time(struct arena *a, const char *given, int64_t stored)
{
	if (given || stored == 0)
		return given;
	char iso[32];
	time_iso_local(stored, iso);
	return arena_strdup(a, iso);
}

static const char *keep_int(struct arena *a, const char *given, int stored, int none)
{
	return given || stored == none ? given : arena_printf(a, "%d", stored);
}

/* Fills the fields an update leaves out from the stored session. */
static void merge(struct arena *a, struct session_input *in, const struct session *s)
{
	in->course = keep(a, in->course, s->course_id);
	in->module = keep(a, in->module, s->module_id);
	in->starts_at = keep_time(a, in->starts_at, s->starts_at);
	in->ends_at = keep_time(a, in->ends_at, s->ends_at);
	in->capacity = keep_int(a, in->capacity, s->capacity, -1);
	in->venue_name = keep(a, in->venue_name, s->venue_name);
	in->venue_address = keep(a, in->venue_address, s->venue_address);
	in->venue_postcode = keep(a, in->venue_postcode, s->venue_postcode);
	in->venue_room = keep(a, in->venue_room, s->venue_room);
	in->venue_access = keep(a, in->venue_access, s->venue_access);
	in->area = keep(a, in->area, s->area);
	in->school = keep(a, in->school, s->school_urn);
	in->year_group = keep_int(a, in->year_group, s->year_group, 0);
	in->pupils_expected = keep_int(a, in->pupils_expected, s->pupils_expected, -1);
	in->booking_opens_at = keep_time(a, in->booking_opens_at, s->booking_opens_at);
	in->booking_closes_at = keep_time(a, in->booking_closes_at, s->booking_closes_at);
	in->cancel_cutoff_at = keep_time(a, in->cancel_cutoff_at, s->cancel_cutoff_at);
	in->reserved_sector = keep(a, in->reserved_sector, s->reserved_sector);
	in->reserved_places = keep_int(a, in->reserved_places, s->reserved_places, 0);
	in->reserved_until = keep_time(a, in->reserved_until, s->reserved_until);
	if (in->trainers == NULL) {
		struct buf b = {0};
		for (int i = 0; i < s->ntrainers; i++) {
			if (i)
				buf_putc(&b, ',');
			buf_puts(&b, s->trainer_emails[i]);
		}
		in->trainers = arena_strdup(a, b.len ? b.data : "");
		buf_free(&b);
	}
}

int64_t sessions_save(struct db *db, struct arena *a, const struct user *actor, int64_t id,
		      const struct session_input *given, struct form_errors *fe)
{
	struct session_input in = *given;
	struct session old = {0};
	bool creating = id == 0;
	if (id) {
		if (!sessions_load(db, a, id, &old)) {
			form_error(fe, "id", "There is no such session");
			return 0;
		}
		if (strcmp(old.status, "cancelled") == 0) {
			form_error(fe, "id", "A cancelled session cannot be changed");
			return 0;
		}
	}
	venues_resolve(db, a, &in, fe);
	if (id)
		merge(a, &in, &old);
	int64_t now = now_utc();
	const struct course *course = catalog_course(in.course);
	const struct module *module = NULL;
	if (course == NULL)
		form_error(fe, "course", "Choose a course from the catalogue");
	/* A school session (pupils, or parents at a school) belongs to the school, not to open booking. */
	bool pupil = course_is_pupil(course) || opt_text(in.school) != NULL;
	if (course && opt_text(in.module)) {
		module = catalog_module(course, in.module);
		if (module == NULL)
			form_error(fe, "module", "Choose one of this programme's modules");
	}
	int64_t starts = 0, ends = 0;
	if (!valid_datetime(in.starts_at, &starts))
		form_error(fe, "starts_at", "Enter the start date and time, like 2026-03-05T09:30");
	if (!valid_datetime(in.ends_at, &ends))
		form_error(fe, "ends_at", "Enter the end date and time, like 2026-03-05T13:00");
	else if (starts && ends <= starts)
		form_error(fe, "ends_at", "The end must be after the start");
	if (starts && starts < now && actor->role != ROLE_ADMIN && (id == 0 || starts != old.starts_at))
		form_error(fe, "starts_at", "The start must be in the future");
	/* Moving a session whose evaluations are published would reopen its feedback window, and the
	 * answers given then could be read as the difference they make (disclosure.h). */
	if (id && starts && ends && (starts != old.starts_at || ends != old.ends_at) &&
	    disclosure_session_released(old.ends_at, db_int(db, 0, SQL_EVALUATIONS, "I", id), now))
		form_error(fe, "starts_at", "This session's feedback has closed and its results are published, so its date "
					    "and time can no longer change");
	long long capacity = 0;
	if (!valid_int(in.capacity, 1, 1000, &capacity))
		form_error(fe, "capacity", "Capacity must be a whole number from 1 to 1000");
	else if (id && capacity < old.booked)
		form_error(fe, "capacity", "Capacity cannot be less than the places already booked");
	/* A chosen venue that is not there has been said already: its details are not missing too. */
	bool venue_chosen_badly = form_error_for(fe, "venue_id") || form_error_for(fe, "venue");
	if (!venue_chosen_badly && !valid_text(in.venue_name, 200, false))
		form_error(fe, "venue_name", "Enter the venue's name");
	if (!venue_chosen_badly && !valid_text(in.venue_address, 400, true))
		form_error(fe, "venue_address", "Enter the venue's address");
	if (!venue_chosen_badly && !valid_text(in.venue_postcode, 10, false))
		form_error(fe, "venue_postcode", "Enter the venue's postcode");
	if (opt_text(in.venue_room) && !valid_text(in.venue_room, 200, false))
		form_error(fe, "venue_room", "The room must be up to 200 characters");
	if (opt_text(in.venue_access) && !valid_text(in.venue_access, 1000, true))
		form_error(fe, "venue_access", "Access notes must be up to 1000 characters");

	/* A pupil session is at a school: its area is the school's. */
	long long year = 0, expected = -1;
	const char *school = opt_text(in.school);
	const char *area = in.area;
	if (pupil) {
		if (!valid_urn(school) || db_int(db, 0, SQL_SCHOOL_OK, "s", school) == 0)
			form_error(fe, "school", "Enter the URN of a setting lantern knows");
		else {
			struct db_stmt *st = db_query(db, SQL_SCHOOL_AREA, "s", school);
			if (db_next(st))
				area = arena_strdup(a, db_col_text(st, 0));
			db_done(st);
		}
		if (!valid_int(in.year_group, 7, 13, &year))
			form_error(fe, "year_group", "Year group must be from 7 to 13");
		else if (module && !module_suits(module, (int)year))
			form_error(fe, "module", "This module is not for that year group");
		if (!valid_int(in.pupils_expected, 0, 2000, &expected))
			form_error(fe, "pupils_expected", "Enter the number of pupils expected");
	} else {
		school = NULL;
		if (!venue_chosen_badly && !ref_area_exists(db, area, true))
			form_error(fe, "area", "Choose the district or unitary area of the venue");
	}

	int64_t opens, closes, cutoff, reserved_until;
	if (!opt_time(in.booking_opens_at, &opens))
		form_error(fe, "booking_opens_at", "Enter when booking opens, like 2026-02-01T09:00");
	if (!opt_time(in.booking_closes_at, &closes))
		form_error(fe, "booking_closes_at", "Enter when booking closes, like 2026-03-04T17:00");
	else if (opens && closes && closes <= opens)
		form_error(fe, "booking_closes_at", "Booking must close after it opens");
	if (!opt_time(in.cancel_cutoff_at, &cutoff))
		form_error(fe, "cancel_cutoff_at", "Enter the cancellation cut-off, like 2026-03-03T17:00");
	long long reserved = 0;
	const char *sector = opt_text(in.reserved_sector);
	if (opt_text(in.reserved_places) && !valid_int(in.reserved_places, 0, 1000, &reserved))
		form_error(fe, "reserved_places", "Reserved places must be a whole number");
	else if (reserved > capacity && capacity)
		form_error(fe, "reserved_places", "Reserved places cannot be more than the capacity");
	if (!opt_time(in.reserved_until, &reserved_until))
		form_error(fe, "reserved_until", "Enter when reserved places are released, like 2026-02-20T17:00");
	if (reserved > 0 && !ref_sector_exists(db, sector))
		form_error(fe, "reserved_sector", "Choose the sector the places are reserved for");
	if (reserved == 0)
		sector = NULL, reserved_until = 0;

	int64_t trainer_ids[SESSION_MAX_TRAINERS];
	int ntrainers = 0;
	char *list = arena_strdup(a, in.trainers ? in.trainers : "");
	char *save = NULL;
	for (char *e = strtok_r(list, ", \n", &save); e; e = strtok_r(NULL, ", \n", &save)) {
		int64_t tid = db_int(db, 0, SQL_TRAINER_ID, "s", e);
		if (tid == 0) {
			form_error(fe, "trainers", arena_printf(a, "%s is not a trainer in lantern", e));
			continue;
		}
		if (ntrainers < SESSION_MAX_TRAINERS)
			trainer_ids[ntrainers++] = tid;
		else
			form_error(fe, "trainers", "A session can have at most 8 trainers");
	}
	if (ntrainers == 0 && !form_error_for(fe, "trainers"))
		form_error(fe, "trainers", "Choose at least one trainer");
	if (fe->n)
		return 0;

	if (db_begin(db) != DB_OK)
		return 0;
	enum db_rc rc;
	const char *module_id = module ? module->id : NULL;
	if (id == 0) {
		rc = db_exec(db, SQL_NEW, "ssIIissssssIIIsiIsiiI", in.course, module_id, starts, ends, (int)capacity,
			     in.venue_name, in.venue_address, in.venue_postcode, opt_text(in.venue_room),
			     opt_text(in.venue_access), area, opens, closes, cutoff, sector, (int)reserved, reserved_until,
			     school, (int)year, (int)expected, now);
		id = db_last_id(db);
	} else {
		rc = db_exec(db, SQL_SET, "ssIIissssssIIIsiIsiiI", in.course, module_id, starts, ends, (int)capacity,
			     in.venue_name, in.venue_address, in.venue_postcode, opt_text(in.venue_room),
			     opt_text(in.venue_access), area, opens, closes, cutoff, sector, (int)reserved, reserved_until,
			     school, (int)year, (int)expected, id);
	}
	if (rc == DB_OK) {
		int64_t venue = venues_keep(db, in.venue_name, in.venue_address, in.venue_postcode, opt_text(in.venue_access),
					    area, now);
		rc = venue ? db_exec(db, SQL_SET_VENUE, "II", venue, id) : DB_ERROR;
	}
	if (rc == DB_OK)
		rc = db_exec(db, SQL_CLEAR_TRAINERS, "I", id);
	for (int i = 0; rc == DB_OK && i < ntrainers; i++)
		rc = db_exec(db, SQL_ADD_TRAINER, "II", id, trainer_ids[i]);
	if (rc == DB_OK) {
		char *summary = arena_printf(a, "%s %s capacity=%lld area=%s", in.course, in.starts_at, capacity, area);
		audit(db, actor->id, "session", arena_printf(a, "%lld", (long long)id), creating ? "create" : "update", NULL,
		      summary);
	}
	if (rc != DB_OK || db_commit(db) != DB_OK) {
		db_rollback(db);
		return 0;
	}
	return id;
}
