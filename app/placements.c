/* placements.c — recording where campaign materials went and printing them. Each placement gets a
 * random short code; its QR code (error correction Q, 4-module quiet zone) points at /c/{code} and is
 * drawn with the material's template and words by print.c, as A4 or A3 PDF or as SVG. The web form and
 * the API share placements_save(). */
#include "placements.h"

#include <stdlib.h>
#include <string.h>

#include "audit.h"
#include "auth.h"
#include "campaigns.h"
#include "catalog.h"
#include "db.h"
#include "period.h"
#include "print.h"
#include "ref.h"
#include "route.h"
#include "site.h"
#include "valid.h"

static const char SQL_PLACEMENT_NEW[] =
	"INSERT INTO placements (campaign_id, material_id, place, area, quantity, placed_on, lang, code, created_by,"
	" created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";
static const char SQL_PLACEMENT_GET[] =
	"SELECT p.id, p.campaign_id, p.material_id, p.place, p.area, a.name, p.quantity, p.placed_on, p.lang, p.code,"
	" (SELECT count(*) FROM scans s WHERE s.placement_id = p.id)"
	" FROM placements p JOIN areas a ON a.id = p.area WHERE p.id = ?";

struct placement {
	int64_t id;
	const char *campaign_id, *material_id, *place, *area, *area_name, *placed_on, *lang, *code;
	int quantity;
	int64_t scans;
	const struct campaign *campaign;
	const struct material *material;
};

/* Loads a placement whose campaign and material are still in the catalogue; false otherwise. */
static bool load(struct db *db, struct arena *a, int64_t id, struct placement *p)
{
	struct db_stmt *st = db_query(db, SQL_PLACEMENT_GET, "I", id);
	bool found = db_next(st);
	if (found) {
		const char **text[] = {&p->campaign_id, &p->material_id, &p->place, &p->area, &p->area_name};
		for (int i = 0; i < 5; i++)
			*text[i] = arena_strdup(a, db_col_text(st, i + 1));
		p->id = db_col_int64(st, 0);
		p->quantity = db_col_int(st, 6);
		p->placed_on = arena_strdup(a, db_col_text(st, 7));
		p->lang = arena_strdup(a, db_col_text(st, 8));
		p->code = arena_strdup(a, db_col_text(st, 9));
		p->scans = db_col_int64(st, 10);
	}
	db_done(st);
	if (!found)
		return false;
	p->campaign = catalog_campaign(p->campaign_id);
	p->material = campaign_material(p->campaign, p->material_id);
	return p->material != NULL;
}

const char *placements_url(const struct req *r, const char *code)
{
	return arena_printf(r->arena, "%s/c/%s", site_base_url(), code);
}

const char *placements_normalise_code(struct arena *a, const char *code)
{
	size_t len = code ? strlen(code) : 0;
	if (len == 0 || len > 16)
		return NULL;
	char *out = arena_strndup(a, code, len);
	for (char *c = out; *c; c++) {
		char ch = *c >= 'A' && *c <= 'Z' ? (char)(*c - 'A' + 'a') : *c;
		ch = ch == 'o' ? '0' : ch == 'i' || ch == 'l' ? '1' : ch;
		if (!strchr("0123456789abcdefghjkmnpqrstvwxyz", ch) || ch == '\0')
			return NULL;
		*c = ch;
	}
	return out;
}

static void validate(struct db *db, const struct campaign *c, const struct placement_input *in, const char **lang,
		     long long *quantity, struct form_errors *fe)
{
	const struct material *m = campaign_material(c, in->material);
	int y, mo, d;
	if (m == NULL)
		form_error(fe, "material", "Choose the material that was placed");
	if (!valid_text(in->place, 160, false))
		form_error(fe, "place", "Enter where the material was placed, up to 160 characters");
	if (!ref_area_exists(db, in->area, true))
		form_error(fe, "area", "Choose the district the place is in");
	if (!valid_int(in->quantity, 1, 1000000, quantity))
		form_error(fe, "quantity", "Enter how many were placed, a whole number from 1 to 1000000");
	if (!valid_date(in->placed_on, &y, &mo, &d) || y < 2000)
		form_error(fe, "placed_on", "Enter the date it was placed, like 2025-11-25");
	*lang = in->language && *in->language ? in->language : m ? m->lang : NULL;
	if (*lang && campaign_landing(c, *lang) == NULL)
		form_error(fe, "language", "Choose a language the campaign has a landing page in");
}

