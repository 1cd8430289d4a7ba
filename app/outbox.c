/* outbox.c — queue and send notifications. Sending runs in the server's mailer thread; a message
 * is marked sent only after the mail command accepted it. */
#include "outbox.h"

#include <jansson.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "db.h"
#include "ics.h"
#include "sessions.h"
#include "util.h"

extern char **environ;

static const char SQL_PUT[] = "INSERT INTO outbox (created_at, to_email, subject, body, attachment_name, "
			      "attachment_type, attachment, calendar_session, calendar_status, calendar_title)"
			      " VALUES (?, ?, ?, ?, ?, ?, ?, nullif(?, 0), ?, ?)";

int outbox_put(struct db *db, const struct outbox_message *m)
{
	return db_exec_along(db, SQL_PUT, "Isssss" "sIss", now_utc(), m->to, m->subject, m->body, m->attachment_name,
		       m->attachment_type, m->attachment, m->calendar_session, m->calendar_status,
		       m->calendar_title) == DB_OK
		       ? 0
		       : -1;
}

/* A message as it is handed over: a queued calendar entry is written on the way (write_calendar). */
struct message {
	int64_t id, sent_at;
	const char *to, *subject, *body, *att_name, *att_type, *att;
	int64_t calendar_session;
	const char *calendar_status, *calendar_title;
};

#define MESSAGE_COLUMNS                                                                                          \
	"id, coalesce(sent_at, 0), to_email, subject, body, attachment_name, attachment_type, attachment,"      \
	" coalesce(calendar_session, 0), calendar_status, calendar_title"

static void read_message(struct arena *a, struct db_stmt *st, struct message *m)
{
	*m = (struct message){
		.id = db_col_int64(st, 0),
		.sent_at = db_col_int64(st, 1),
		.to = arena_strdup(a, db_col_text(st, 2)),
		.subject = arena_strdup(a, db_col_text(st, 3)),
		.body = arena_strdup(a, db_col_text(st, 4)),
		.att_name = db_col_null(st, 5) ? NULL : arena_strdup(a, db_col_text(st, 5)),
		.att_type = db_col_null(st, 6) ? NULL : arena_strdup(a, db_col_text(st, 6)),
		.att = db_col_null(st, 7) ? NULL : arena_strdup(a, db_col_text(st, 7)),
		.calendar_session = db_col_int64(st, 8),
		.calendar_status = arena_strdup(a, db_col_text(st, 9)),
		.calendar_title = arena_strdup(a, db_col_text(st, 10)),
	};
}

/* The session's calendar entry, as the session is now, unless the message already has its file (sent,
 * or queued before calendars were written late). A session since deleted leaves the message without
 * one. False if the database failed. */
static bool write_calendar(struct db *db, struct arena *a, struct message *m)
{
	if (m->calendar_session == 0 || m->att != NULL)
		return true;
	struct session s;
	if (!sessions_find(db, a, m->calendar_session, &s))
		return !db_failed(db);
	/* A row without them (written by hand): a confirmed entry under the neutral title. */
	const char *status = m->calendar_status ? m->calendar_status : "confirmed";
	bool cancelled = strcmp(status, "cancelled") == 0;
	struct ics_event ev = {.session = &s,
			       .title = m->calendar_title ? m->calendar_title : session_title(&s, false),
			       .cancelled = cancelled,
			       .tentative = strcmp(status, "tentative") == 0};
	char *ics = ics_calendar(cancelled ? ICS_CANCEL : ICS_REQUEST, &ev, 1);
	m->att = arena_strdup(a, ics);
	free(ics);
	m->att_name = "session.ics";
	m->att_type = cancelled ? "text/calendar; method=CANCEL" : "text/calendar; method=REQUEST";
	return true;
}

/* A MIME message: plain text, plus the attachment when there is one. */
static void compose(struct buf *b, const char *to, const char *subject, const char *body, const char *att_name,
		    const char *att_type, const char *att)
{
	buf_printf(b, "To: %s\nFrom: lantern <no-reply@lantern.example>\nSubject: %s\nMIME-Version: 1.0\n", to, subject);
	if (att == NULL) {
		buf_printf(b, "Content-Type: text/plain; charset=utf-8\n\n%s\n", body);
		return;
	}
	const char *boundary = "lantern-boundary-7f3a";
	buf_printf(b, "Content-Type: multipart/mixed; boundary=\"%s\"\n\n--%s\n"
		      "Content-Type: text/plain; charset=utf-8\n\n%s\n\n--%s\n"
		      "Content-Type: %s\nContent-Disposition: attachment; filename=\"%s\"\n\n%s\n--%s--\n",
		   boundary, boundary, body, boundary, att_type ? att_type : "application/octet-stream",
		   att_name ? att_name : "attachment", att, boundary);
}

