/* sql_placeholders.h — SQLite's parameters (?, ?NNN, :name, @name) as PostgreSQL's ($1, $2 ...), so
 * a statement is written once for both engines (db.h). Text only: no database here. */
#ifndef LANTERN_SQL_PLACEHOLDERS_H
#define LANTERN_SQL_PLACEHOLDERS_H

enum { SQL_PARAMS_MAX = 999 }; /* SQLite's own default limit */

struct sql_params {
	char *sql;    /* the statement with $n placeholders */
	int count;    /* the highest n */
	char **names; /* count entries: the name $n stands for (":area"), or NULL for a positional one */
};

/* Numbers as SQLite does: ? takes the number after the highest so far, ?NNN is number NNN, and each
 * distinct :name or @name takes the next number where it first appears. Strings, quoted identifiers
 * and comments are copied untouched, as are PostgreSQL's own $n and :: casts (in text written for
 * PostgreSQL alone). Returns 0, or -1 (out untouched) for a number beyond SQL_PARAMS_MAX. */
int sql_params_rewrite(const char *sql, struct sql_params *out);
void sql_params_free(struct sql_params *p);

#endif
