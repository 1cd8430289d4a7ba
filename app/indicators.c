/* indicators.c — the definitions table of spec §8 and how each figure is counted. Every query
 * takes the area through area_tree, so a county or Greater Essex counts all the areas below it,
 * and the period as half-open bounds at local midnight. */
#include "indicators.h"

#include <errno.h>
#include <math.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>

#include "catalog.h"
#include "db.h"
#include "disclosure.h"
#include "evaluations.h"
#include "indicator_reads.h"
#include "ref.h"
#include "survey_results.h"
#include "util.h"

#define IN_AREA(col) " " col " IN (SELECT descendant FROM area_tree WHERE ancestor = :area)"

/* ---- Outcome 1: schools and young people ---- */

static const char SQL_O1_1[] =
	"SELECT count(DISTINCT d.urn) FROM deliveries d JOIN settings s ON s.urn = d.urn"
	" WHERE d.course_id = 'risk-avert' AND d.delivered_on >= :from AND d.delivered_on < :to"
	" AND s.phase IN ('secondary', 'all-through', 'special', 'alternative-provision') AND" IN_AREA("s.area");
/* Secondary schools and colleges (every phase but HE), and those of them delivering. */
static const char SQL_SETTINGS_SECONDARY[] = "SELECT count(*) FROM settings s WHERE s.phase <> 'he' AND" IN_AREA("s.area");
static const char SQL_DELIVERING_SECONDARY[] =
	"SELECT count(DISTINCT d.urn) FROM deliveries d JOIN settings s ON s.urn = d.urn"
	" WHERE s.phase <> 'he' AND d.delivered_on >= :from AND d.delivered_on < :to AND" IN_AREA("s.area");
static const char SQL_SETTINGS_HEFE[] =
	"SELECT count(*) FROM settings s WHERE s.phase IN ('fe-college', 'he') AND" IN_AREA("s.area");
static const char SQL_DELIVERING_HEFE[] =
	"SELECT count(DISTINCT d.urn) FROM deliveries d JOIN settings s ON s.urn = d.urn"
	" WHERE s.phase IN ('fe-college', 'he') AND d.delivered_on >= :from AND d.delivered_on < :to AND" IN_AREA("s.area");
static const char SQL_O1_4[] = "SELECT coalesce(sum(d.pupils_reached), 0) FROM deliveries d JOIN settings s ON s.urn = d.urn"
			       " WHERE d.delivered_on >= :from AND d.delivered_on < :to AND" IN_AREA("s.area");
/* ---- Outcome 5: professionals, communities and employers ---- */

/* Practitioner sessions (not at a school) that went ahead and whose end falls in the period. */
#define DELIVERED(s)                                                                                                   \
	" " s ".status = 'scheduled' AND " s ".school_urn IS NULL AND " s ".ends_at <= :now AND " s                     \
	".ends_at >= :fromt AND " s ".ends_at < :tot AND" IN_AREA(s ".area")
static const char SQL_O5_1[] = "SELECT count(*) FROM sessions s WHERE" DELIVERED("s");
static const char SQL_O5_2[] = "SELECT count(DISTINCT b.user_id) FROM bookings b JOIN sessions s ON s.id = b.session_id"
			       " WHERE b.status IN ('attended', 'late', 'partial') AND" DELIVERED("s");
/* Bookings holding a place when the session began: booked by then, not cancelled before it. */
#define LIVE_AT_START " b.booked_at IS NOT NULL AND b.booked_at <= s.starts_at AND (b.cancelled_at IS NULL OR b.cancelled_at > s.starts_at)"
static const char SQL_O5_3[] =
	"SELECT count(*), count(*) FILTER (WHERE b.status IN ('attended', 'late', 'partial'))"
	" FROM bookings b JOIN sessions s ON s.id = b.session_id WHERE" LIVE_AT_START " AND" DELIVERED("s");
static const char SQL_CAMPAIGN_PLACED[] =
	"SELECT count(*) FROM placements p WHERE p.campaign_id = :campaign AND p.placed_on < :to AND" IN_AREA("p.area");
