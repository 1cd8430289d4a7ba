/* demo.c — demonstration data: partner organisations, a school, and one user per role, each with
 * the password DEMO_PASSWORD, which `make run` prints. */
#include "demo.h"

#include <stdio.h>

#include "db.h"
#include "organisations.h"
#include "users.h"
#include "util.h"

static const struct org_input demo_orgs[] = {
	{"Essex Police", "police", "essex", NULL},
	{"Mid and South Essex NHS Foundation Trust", "health", "essex", NULL},
	{"Southend City Council", "local-authority", "southend", NULL},
	{"Thurrock Council Housing", "housing", "thurrock", NULL},
	{"Colchester Community Advice", "voluntary", "colchester", NULL},
	{"Lantern Demo Training Team", "other", "greater-essex", NULL},
};

static const char SQL_DEMO_SCHOOL[] =
	"INSERT OR IGNORE INTO settings (urn, name, phase, area, y7, y8, y9, y10, y11)"
	" VALUES ('900001', 'Demo Academy Southend', 'secondary', 'southend', 180, 182, 175, 170, 168)";
static const char SQL_ORG_ID[] = "SELECT id FROM organisations WHERE name = ?";
static const char SQL_USER_EXISTS[] = "SELECT count(*) FROM users WHERE email = ?";

static const struct {
	const char *email, *name, *role, *org;
} demo_users[] = {
	{"admin@lantern.example", "Alex Admin", "admin", "Lantern Demo Training Team"},
	{"trainer@lantern.example", "Taylor Trainer", "trainer", "Lantern Demo Training Team"},
	{"school@lantern.example", "Sam School-Lead", "school", NULL},
	{"practitioner@lantern.example", "Priya Practitioner", "practitioner", "Mid and South Essex NHS Foundation Trust"},
	{"campaign@lantern.example", "Casey Campaigns", "campaign", "Southend City Council"},
	{"analyst@lantern.example", "Ari Analyst", "analyst", NULL},
};

int demo_load(struct db *db)
{
	printf("demo: organisations");
	for (size_t i = 0; i < ARRAY_LEN(demo_orgs); i++) {
		struct form_errors fe = {0};
		if (db_int(db, 0, SQL_ORG_ID, "s", demo_orgs[i].name) == 0 &&
		    organisations_save(db, 0, 0, &demo_orgs[i], &fe) == 0) {
			fprintf(stderr, "\ndemo: cannot add %s: %s\n", demo_orgs[i].name, fe.n ? fe.e[0].message : "?");
			return -1;
		}
		putchar('.');
		fflush(stdout);
	}
	printf(" %zu\ndemo: schools", ARRAY_LEN(demo_orgs));
	if (db_exec(db, SQL_DEMO_SCHOOL, "") != DB_OK)
		return -1;
	printf(" 1\ndemo: users");
	for (size_t i = 0; i < ARRAY_LEN(demo_users); i++) {
		if (db_int(db, 0, SQL_USER_EXISTS, "s", demo_users[i].email) > 0)
			continue;
		char org[24] = "";
		if (demo_users[i].org)
			snprintf(org, sizeof org, "%lld", (long long)db_int(db, 0, SQL_ORG_ID, "s", demo_users[i].org));
		struct user_input in = {.email = demo_users[i].email, .name = demo_users[i].name,
					.role = demo_users[i].role, .org = org,
					.school = demo_users[i].org ? NULL : "900001", .password = DEMO_PASSWORD};
		struct form_errors fe = {0};
		if (users_save(db, 0, 0, &in, &fe) == 0) {
			fprintf(stderr, "\ndemo: cannot add %s: %s\n", in.email, fe.n ? fe.e[0].message : "?");
			return -1;
		}
		putchar('.');
		fflush(stdout);
	}
	printf(" %zu\n\nDemo sign-ins (password \"%s\" for each):\n", ARRAY_LEN(demo_users), DEMO_PASSWORD);
	for (size_t i = 0; i < ARRAY_LEN(demo_users); i++)
		printf("  %-13s %s\n", demo_users[i].role, demo_users[i].email);
	return 0;
}
