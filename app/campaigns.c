/* campaigns.c — campaigns for the people who run and report on them: the list with headline reach,
 * one campaign (dates, partners, audiences, messages, materials, placements), and the JSON list. */
#include "campaigns.h"

#include <string.h>

#include "auth.h"
#include "db.h"
#include "html.h"
#include "period.h"
#include "route.h"

const struct campaign *campaigns_from_param(const struct req *r)
{
	return catalog_campaign(req_param(r, 0));
}

int campaigns_not_found(const struct req *r, struct resp *o)
{
	if (route_is_api(r->path))
		return resp_error(o, 404, "There is no such campaign.", NULL);
	return page_error(r, o, 404, "Page not found", "There is no such campaign.");
}

bool campaigns_can_edit(const struct req *r)
{
	return r->user && (r->user->role == ROLE_CAMPAIGN || r->user->role == ROLE_ADMIN);
}

static const char *label(const char *const table[][2], size_t n, const char *key)
{
	for (size_t i = 0; key && i < n; i++)
		if (strcmp(table[i][0], key) == 0)
			return table[i][1];
	return key ? key : "";
}

const char *campaigns_audience_label(const char *audience)
{
	static const char *const labels[][2] = {
		{"general-public", "General public"}, {"young-people", "Young people"}, {"parents", "Parents"},
		{"employers", "Employers"}, {"employees", "Employees"}, {"professionals", "Professionals"},
		{"older-people", "Older people"}, {"men", "Men"},
		{"ethnic-minority-communities", "Ethnic minority communities"}, {"lgbt-communities", "LGBT+ communities"},
	};
	return label(labels, ARRAY_LEN(labels), audience);
}

const char *campaigns_kind_label(const char *kind)
{
	static const char *const labels[][2] = {
		{"poster", "Poster"}, {"leaflet", "Leaflet"}, {"card", "Card"}, {"digital", "Digital"},
	};
	return label(labels, ARRAY_LEN(labels), kind);
}

const char *campaigns_language_name(const char *lang)
{
	const struct help_page *h = catalog_help(lang);
	return h ? h->language : lang;
}

static const char SQL_CAMPAIGN_TOTALS[] =
	"SELECT count(*), coalesce(sum(quantity), 0),"
	" (SELECT count(*) FROM scans s JOIN placements p2 ON p2.id = s.placement_id WHERE p2.campaign_id = ?1)"
	" FROM placements WHERE campaign_id = ?1";

struct totals {
	int64_t placements, copies, scans;
};

static struct totals totals_of(struct db *db, const char *campaign_id)
{
	struct totals t = {0};
	struct db_stmt *st = db_query(db, SQL_CAMPAIGN_TOTALS, "s", campaign_id);
	if (db_next(st))
		t = (struct totals){db_col_int64(st, 0), db_col_int64(st, 1), db_col_int64(st, 2)};
	db_done(st);
	return t;
}

int campaigns_list_page(const struct req *r, struct resp *o)
{
	const struct catalog *cat = catalog_get();
	struct page p = {.title = "Campaigns", .nav = "/campaigns", .wide = true};
	page_begin(r, o, &p);
	html_lit(o, "<h1 class=\"govuk-heading-l\">Campaigns</h1><p class=\"govuk-body\">Co-ordinated awareness campaigns "
		    "from the campaign catalogue. Record where materials go, print them with their own QR codes, and see "
		    "how far each campaign reached.</p>");
	static const char *const cols[] = {"Campaign", "Dates", "#Partners", "#Placements", "#Copies", "#Scans"};
	html_table_begin(o, NULL, cols, ARRAY_LEN(cols));
	for (int i = 0; i < cat->ncampaigns; i++) {
		const struct campaign *c = &cat->campaigns[i];
		struct totals t = totals_of(r->db, c->id);
		char starts[32], ends[32];
		period_ymd_human(c->starts, starts, sizeof starts);
		period_ymd_human(c->ends, ends, sizeof ends);
		htmlf(o, "<tr class=\"govuk-table__row\"><td class=\"govuk-table__cell\"><a class=\"govuk-link\" "
			 "href=\"/campaigns/%u\">%h</a></td><td class=\"govuk-table__cell\">%h to %h</td>"
			 "<td class=\"govuk-table__cell govuk-table__cell--numeric\">%d</td>"
			 "<td class=\"govuk-table__cell govuk-table__cell--numeric\">%D</td>"
			 "<td class=\"govuk-table__cell govuk-table__cell--numeric\">%D</td>"
			 "<td class=\"govuk-table__cell govuk-table__cell--numeric\">%D</td></tr>",
		      c->id, c->title, starts, ends, c->npartners, t.placements, t.copies, t.scans);
	}
	html_table_end(o);
	page_end(r, o, &p);
	return 200;
}