static const char SQL_O5_5[] = "SELECT coalesce(sum(d.n), 0) FROM scan_daily d"
			       " WHERE d.day >= :from AND d.day < :to AND" IN_AREA("d.area");
static const char SQL_O5_6[] = "SELECT count(*) FROM employer_pledges e WHERE e.signed_on < :to AND" IN_AREA("e.area");
/* Whether any answer at all is held in scope, released or not (by phase for surveys). Showing only
 * that answers exist is safe: the drill-downs list every run and session with its count. */
static const char SQL_SURVEY_HELD[] =
	"SELECT r.phase FROM survey_runs r JOIN settings s ON s.urn = r.urn WHERE r.opened_at >= :fromt"
	" AND r.opened_at < :tot AND" IN_AREA("s.area") " AND EXISTS (SELECT 1 FROM survey_responses x WHERE x.run_id = r.id)"
	" GROUP BY r.phase";
static const char SQL_EVALUATIONS_HELD[] =
	"SELECT EXISTS (SELECT 1 FROM evaluations e JOIN bookings b ON b.id = e.booking_id JOIN sessions s ON s.id = b.session_id"
	" WHERE" DELIVERED("s") ")";

/* Runs one of the queries above with the context's named values; extra names (:phase,
 * :campaign) are given by the caller. Fills up to two integer columns of the first row. */
static void query2(const struct indicator_ctx *c, const char *sql, const char *extra_name, const char *extra,
		   int64_t *a, int64_t *b)
{
	const struct db_named vals[] = {
		{":area", c->area, 0},       {":from", c->from_date, 0}, {":to", c->to_date, 0},
		{":fromt", NULL, c->from},    {":tot", NULL, c->to},      {":now", NULL, c->now},
		{extra_name ? extra_name : ":unused", extra ? extra : "", 0},
	};
	struct db_stmt *st = db_query_named(c->db, sql, vals, (int)ARRAY_LEN(vals));
	*a = 0;
	if (b)
		*b = 0;
	if (db_next(st)) {
		*a = db_col_int64(st, 0);
		if (b)
			*b = db_col_int64(st, 1);
	}
	db_done(st);
}

static int64_t count(const struct indicator_ctx *c, const char *sql)
{
	int64_t n;
	query2(c, sql, NULL, NULL, &n, NULL);
	return n;
}

static void set_count(struct indicator_value *v, int64_t n)
{
	v->available = true;
	v->value = (double)n;
}

/* A percentage, to one decimal; not available when nothing was there to count. */
static void set_rate(struct indicator_value *v, int64_t num, int64_t den)
{
	v->ratio = true;
	v->numerator = num;
	v->denominator = den;
	v->available = den > 0;
	v->value = den > 0 ? round(1000.0 * (double)num / (double)den) / 10.0 : 0;
}

/* % of post responses showing good understanding, with pre beside it: released survey runs only,
 * counted by the same tally as the survey results (disclosure.h). */
static void o1_5(const struct indicator_ctx *c, struct indicator_value *v)
{
	struct survey_tally t[SURVEY_PHASES];
	survey_tally_good(c->db, &(struct survey_scope){.area = c->area, .from = c->from, .to = c->to, .now = c->now}, t);
	const struct survey_tally *post = &t[SURVEY_POST], *pre = &t[SURVEY_PRE];
	set_rate(v, post->good, post->n);
	v->suppressed = disclosure_figure(post->good, post->n, false).suppressed;
	struct indicator_value before = {0};
	set_rate(&before, pre->good, pre->n);
	v->has_pre = true;
	v->pre_available = before.available;
	v->pre_value = before.value;
	v->pre_numerator = pre->good;
	v->pre_denominator = pre->n;
	v->pre_suppressed = disclosure_figure(pre->good, pre->n, false).suppressed;
	if (!v->suppressed && !v->pre_suppressed)
		return;
	bool held[2] = {false, false}; /* pre, post */
	const struct db_named vals[] = {{":area", c->area, 0}, {":fromt", NULL, c->from}, {":tot", NULL, c->to}};
	struct db_stmt *st = db_query_named(c->db, SQL_SURVEY_HELD, vals, (int)ARRAY_LEN(vals));
	while (db_next(st))
		held[strcmp(db_col_text(st, 0), "post") == 0] = true;
	db_done(st);
	v->no_answers = v->suppressed && !held[1];
	v->pre_no_answers = v->pre_suppressed && !held[0];
}