int64_t placements_save(struct db *db, struct arena *a, int64_t actor, const struct campaign *c,
			const struct placement_input *in, struct form_errors *fe)
{
	const char *lang = NULL;
	long long quantity = 0;
	validate(db, c, in, &lang, &quantity, fe);
	if (fe->n)
		return 0;
	/* A clash of 50 random bits is all but impossible; UNIQUE catches it and we draw again. */
	for (int attempt = 0; attempt < 3; attempt++) {
		const char *code = auth_random_code(a, PLACEMENT_CODE_LEN);
		if (db_begin(db) != DB_OK)
			return 0;
		enum db_rc rc = db_exec(db, SQL_PLACEMENT_NEW, "ssssisssII", c->id, in->material, in->place, in->area,
					(int)quantity, in->placed_on, lang, code, actor, now_utc());
		if (rc == DB_CONSTRAINT) {
			db_rollback(db);
			continue;
		}
		int64_t id = db_last_id(db);
		char *idtext = xasprintf("%lld", (long long)id);
		char *summary = xasprintf("%s/%s x%lld %s %s %s", c->id, in->material, quantity, in->area, in->placed_on, lang);
		bool ok = rc == DB_OK && audit(db, actor, "placement", idtext, "create", NULL, summary) == 0;
		free(idtext);
		free(summary);
		if (!ok) {
			db_rollback(db);
			return 0;
		}
		return db_commit(db) == DB_OK ? id : 0;
	}
	return 0;
}

static struct placement_input input_from(const struct req *r)
{
	return (struct placement_input){
		.material = req_field(r, "material"),
		.place = req_field(r, "place"),
		.area = req_field(r, "area"),
		.quantity = req_field(r, "quantity"),
		.placed_on = req_field(r, "placed_on"),
		.language = req_field(r, "language"),
	};
}

/* ---- the material with its QR code ---- */

char *placements_widest_url(void)
{
	/* 'm' is the widest letter a code can hold, in the print font and most others. */
	return xasprintf("%s/c/%.*s", site_base_url(), PLACEMENT_CODE_LEN, "mmmmmmmmmmmmmmmmmmmm");
}

/* The placement of the route's {} with its material, or a 404 page. */
static bool placement_from_param(const struct req *r, struct resp *o, struct placement *p, int *status)
{
	int64_t id;
	if (valid_id(req_param(r, 0), &id) && load(r->db, r->arena, id, p))
		return true;
	*status = route_is_api(r->path) ? resp_error(o, 404, "There is no such placement.", NULL)
					 : page_error(r, o, 404, "Page not found", "There is no such placement.");
	return false;
}

int placements_svg(const struct req *r, struct resp *o)
{
	struct placement p;
	int status;
	if (!placement_from_param(r, o, &p, &status))
		return status;
	struct buf svg = {0};
	if (print_material_svg(p.material, placements_url(r, p.code), &svg) != 0)
		status = route_error(r, o, 500, "The material could not be drawn.");
	else
		status = resp_text(o, 200, "image/svg+xml; charset=utf-8", svg.data, svg.len);
	buf_free(&svg);
	return status;
}

static int pdf(const struct req *r, struct resp *o, enum paper paper)
{
	struct placement p;
	int status;
	if (!placement_from_param(r, o, &p, &status))
		return status;
	struct buf out = {0};
	if (print_material_pdf(p.material, placements_url(r, p.code), paper, &out) != 0) {
		status = route_error(r, o, 500, "The PDF could not be made.");
	} else {
		status = resp_text(o, 200, "application/pdf", out.data, out.len);
		resp_header(o, "Content-Disposition",
			    arena_printf(r->arena, "attachment; filename=\"%s-%s-%s-%s.pdf\"", p.campaign_id, p.material_id,
					 p.code, paper == PAPER_A3 ? "a3" : "a4"));
	}
	buf_free(&out);
	return status;
}

int placements_pdf_a4(const struct req *r, struct resp *o)
{
	return pdf(r, o, PAPER_A4);
}

int placements_pdf_a3(const struct req *r, struct resp *o)
{
	return pdf(r, o, PAPER_A3);
}

