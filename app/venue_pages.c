/* venue_pages.c — choosing a session's venue from the kept ones or adding a new one, and the venues
 * API. The rules (what a choice means, finding and keeping venues) are in venues.c. */
#include "venue_pages.h"

#include <string.h>

#include "ref.h"
#include "util.h"
#include "venues.h"

/* One radio of the choice with the part it reveals; GOV.UK's markup (radios with conditional
 * content). The first radio carries the field's own id, for the error summary's link. */
static void radio_open(struct resp *o, const char *value, const char *label, const char *hint, bool checked, bool first)
{
	const char *id = first ? "venue" : "venue-new";
	htmlf(o, "<div class=\"govuk-radios__item\"><input class=\"govuk-radios__input\" id=\"%h\" name=\"venue\" "
		 "type=\"radio\" value=\"%h\" data-aria-controls=\"conditional-%h\"%h",
	      id, value, id, checked ? " checked" : "");
	if (hint)
		htmlf(o, " aria-describedby=\"%h-item-hint\"", id);
	htmlf(o, "><label class=\"govuk-label govuk-radios__label\" for=\"%h\">%h</label>", id, label);
	if (hint)
		htmlf(o, "<div id=\"%h-item-hint\" class=\"govuk-hint govuk-radios__hint\">%h</div>", id, hint);
	htmlf(o, "</div><div class=\"govuk-radios__conditional%h\" id=\"conditional-%h\">",
	      checked ? "" : " govuk-radios__conditional--hidden", id);
}

void venue_fields(const struct req *r, struct resp *o, const char *prefix, const struct venue_input *v,
		  const struct form_errors *fe, const char *area_hint)
{
	html_input(o, fe,
		   &(struct field){.name = arena_printf(r->arena, "%sname", prefix), .label = "Venue name", .value = v->name});
	html_textarea(o, fe,
		      &(struct field){.name = arena_printf(r->arena, "%saddress", prefix), .label = "Address",
				      .value = v->address});
	html_input(o, fe,
		   &(struct field){.name = arena_printf(r->arena, "%spostcode", prefix), .label = "Postcode",
				   .value = v->postcode, .width = "govuk-input--width-10", .autocomplete = "postal-code"});
	html_textarea(o, fe,
		      &(struct field){.name = arena_printf(r->arena, "%saccess", prefix), .label = "Access notes (optional)",
				      .value = v->access, .hint = "Step-free access, parking, hearing loop, how to find the room"});
	if (area_hint == NULL)
		return;
	const struct option *opts;
	size_t n = ref_area_options(r->db, r->arena, true, &opts);
	html_select(o, fe, &(struct field){.name = "area", .label = "Area", .value = v->area, .hint = area_hint}, opts, n);
}

static void new_venue_fields(const struct req *r, struct resp *o, const struct session_input *v,
			     const struct form_errors *fe, bool with_area)
{
	struct venue_input typed = {v->venue_name, v->venue_address, v->venue_postcode, v->venue_access, v->area};
	venue_fields(r, o, "venue_", &typed, fe,
		     with_area ? "The district or unitary area the venue is in. Pupil sessions take the school's area."
			       : NULL);
}

void venue_choice_fields(const struct req *r, struct resp *o, const struct session_input *v,
			 const struct form_errors *fe, bool with_area)
{
	struct venue *list;
	size_t n = venues_list(r->db, r->arena, false, &list);
	html_lit(o, "<h2 class=\"govuk-heading-m\">Venue</h2>");
	if (n == 0) {
		/* Nothing to choose from yet: the first session's venue becomes the first kept one. */
		html_lit(o, "<input type=\"hidden\" name=\"venue\" value=\"new\">");
		new_venue_fields(r, o, v, fe, with_area);
		return;
	}
	const char *choice = venues_choice_from(v);
	/* A new form ticks neither radio (GOV.UK: no pre-selected answer); the fields decide if both are left. */
	bool saved = v->venue_choice && strcmp(choice, "saved") == 0;
	bool added = v->venue_choice && strcmp(choice, "new") == 0;
	const char *err = form_error_for(fe, "venue");
	htmlf(o, "<div class=\"govuk-form-group%h\"><fieldset class=\"govuk-fieldset\"%h>"
		 "<legend class=\"govuk-fieldset__legend govuk-fieldset__legend--s\">Where is the session?</legend>",
	      err ? " govuk-form-group--error" : "", err ? " aria-describedby=\"venue-error\"" : "");
	html_error_message(o, "venue", err);
	/* lantern-radios: GOV.UK's radios without aria-expanded on each radio (assets/lantern.js). */
	html_lit(o, "<div class=\"govuk-radios\" data-module=\"lantern-radios\">");

	radio_open(o, "saved", "A venue used before", NULL, saved, true);
	struct option *opts = arena_alloc(r->arena, (n + 1) * sizeof *opts);
	opts[0] = (struct option){"", "Choose a venue"};
	for (size_t i = 0; i < n; i++)
		opts[i + 1] = (struct option){arena_printf(r->arena, "%lld", (long long)list[i].id),
					      arena_printf(r->arena, "%s, %s", list[i].name, list[i].postcode)};
	html_select(o, fe, &(struct field){.name = "venue_id", .label = "Venue", .value = v->venue_id}, opts, n + 1);
	html_lit(o, "</div>");

	radio_open(o, "new", "A new venue", "It is kept, so the next session there can choose it", added, false);
	new_venue_fields(r, o, v, fe, with_area);
	html_lit(o, "</div></div></fieldset></div>");
}

static bool same(const char *a, const char *b)
{
	return strcmp(a ? a : "", b ? b : "") == 0;
}

void venue_choice_from_session(const struct req *r, const struct session *s, struct session_input *v)
{
	struct venue kept;
	v->venue_choice = "new";
	if (s->venue_id == 0 || !venues_load(r->db, r->arena, s->venue_id, &kept))
		return;
	if (same(kept.name, s->venue_name) && same(kept.address, s->venue_address) &&
	    same(kept.postcode, s->venue_postcode) && same(kept.area, s->area) && same(kept.access, s->venue_access)) {
		v->venue_choice = "saved";
		v->venue_id = arena_printf(r->arena, "%lld", (long long)s->venue_id);
	}
}

void venue_choice_suggest(const struct req *r, const char *name, struct session_input *v)
{
	int64_t id = venues_named(r->db, name);
	v->venue_name = name;
	v->venue_choice = id ? "saved" : "new";
	v->venue_id = id ? arena_printf(r->arena, "%lld", (long long)id) : NULL;
}

int venues_api_list(const struct req *r, struct resp *o)
{
	struct venue *list;
	size_t n = venues_list(r->db, r->arena, false, &list);
	resp_json_list_begin(o);
	for (size_t i = 0; i < n; i++)
		resp_json_list_add(o, venue_json(&list[i]));
	return resp_json_list_end(o, 200);
}