/* Evaluations of sessions delivered in the period rating confidence to act 4 or 5: released
 * sessions only, counted by the same tally as the evaluation results (disclosure.h). */
static void o5_7(const struct indicator_ctx *c, struct indicator_value *v)
{
	struct evaluation_tally *t;
	struct evaluation_scope scope = {.area = c->area, .from = c->from, .to = c->to, .now = c->now};
	int64_t n = 0, confident = 0;
	if (evaluations_tally(c->db, c->arena, &scope, EVALUATIONS_ALL, &t) > 0) {
		n = t[0].n;
		confident = t[0].confident;
	}
	set_rate(v, confident, n);
	v->suppressed = disclosure_figure(confident, n, false).suppressed;
	v->no_answers = v->suppressed && count(c, SQL_EVALUATIONS_HELD) == 0;
}

/* Campaigns in the catalogue whose dates overlap the period, with two or more partners; an area
 * below Greater Essex counts those with a placement there by the end of the period. */
static void o5_4(const struct indicator_ctx *c, struct indicator_value *v)
{
	const struct catalog *cat = catalog_get();
	int64_t n = 0;
	bool everywhere = strcmp(c->area, "greater-essex") == 0;
	for (int i = 0; i < cat->ncampaigns; i++) {
		const struct campaign *k = &cat->campaigns[i];
		if (k->npartners < 2 || strcmp(k->starts, c->to_date) >= 0 || strcmp(k->ends, c->from_date) < 0)
			continue;
		int64_t placed = 1;
		if (!everywhere)
			query2(c, SQL_CAMPAIGN_PLACED, ":campaign", k->id, &placed, NULL);
		n += placed > 0;
	}
	set_count(v, n);
}

/* Externally sourced: exactly what an analyst entered for this period and area, or nothing. */
static void external(const struct indicator *ind, const struct indicator_ctx *c, struct indicator_value *v)
{
	v->available = indicator_reads_figure(c->reads, ind->id, c->period.name, c->area, &v->value, &v->source, &v->note);
}

