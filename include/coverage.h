/* coverage.h — what Risk Avert has reached: a setting's coverage for a period (modules × year
 * groups, with dates, pupils reached and the share of each year group's roll), and the area
 * overview of which settings deliver the programme and which do not yet. */
#ifndef LANTERN_COVERAGE_H
#define LANTERN_COVERAGE_H

#include "req.h"
#include "resp.h"

int coverage_page(const struct req *r, struct resp *o);
int coverage_api(const struct req *r, struct resp *o);
int coverage_areas_page(const struct req *r, struct resp *o);

#endif
