/* sql_placeholders.c — rewrites SQLite's parameters as PostgreSQL's (sql_placeholders.h). */
#include "sql_placeholders.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "util.h"

static bool name_char(char c)
{
	return isalnum((unsigned char)c) || c == '_';
}

/* The end of the quoted text that starts at s (a ' or "), a doubled quote standing for one. */
static const char *quoted_end(const char *s)
{
	char q = *s++;
	for (; *s; s++)
		if (*s == q) {
			if (s[1] != q)
				return s + 1;
			s++;
		}
	return s;
}

/* The end of the comment at s, or s when none starts there. */
static const char *comment_end(const char *s)
{
	if (s[0] == '-' && s[1] == '-')
		return s + strcspn(s, "\n");
	if (s[0] == '/' && s[1] == '*') {
		const char *e = strstr(s + 2, "*/");
		return e ? e + 2 : s + strlen(s);
	}
	return s;
}

/* The number a name already has, or 0. */
static int named(char **names, int count, const char *name, size_t len)
{
	for (int i = 0; i < count; i++)
		if (names[i] && strlen(names[i]) == len && memcmp(names[i], name, len) == 0)
			return i + 1;
	return 0;
}

int sql_params_rewrite(const char *sql, struct sql_params *out)
{
	struct buf b = {0};
	char **names = xcalloc(SQL_PARAMS_MAX, sizeof *names);
	int count = 0;
	for (const char *s = sql; *s;) {
		const char *e = comment_end(s);
		if (e == s && (*s == '\'' || *s == '"'))
			e = quoted_end(s);
		if (e != s) {
			buf_append(&b, s, (size_t)(e - s));
			s = e;
			continue;
		}
		int n = 0;
		if ((*s == '?' || *s == '$') && isdigit((unsigned char)s[1])) {
			long v = strtol(s + 1, (char **)&e, 10);
			if (v < 1 || v > SQL_PARAMS_MAX)
				goto bad;
			n = (int)v;
		} else if (*s == '?') {
			if (count == SQL_PARAMS_MAX)
				goto bad;
			n = count + 1;
			e = s + 1;
		} else if ((*s == ':' || *s == '@') && name_char(s[1]) && !isdigit((unsigned char)s[1]) &&
			   (s == sql || s[-1] != ':')) {
			for (e = s + 1; name_char(*e); e++)
				;
			n = named(names, count, s, (size_t)(e - s));
			if (n == 0) {
				if (count == SQL_PARAMS_MAX)
					goto bad;
				n = count + 1;
				names[n - 1] = xstrndup(s, (size_t)(e - s));
			}
		} else if (*s == ':' && s[1] == ':') {
			buf_append(&b, s, 2);
			s += 2;
			continue;
		} else {
			buf_append(&b, s, 1);
			s++;
			continue;
		}
		if (n > count)
			count = n;
		buf_printf(&b, "$%d", n);
		s = e;
	}
	out->sql = b.data ? b.data : xstrdup("");
	out->count = count;
	out->names = names;
	return 0;
bad:
	for (int i = 0; i < SQL_PARAMS_MAX; i++)
		free(names[i]);
	free(names);
	buf_free(&b);
	return -1;
}

void sql_params_free(struct sql_params *p)
{
	if (p->names)
		for (int i = 0; i < p->count; i++)
			free(p->names[i]);
	free(p->names);
	free(p->sql);
	*p = (struct sql_params){0};
}