const struct indicator indicators[] = {
	{"O1.1", 1, "Secondary settings delivering Risk Avert", "settings", +1, IND_COUNT,
	 "Secondary, all-through, special and alternative provision settings with at least one Risk Avert delivery "
	 "dated in the period.",
	 "deliveries", NULL, SQL_O1_1, NULL, "schools"},
	{"O1.2", 1, "Secondary schools and colleges delivering healthy-relationships education", "%", +1, IND_RATE,
	 "Settings of every phase but HE with at least one delivery of any pupil programme in the period, as a share of "
	 "all such settings in the area.",
	 "deliveries", NULL, SQL_DELIVERING_SECONDARY, SQL_SETTINGS_SECONDARY, "schools"},
	{"O1.3", 1, "HE and FE settings delivering healthy-relationships education", "%", +1, IND_RATE,
	 "FE colleges and HE settings with at least one delivery in the period, as a share of all of them in the area.",
	 "deliveries", NULL, SQL_DELIVERING_HEFE, SQL_SETTINGS_HEFE, "schools"},
	{"O1.4", 1, "Pupils reached", "pupils", +1, IND_COUNT,
	 "The pupils reached by every delivery dated in the period (head-counts, never names).", "deliveries", NULL, SQL_O1_4, NULL, "schools"},
	{"O1.5", 1, "Young people showing good understanding of healthy relationships", "%", +1, IND_RATE,
	 "Post-programme survey responses that agree with all four statements and get at least three of the four "
	 "scenarios right, as a share of all post responses; the pre-programme figure is shown beside it. Only survey "
	 "runs that have closed with at least " DISCLOSURE_STR(DISCLOSURE_MIN) " responses count, each whole, in the "
	 "period it opened; a figure resting on " DISCLOSURE_SUPPRESSED_TEXT " is suppressed.",
	 "survey runs", o1_5, NULL, NULL, "survey"},
	{"O1.6", 1, "Young victims of domestic abuse", "people", -1, IND_EXTERNAL,
	 "An externally sourced figure, entered by an analyst with its source.", "", NULL, NULL, NULL, NULL},
	{"O1.7", 1, "Young perpetrators of domestic abuse", "people", -1, IND_EXTERNAL,
	 "An externally sourced figure, entered by an analyst with its source.", "", NULL, NULL, NULL, NULL},
	{"O5.1", 5, "Practitioner training sessions delivered", "sessions", +1, IND_COUNT,
	 "Face-to-face practitioner sessions that were not cancelled and whose end falls in the period (and has passed).",
	 "sessions", NULL, SQL_O5_1, NULL, "training"},
	{"O5.2", 5, "Practitioners trained", "people", +1, IND_COUNT,
	 "Different people marked attended, late or partial at a session delivered in the period.", "attendances", NULL, SQL_O5_2, NULL, "training"},
	{"O5.3", 5, "Attendance rate", "%", +1, IND_RATE,
	 "Of the bookings that held a place when a session delivered in the period began, the share whose holder came "
	 "(attended, late or partial). Walk-ins are not in either number.",
	 "attendances", NULL, SQL_O5_3, NULL, "training"},
	{"O5.4", 5, "Co-ordinated campaigns delivered", "campaigns", +1, IND_COUNT,
	 "Campaigns active in the period with two or more partner organisations; below Greater Essex, those with a "
	 "placement in the area.",
	 "placements", o5_4, NULL, NULL, "campaigns"},
	{"O5.5", 5, "Campaign reach: QR scans", "scans", +1, IND_COUNT,
	 "Scans of campaign QR codes in the period, in the area of the placement scanned.", "placements", NULL, SQL_O5_5, NULL, "campaigns"},
	{"O5.6", 5, "Employers signed up to the pledge", "employers", +1, IND_COUNT,
	 "Employers in the area that had signed the domestic abuse employer pledge by the end of the period (cumulative).",
	 "pledges", NULL, SQL_O5_6, NULL, "pledges"},
	{"O5.7", 5, "Practitioners confident to take action after training", "%", +1, IND_RATE,
	 "Evaluations of sessions delivered in the period that rate confidence to take action 4 or 5 after the session, "
	 "as a share of all of them. A session counts once feedback on it has closed, " DISCLOSURE_STR(EVALUATION_WINDOW_DAYS)
	 " days after it ends, and only with at least " DISCLOSURE_STR(DISCLOSURE_MIN) " evaluations; a figure resting "
	 "on " DISCLOSURE_SUPPRESSED_TEXT " is suppressed.",
	 "evaluations", o5_7, NULL, NULL, "training"},
	{"O5.8", 5, "Domestic abuse incidents in ethnic minority communities", "incidents", -1, IND_EXTERNAL,
	 "An externally sourced figure, entered by an analyst with its source.", "", NULL, NULL, NULL, NULL},
};
const int indicators_count = (int)ARRAY_LEN(indicators);

const struct indicator *indicator_find(const char *id)
{
	for (int i = 0; id && i < indicators_count; i++)
		if (strcmp(indicators[i].id, id) == 0)
			return &indicators[i];
	return NULL;
}


/* ---- the cache: a figure counted once is reused while its records are unchanged ---- */

enum { CACHE_SLOTS = 16384 };

struct cache_slot {
	char key[48];     /* "O5.1|FY2025-26|essex" */
	int64_t version;  /* of the indicator's source when it was counted */
	int64_t months;   /* and the sum of its versions over the period's months (010) */
	int64_t passed;   /* for figures that change as time passes: the last such instant (time_key) */
	struct indicator_value v;
};

/* The slots hold no pointers into a request's memory (figures with a source are counts and rates), so
 * the server's processes can share one cache (indicators_share_cache). */
struct cache {
	pthread_mutex_t lock;
	struct cache_slot slot[CACHE_SLOTS];
};
static struct cache own_cache = {.lock = PTHREAD_MUTEX_INITIALIZER};
static struct cache *cache = &own_cache;