/* ---- web pages ---- */

static void form_fields(const struct req *r, struct resp *o, const struct campaign *c, const struct placement_input *v,
			const struct form_errors *fe)
{
	struct option *mats = arena_alloc(r->arena, (size_t)(c->nmaterials + 1) * sizeof *mats);
	mats[0] = (struct option){"", "Choose"};
	for (int i = 0; i < c->nmaterials; i++)
		mats[i + 1] = (struct option){c->materials[i].id, arena_printf(r->arena, "%s (%s)", c->materials[i].title,
									       campaigns_kind_label(c->materials[i].kind))};
	html_select(o, fe, &(struct field){.name = "material", .label = "Material", .value = v->material}, mats,
		    (size_t)c->nmaterials + 1);
	html_input(o, fe, &(struct field){.name = "place", .label = "Place", .value = v->place,
					  .hint = "Where it went, for example: Southend Central Library, notice board"});
	const struct option *areas;
	size_t nareas = ref_area_options(r->db, r->arena, true, &areas);
	html_select(o, fe, &(struct field){.name = "area", .label = "District", .value = v->area}, areas, nareas);
	html_input(o, fe, &(struct field){.name = "quantity", .label = "How many", .value = v->quantity,
					  .width = "govuk-input--width-5", .inputmode = "numeric",
					  .hint = "Copies placed there; 1 for a digital post"});
	html_input(o, fe, &(struct field){.name = "placed_on", .label = "Date placed", .value = v->placed_on,
					  .type = "date", .width = "govuk-input--width-10"});
	if (c->nlandings > 1) {
		struct option *langs = arena_alloc(r->arena, (size_t)(c->nlandings + 1) * sizeof *langs);
		langs[0] = (struct option){"", "The material's own language"};
		for (int i = 0; i < c->nlandings; i++)
			langs[i + 1] = (struct option){c->landings[i].lang, campaigns_language_name(c->landings[i].lang)};
		html_radios(o, fe, &(struct field){.name = "language", .label = "Landing page language",
						   .value = v->language ? v->language : "",
						   .hint = "The language of the help page people reach when they scan"},
			    langs, (size_t)c->nlandings + 1);
	}
}

static int render_form(const struct req *r, struct resp *o, const struct campaign *c, const struct placement_input *v,
		       const struct form_errors *fe, int status)
{
	struct page p = {.title = "Record a placement", .nav = "/campaigns", .errors = fe,
			 .back = arena_printf(r->arena, "/campaigns/%s", c->id)};
	page_begin(r, o, &p);
	htmlf(o, "<span class=\"govuk-caption-l\">%h</span><h1 class=\"govuk-heading-l\">Record a placement</h1>", c->title);
	html_form_begin(r, o, arena_printf(r->arena, "/campaigns/%s/placements", c->id));
	form_fields(r, o, c, v, fe);
	html_button(o, "Save and get the print files");
	html_form_end(o);
	page_end(r, o, &p);
	return status;
}

int placements_new_page(const struct req *r, struct resp *o)
{
	const struct campaign *c = campaigns_from_param(r);
	if (c == NULL)
		return campaigns_not_found(r, o);
	char today[32];
	time_iso_local(now_utc(), today);
	today[10] = '\0';
	return render_form(r, o, c, &(struct placement_input){.placed_on = arena_strdup(r->arena, today)}, NULL, 200);
}

int placements_create(const struct req *r, struct resp *o)
{
	const struct campaign *c = campaigns_from_param(r);
	if (c == NULL)
		return campaigns_not_found(r, o);
	struct placement_input in = input_from(r);
	struct form_errors fe = {0};
	int64_t id = placements_save(r->db, r->arena, r->user->id, c, &in, &fe);
	if (id == 0) {
		if (fe.n == 0)
			return page_error(r, o, 500, "Sorry, there is a problem with the service", "Try again later.");
		return render_form(r, o, c, &in, &fe, 400);
	}
	return resp_redirect(o, arena_printf(r->arena, "/placements/%lld?done=1", (long long)id));
}

static void summary_row(struct resp *o, const char *key, const char *value)
{
	htmlf(o, "<div class=\"govuk-summary-list__row\"><dt class=\"govuk-summary-list__key\">%h</dt>"
		 "<dd class=\"govuk-summary-list__value\">%h</dd></div>",
	      key, value);
}