static int pipe_to(const char *sendmail, const char *msg, size_t len)
{
	int fds[2];
	if (pipe(fds) != 0)
		return -1;
	posix_spawn_file_actions_t fa;
	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_adddup2(&fa, fds[0], 0);
	posix_spawn_file_actions_addclose(&fa, fds[1]);
	char *argv[] = {(char *)sendmail, "-t", "-i", NULL};
	pid_t pid;
	int rc = posix_spawn(&pid, sendmail, &fa, NULL, argv, environ);
	posix_spawn_file_actions_destroy(&fa);
	close(fds[0]);
	if (rc != 0) {
		close(fds[1]);
		return -1;
	}
	size_t off = 0;
	while (off < len) {
		ssize_t n = write(fds[1], msg + off, len - off);
		if (n <= 0)
			break;
		off += (size_t)n;
	}
	close(fds[1]);
	int status;
	if (waitpid(pid, &status, 0) < 0)
		return -1;
	return off == len && WIFEXITED(status) && WEXITSTATUS(status) == 0 ? 0 : -1;
}

static const char SQL_PENDING[] = "SELECT " MESSAGE_COLUMNS
				  " FROM outbox WHERE sent_at IS NULL AND attempts < 10 ORDER BY id LIMIT 50";
/* What was handed over is kept: a calendar entry written on the way is stored with the message. */
static const char SQL_SENT[] = "UPDATE outbox SET sent_at = ?, attempts = attempts + 1, attachment_name = ?,"
			       " attachment_type = ?, attachment = ? WHERE id = ?";
static const char SQL_FAILED[] = "UPDATE outbox SET attempts = attempts + 1, last_error = ? WHERE id = ?";

int outbox_flush(struct db *db, const char *sendmail)
{
	if (sendmail == NULL || *sendmail == '\0')
		return 0;
	struct arena *a = arena_new();
	struct message batch[50];
	int n = 0;
	struct db_stmt *st = db_query(db, SQL_PENDING, "");
	while (n < 50 && db_next(st))
		read_message(a, st, &batch[n++]);
	db_done(st);
	int sent = 0;
	for (int i = 0; i < n; i++) {
		struct message *m = &batch[i];
		if (!write_calendar(db, a, m))
			break; /* the database failed: the rest wait for the next round */
		struct buf b = {0};
		compose(&b, m->to, m->subject, m->body, m->att_name, m->att_type, m->att);
		if (pipe_to(sendmail, b.data, b.len) == 0) {
			db_exec(db, SQL_SENT, "Isss" "I", now_utc(), m->att_name, m->att_type, m->att, m->id);
			sent++;
		} else {
			db_exec(db, SQL_FAILED, "sI", "the mail command failed", m->id);
		}
		buf_free(&b);
	}
	db_request_end(db);
	arena_free(a);
	return sent;
}

static const char SQL_TO[] = "SELECT " MESSAGE_COLUMNS " FROM outbox WHERE ?1 IS NULL OR to_email = ?1 ORDER BY id";

int outbox_print(struct db *db, const char *to)
{
	struct arena *a = arena_new();
	/* Read whole first: writing a calendar entry reads the database too. */
	struct listed {
		struct message m;
		struct listed *next;
	} *first = NULL, **last = &first;
	struct db_stmt *st = db_query(db, SQL_TO, "s", to);
	while (db_next(st)) {
		struct listed *l = arena_alloc(a, sizeof *l);
		read_message(a, st, &l->m);
		l->next = NULL;
		*last = l;
		last = &l->next;
	}
	db_done(st);
	json_t *all = json_array();
	bool ok = !db_failed(db);
	for (struct listed *l = first; ok && l; l = l->next) {
		struct message *m = &l->m;
		ok = write_calendar(db, a, m);
		json_array_append_new(all, json_pack("{s:I, s:s, s:s, s:s, s:s?, s:s?, s:s?, s:o}", "id", (json_int_t)m->id,
						     "to", m->to, "subject", m->subject, "body", m->body, "attachment_name",
						     m->att_name, "attachment_type", m->att_type, "attachment", m->att,
						     "sent_at", m->sent_at ? json_integer(m->sent_at) : json_null()));
	}
	if (ok) {
		json_dumpf(all, stdout, JSON_INDENT(2));
		putchar('\n');
	}
	json_decref(all);
	arena_free(a);
	db_request_end(db);
	return ok ? 0 : 1;
}