int indicators_share_cache(void)
{
	struct cache *shared = mmap(NULL, sizeof *shared, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (shared == MAP_FAILED)
		return -1;
	pthread_mutexattr_t attr;
	pthread_mutexattr_init(&attr);
	pthread_mutexattr_setpshared(&attr, PTHREAD_PROCESS_SHARED);
	pthread_mutexattr_setrobust(&attr, PTHREAD_MUTEX_ROBUST);
	pthread_mutex_init(&shared->lock, &attr);
	pthread_mutexattr_destroy(&attr);
	cache = shared;
	return 0;
}

static void lock_cache(void)
{
	if (pthread_mutex_lock(&cache->lock) == EOWNERDEAD) {
		/* A process died holding it, perhaps halfway through a slot: start again from empty. */
		memset(cache->slot, 0, sizeof cache->slot);
		pthread_mutex_consistent(&cache->lock);
	}
}

/* The sources figures are cached against, as named in data_versions (migration 008). */
static const char *const sources[] = {"schools", "survey", "training", "campaigns", "pledges"};

static const char SQL_VERSION_TOTAL[] = "SELECT coalesce(sum(version), 0) FROM data_versions";

bool indicator_records_still(struct db *db, int64_t *seen)
{
	int64_t total = db_int(db, -1, SQL_VERSION_TOTAL, "");
	bool still = total >= 0 && total == *seen;
	*seen = total;
	return still;
}

static int source_index(const char *source)
{
	for (size_t i = 0; i < ARRAY_LEN(sources); i++)
		if (strcmp(sources[i], source) == 0)
			return (int)i;
	return -1;
}

/* The versions a context's figures are cached against, from the versions its request read once (at
 * its first context, so before any figure of the request is counted). Versions only grow, so the sum
 * over a period's months changes whenever one of them does. */
static void read_versions(struct indicator_ctx *c)
{
	for (size_t i = 0; i < ARRAY_LEN(c->versions); i++)
		c->versions[i] = -1;
	/* The months from the first to the last day of the period, as "YYYY-MM". */
	struct period_date last;
	period_last_day(&c->period, &last);
	char first_month[11], last_month[11];
	period_date_text(&c->period.from, first_month);
	period_date_text(&last, last_month);
	first_month[7] = last_month[7] = '\0';
	for (size_t i = 0; i < ARRAY_LEN(sources); i++) {
		c->versions[i] = indicator_reads_version(c->reads, sources[i]);
		c->month_versions[i] = indicator_reads_months(c->reads, sources[i], first_month, last_month);
	}
}

void indicator_ctx_init(struct indicator_ctx *c, struct indicator_reads *reads, const struct period *p,
			const char *area, int64_t now)
{
	memset(c, 0, sizeof *c);
	c->db = indicator_reads_db(reads);
	c->arena = indicator_reads_arena(reads);
	c->reads = reads;
	c->period = *p;
	c->area = area;
	c->now = now;
	period_bounds_utc(p, &c->from, &c->to);
	period_date_text(&p->from, c->from_date);
	period_date_text(&p->to, c->to_date);
	read_versions(c);
}

/* Sessions count once their end has passed, survey runs once they close, evaluations once their
 * window is over: a figure for a period not over by that long can change with the clock alone, so
 * those are keyed by the last such instant passed too (a figure counted then stands until the next). */
static int64_t time_key(const struct indicator *ind, const struct indicator_ctx *c)
{
	bool timed = strcmp(ind->source, "training") == 0 || strcmp(ind->source, "survey") == 0;
	return timed && c->to + disclosure_settles_after(ind->records) > c->now
		       ? indicator_reads_passed(c->reads, ind->source, c->now)
		       : 0;
}

static size_t slot_of(const char *key)
{
	uint64_t h = 1469598103934665603ull; /* FNV-1a */
	for (const char *p = key; *p; p++)
		h = (h ^ (unsigned char)*p) * 1099511628211ull;
	return (size_t)(h % CACHE_SLOTS);
}

static void compute_uncached(const struct indicator *ind, const struct indicator_ctx *c, struct indicator_value *v);

void indicator_compute(const struct indicator *ind, const struct indicator_ctx *c, struct indicator_value *v)
{
	if (ind->source == NULL) {
		compute_uncached(ind, c, v);
		return;
	}
	char key[48];
	snprintf(key, sizeof key, "%s|%s|%s", ind->id, c->period.name, c->area);
	int source = source_index(ind->source);
	int64_t version = source >= 0 ? c->versions[source] : -1, passed = time_key(ind, c);
	int64_t months = source >= 0 ? c->month_versions[source] : 0;
	struct cache_slot *slot = &cache->slot[slot_of(key)];
	lock_cache();
	bool hit = version >= 0 && slot->version == version && slot->months == months && slot->passed == passed &&
		   strcmp(slot->key, key) == 0;
	if (hit)
		*v = slot->v;
	pthread_mutex_unlock(&cache->lock);
	if (hit)
		return;
	compute_uncached(ind, c, v);
	/* The version was read before counting: a change meanwhile leaves an entry that is already stale
	 * under the new version, never a stale figure under the current one. */
	lock_cache();
	snprintf(slot->key, sizeof slot->key, "%s", key);
	slot->version = version;
	slot->months = months;
	slot->passed = passed;
	slot->v = *v;
	pthread_mutex_unlock(&cache->lock);
}

static void compute_uncached(const struct indicator *ind, const struct indicator_ctx *c, struct indicator_value *v)
{
	memset(v, 0, sizeof *v);
	if (ind->kind == IND_EXTERNAL) {
		external(ind, c, v);
	} else if (ind->compute) {
		ind->compute(c, v);
	} else if (ind->kind == IND_COUNT) {
		set_count(v, count(c, ind->sql));
	} else if (ind->sql_denominator) {
		set_rate(v, count(c, ind->sql), count(c, ind->sql_denominator));
	} else {
		int64_t denominator, numerator; /* one query giving both, in that order */
		query2(c, ind->sql, NULL, NULL, &denominator, &numerator);
		set_rate(v, numerator, denominator);
	}
}

void indicator_targets(const struct indicator_ctx *c, const struct indicator *ind, bool *has_baseline,
		       double *baseline, const char **baseline_period, bool *has_target, double *target)
{
	*has_baseline = indicator_reads_baseline(c->reads, ind->id, c->area, baseline, baseline_period);
	/* A target for the period itself, else for the financial year a quarter belongs to. */
	char fy[16] = "";
	if (c->period.kind == PERIOD_FY_QUARTER)
		snprintf(fy, sizeof fy, "%.9s", c->period.name);
	const char *names[] = {c->period.name, fy};
	*has_target = false;
	for (int i = 0; i < 2 && !*has_target && names[i][0]; i++)
		*has_target = indicator_reads_target(c->reads, ind->id, c->area, names[i], target);
}

int indicator_decimals(const struct indicator *ind)
{
	return ind->kind == IND_RATE ? 1 : ind->kind == IND_COUNT ? 0 : -1;
}

double indicator_round(const struct indicator *ind, double v)
{
	int decimals = indicator_decimals(ind);
	if (decimals < 0)
		return v;
	double scale = pow(10, decimals);
	return round(v * scale) / scale;
}

void indicator_number_text(const struct indicator *ind, double v, char out[32])
{
	int decimals = indicator_decimals(ind);
	if (decimals < 0)
		double_text(v, out);
	else
		snprintf(out, 32, "%.*f", decimals, indicator_round(ind, v));
}

/* How far v is from meeting target, as a share of the target (0 when met); both at the figure's
 * precision. */
static double shortfall(const struct indicator *ind, double v, double target)
{
	v = indicator_round(ind, v);
	target = indicator_round(ind, target);
	double gap = ind->better > 0 ? target - v : v - target;
	if (gap <= 1e-9 * fabs(target))
		return 0;
	return target != 0 ? gap / fabs(target) : INFINITY;
}

enum indicator_rag indicator_rag(const struct indicator *ind, const struct indicator_value *v, bool has_target,
				 double target)
{
	if (!has_target || !v->available || v->suppressed)
		return RAG_NONE;
	double gap = shortfall(ind, v->value, target);
	if (gap == 0)
		return RAG_GREEN;
	/* A little slack, so a figure exactly 10% short is amber however the division rounds. */
	return gap <= INDICATOR_AMBER_PERCENT / 100.0 + 1e-9 ? RAG_AMBER : RAG_RED;
}

const char *indicator_rag_name(enum indicator_rag rag)
{
	static const char *const names[] = {NULL, "green", "amber", "red"};
	return names[rag];
}

const char *indicator_status(const struct indicator *ind, const struct indicator_value *v, bool has_target,
			     double target)
{
	if (!has_target)
		return "no-target";
	if (!v->available || v->suppressed)
		return "no-value";
	return indicator_rag(ind, v, has_target, target) == RAG_GREEN ? "on-track" : "off-track";
}

static json_t *number(double v)
{
	/* Whole numbers print as integers (counts), others with their decimals (rates). */
	return v == floor(v) && fabs(v) < 1e15 ? json_integer((json_int_t)v) : json_real(v);
}

/* A figure at its precision: a rate's 22.2 is the nearest double to 22.2, which a JSON writer with
 * 15 significant digits prints as 22.2 (with 17 it would print 22.199999999999999). */
static json_t *figure(const struct indicator *ind, double v)
{
	return number(indicator_round(ind, v));
}

json_t *indicator_json(const struct indicator *ind, const struct indicator_ctx *c, const struct indicator_value *v)
{
	bool has_baseline, has_target;
	double baseline = 0, target = 0;
	const char *baseline_period = NULL;
	indicator_targets(c, ind, &has_baseline, &baseline, &baseline_period, &has_target, &target);
	bool shown = v->available && !v->suppressed;
	json_t *j = json_pack("{s:s, s:i, s:s, s:s, s:s, s:s, s:o, s:b, s:o, s:o, s:s, s:s}", "id", ind->id, "outcome",
			      ind->outcome, "title", ind->title, "unit", ind->unit, "period", c->period.name, "area", c->area,
			      "value", shown ? figure(ind, v->value) : json_null(), "suppressed", v->suppressed, "baseline",
			      has_baseline ? number(baseline) : json_null(), "target",
			      has_target ? number(target) : json_null(), "status",
			      indicator_status(ind, v, has_target, target), "better", ind->better > 0 ? "higher" : "lower");
	/* Suppressed figures give away nothing: not even the counts they would rest on. */
	json_object_set_new(j, "numerator", v->ratio && !v->suppressed ? json_integer(v->numerator) : json_null());
	json_object_set_new(j, "denominator", v->ratio && !v->suppressed ? json_integer(v->denominator) : json_null());
	json_object_set_new(j, "area_name", json_string(ref_area_name(c->db, c->area)));
	enum indicator_rag rag = indicator_rag(ind, v, has_target, target);
	json_object_set_new(j, "rag", rag == RAG_NONE ? json_null() : json_string(indicator_rag_name(rag)));
	/* Figures resting on answers say when there were none at all, which suppression alone does not. */
	if (strcmp(ind->records, "survey runs") == 0 || strcmp(ind->records, "evaluations") == 0)
		json_object_set_new(j, "no_responses", json_boolean(v->no_answers));
	if (v->has_pre) /* survey figures always say how many responses they rest on */
		json_object_set_new(j, "n", json_integer(v->denominator));
	if (has_baseline)
		json_object_set_new(j, "baseline_period", json_string(baseline_period));
	if (v->has_pre) {
		bool pre_shown = v->pre_available && !v->pre_suppressed;
		json_object_set_new(j, "pre", json_pack("{s:o, s:o, s:o, s:i, s:b}", "value",
							pre_shown ? figure(ind, v->pre_value) : json_null(), "numerator",
							pre_shown ? json_integer(v->pre_numerator) : json_null(), "denominator",
							pre_shown ? json_integer(v->pre_denominator) : json_null(), "n",
							(int)v->pre_denominator, "suppressed", v->pre_suppressed));
		json_object_set_new(json_object_get(j, "pre"), "no_responses", json_boolean(v->pre_no_answers));
	}
	if (ind->kind == IND_EXTERNAL) {
		json_object_set_new(j, "source", v->source ? json_string(v->source) : json_null());
		json_object_set_new(j, "note", v->note ? json_string(v->note) : json_null());
	}
	return j;
}