int placements_page(const struct req *r, struct resp *o)
{
	struct placement p;
	int status;
	if (!placement_from_param(r, o, &p, &status))
		return status;
	struct page pg = {.title = "Placement", .nav = "/campaigns", .back = arena_printf(r->arena, "/campaigns/%s", p.campaign_id)};
	page_begin(r, o, &pg);
	if (req_query(r, "done"))
		html_notice(o, "The placement has been recorded", "Print the material below: its QR code is this placement's own.");
	htmlf(o, "<span class=\"govuk-caption-l\">%h</span><h1 class=\"govuk-heading-l\">%h</h1>", p.campaign->title,
	      p.material->title);
	html_lit(o, "<dl class=\"govuk-summary-list\">");
	summary_row(o, "Place", p.place);
	summary_row(o, "District", p.area_name);
	summary_row(o, "How many", arena_printf(r->arena, "%d", p.quantity));
	char placed[32];
	period_ymd_human(p.placed_on, placed, sizeof placed);
	summary_row(o, "Date placed", placed);
	summary_row(o, "Landing page language", campaigns_language_name(p.lang));
	summary_row(o, "Web address in the QR code", placements_url(r, p.code));
	summary_row(o, "Scans so far", arena_printf(r->arena, "%lld", (long long)p.scans));
	html_lit(o, "</dl><h2 class=\"govuk-heading-m\">Print files</h2><ul class=\"govuk-list\">");
	htmlf(o, "<li><a class=\"govuk-link\" href=\"/placements/%D/a4.pdf\">PDF for A4 paper</a></li>"
		 "<li><a class=\"govuk-link\" href=\"/placements/%D/a3.pdf\">PDF for A3 paper</a></li>"
		 "<li><a class=\"govuk-link\" href=\"/placements/%D/material.svg\" download=\"%h-%h-%h.svg\">"
		 "SVG, for a designer or print shop</a></li></ul>",
	      p.id, p.id, p.id, p.campaign_id, p.material_id, p.code);
	htmlf(o, "<img class=\"lantern-material-preview\" src=\"/placements/%D/material.svg\" alt=\"Preview of %h with "
		 "this placement's QR code\">",
	      p.id, p.material->title);
	page_end(r, o, &pg);
	return 200;
}

/* ---- JSON API ---- */

static json_t *placement_json(const struct req *r, const struct placement *p)
{
	json_t *j = json_pack("{s:I, s:s, s:s, s:s, s:s, s:i, s:s, s:s, s:s, s:s, s:I}", "id", (json_int_t)p->id,
			      "campaign", p->campaign_id, "material", p->material_id, "place", p->place, "area", p->area,
			      "quantity", p->quantity, "placed_on", p->placed_on, "language", p->lang, "code", p->code, "url",
			      placements_url(r, p->code), "scans", (json_int_t)p->scans);
	json_object_set_new(j, "svg", json_string(arena_printf(r->arena, "/api/v1/placements/%lld/material.svg", (long long)p->id)));
	json_object_set_new(j, "pdf_a4", json_string(arena_printf(r->arena, "/api/v1/placements/%lld/a4.pdf", (long long)p->id)));
	json_object_set_new(j, "pdf_a3", json_string(arena_printf(r->arena, "/api/v1/placements/%lld/a3.pdf", (long long)p->id)));
	return j;
}

int placements_api_create(const struct req *r, struct resp *o)
{
	const struct campaign *c = campaigns_from_param(r);
	if (c == NULL)
		return campaigns_not_found(r, o);
	if (r->json == NULL)
		return resp_error(o, 415, "Send a JSON object with Content-Type: application/json.", NULL);
	struct placement_input in = input_from(r);
	struct form_errors fe = {0};
	int64_t id = placements_save(r->db, r->arena, r->user->id, c, &in, &fe);
	struct placement p;
	if (id == 0 && fe.n)
		return resp_error(o, 422, fe.e[0].message, fe.e[0].field);
	if (id == 0 || !load(r->db, r->arena, id, &p))
		return resp_error(o, 500, "The placement could not be saved.", NULL);
	return resp_json(o, 201, placement_json(r, &p));
}