static void list(struct resp *o, const char *heading, const char *const *items, int n,
		 const char *(*labeller)(const char *))
{
	htmlf(o, "<h2 class=\"govuk-heading-m\">%h</h2><ul class=\"govuk-list govuk-list--bullet\">", heading);
	for (int i = 0; i < n; i++)
		htmlf(o, "<li>%h</li>", labeller ? labeller(items[i]) : items[i]);
	html_lit(o, "</ul>");
}

static const char SQL_CAMPAIGN_PLACEMENTS[] =
	"SELECT p.id, p.material_id, p.place, a.name, p.quantity, p.placed_on, p.lang,"
	" (SELECT count(*) FROM scans s WHERE s.placement_id = p.id)"
	" FROM placements p JOIN areas a ON a.id = p.area WHERE p.campaign_id = ?"
	" ORDER BY p.placed_on DESC, p.id DESC LIMIT 500";

static void placements_table(const struct req *r, struct resp *o, const struct campaign *c)
{
	html_lit(o, "<h2 class=\"govuk-heading-m\">Placements</h2>");
	if (campaigns_can_edit(r))
		htmlf(o, "<a href=\"/campaigns/%u/placements/new\" role=\"button\" draggable=\"false\" class=\"govuk-button\" "
			 "data-module=\"govuk-button\">Record a placement</a>",
		      c->id);
	static const char *const cols[] = {"Material", "Place", "District", "#Copies", "Placed", "Language", "#Scans"};
	html_table_begin(o, NULL, cols, ARRAY_LEN(cols));
	struct db_stmt *st = db_query(r->db, SQL_CAMPAIGN_PLACEMENTS, "s", c->id);
	while (db_next(st)) {
		const struct material *m = campaign_material(c, db_col_text(st, 1));
		char placed[32];
		period_ymd_human(db_col_text(st, 5), placed, sizeof placed);
		htmlf(o, "<tr class=\"govuk-table__row\"><td class=\"govuk-table__cell\"><a class=\"govuk-link\" "
			 "href=\"/placements/%D\">%h</a></td><td class=\"govuk-table__cell\">%h</td>"
			 "<td class=\"govuk-table__cell\">%h</td><td class=\"govuk-table__cell govuk-table__cell--numeric\">%d</td>"
			 "<td class=\"govuk-table__cell\">%h</td><td class=\"govuk-table__cell\">%h</td>"
			 "<td class=\"govuk-table__cell govuk-table__cell--numeric\">%D</td></tr>",
		      db_col_int64(st, 0), m ? m->title : db_col_text(st, 1), db_col_text(st, 2), db_col_text(st, 3),
		      db_col_int(st, 4), placed, campaigns_language_name(db_col_text(st, 6)),
		      db_col_int64(st, 7));
	}
	html_table_end(o);
}

