/* indicator_pages.h — the Board's dashboard, drill-downs, external figures, baselines and targets,
 * and the indicators API and command. */
#ifndef LANTERN_INDICATOR_PAGES_H
#define LANTERN_INDICATOR_PAGES_H

#include "req.h"
#include "resp.h"

struct arena;
struct db;

int indicators_dashboard(const struct req *r, struct resp *o);
int indicators_detail_page(const struct req *r, struct resp *o);
int indicators_export_page(const struct req *r, struct resp *o);
int indicators_figures_page(const struct req *r, struct resp *o);
int indicators_figures_post(const struct req *r, struct resp *o);
int indicators_targets_page(const struct req *r, struct resp *o);
int indicators_targets_post(const struct req *r, struct resp *o);

int indicators_api_list(const struct req *r, struct resp *o);
int indicators_api_series(const struct req *r, struct resp *o);
int indicators_api_put_figure(const struct req *r, struct resp *o);
int indicators_api_put_target(const struct req *r, struct resp *o);

/* Counts the figures the Board opens first, when they are not cached already: the server's
 * background duty calls it, so the first view after a start or a change is not the one that waits. */
void indicators_warm(struct db *db, struct arena *a);

/* `lantern --db PATH indicators --period P [--area A] [--breakdown] [--format json|csv|adx]` */
int indicators_cli(struct db *db, int argc, char **argv);

#endif