int campaigns_page(const struct req *r, struct resp *o)
{
	const struct campaign *c = campaigns_from_param(r);
	if (c == NULL)
		return campaigns_not_found(r, o);
	struct page p = {.title = c->title, .nav = "/campaigns", .wide = true, .back = "/campaigns"};
	page_begin(r, o, &p);
	char starts[32], ends[32];
	period_ymd_human(c->starts, starts, sizeof starts);
	period_ymd_human(c->ends, ends, sizeof ends);
	htmlf(o, "<span class=\"govuk-caption-l\">%h to %h</span><h1 class=\"govuk-heading-l\">%h</h1>"
		 "<p class=\"govuk-body-l\">%h</p>",
	      starts, ends, c->title, c->summary);
	htmlf(o, "<p class=\"govuk-body\"><a class=\"govuk-link\" href=\"/campaigns/%u/reach\">Reach</a> · "
		 "<a class=\"govuk-link\" href=\"/help/%u\">Landing page</a>",
	      c->id, c->id);
	for (int i = 1; i < c->nlandings; i++)
		htmlf(o, " · <a class=\"govuk-link\" href=\"/help/%u?lang=%u\" lang=\"%h\">%h</a>", c->id, c->landings[i].lang,
		      c->landings[i].lang, campaigns_language_name(c->landings[i].lang));
	html_lit(o, "</p><div class=\"govuk-grid-row\"><div class=\"govuk-grid-column-one-half\">");
	list(o, "Key messages", c->key_messages, c->nkey_messages, NULL);
	list(o, "Audiences", c->audiences, c->naudiences, campaigns_audience_label);
	html_lit(o, "</div><div class=\"govuk-grid-column-one-half\">");
	list(o, "Partners", c->partners, c->npartners, NULL);
	html_lit(o, "</div></div><h2 class=\"govuk-heading-m\">Materials</h2><dl class=\"govuk-summary-list\">");
	for (int i = 0; i < c->nmaterials; i++) {
		const struct material *m = &c->materials[i];
		htmlf(o, "<div class=\"govuk-summary-list__row\"><dt class=\"govuk-summary-list__key\">%h<br>"
			 "<span class=\"govuk-hint\">%h, %h</span></dt><dd class=\"govuk-summary-list__value\">%h</dd></div>",
		      m->title, campaigns_kind_label(m->kind), campaigns_language_name(m->lang), m->description);
	}
	html_lit(o, "</dl>");
	placements_table(r, o, c);
	page_end(r, o, &p);
	return 200;
}

static json_t *strings(const char *const *items, int n)
{
	json_t *a = json_array();
	for (int i = 0; i < n; i++)
		json_array_append_new(a, json_string(items[i]));
	return a;
}

static json_t *campaign_json(struct db *db, const struct campaign *c)
{
	struct totals t = totals_of(db, c->id);
	json_t *j = json_pack("{s:s, s:s, s:s, s:s, s:s, s:I, s:I, s:I}", "id", c->id, "title", c->title, "starts",
			      c->starts, "ends", c->ends, "summary", c->summary, "placements", (json_int_t)t.placements,
			      "copies", (json_int_t)t.copies, "scans", (json_int_t)t.scans);
	json_object_set_new(j, "partners", strings(c->partners, c->npartners));
	json_object_set_new(j, "audiences", strings(c->audiences, c->naudiences));
	json_object_set_new(j, "key_messages", strings(c->key_messages, c->nkey_messages));
	json_t *langs = json_array(), *mats = json_array();
	for (int i = 0; i < c->nlandings; i++)
		json_array_append_new(langs, json_string(c->landings[i].lang));
	for (int i = 0; i < c->nmaterials; i++)
		json_array_append_new(mats, json_pack("{s:s, s:s, s:s, s:s}", "id", c->materials[i].id, "kind",
						      c->materials[i].kind, "language", c->materials[i].lang, "title",
						      c->materials[i].title));
	json_object_set_new(j, "languages", langs);
	json_object_set_new(j, "materials", mats);
	return j;
}

int campaigns_api_list(const struct req *r, struct resp *o)
{
	const struct catalog *cat = catalog_get();
	json_t *list = json_array();
	for (int i = 0; i < cat->ncampaigns; i++)
		json_array_append_new(list, campaign_json(r->db, &cat->campaigns[i]));
	return resp_json(o, 200, list);
}
