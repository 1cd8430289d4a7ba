/* outbox.c — queue and send notifications. Sending runs in the server's mailer thread; a message
 * is marked sent only after the mail command accepted it. */
#include "outbox.h"

#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "db.h"
#include "util.h"

extern char **environ;

static const char SQL_PUT[] = "INSERT INTO outbox (created_at, to_email, subject, body, attachment_name, "
			      "attachment_type, attachment) VALUES (?, ?, ?, ?, ?, ?, ?)";

int outbox_put(struct db *db, const struct outbox_message *m)
{
	return db_exec(db, SQL_PUT, "Isssss" "s", now_utc(), m->to, m->subject, m->body, m->attachment_name,
		       m->attachment_type, m->attachment) == DB_OK
		       ? 0
		       : -1;
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

static const char SQL_PENDING[] = "SELECT id, to_email, subject, body, attachment_name, attachment_type, attachment"
				  " FROM outbox WHERE sent_at IS NULL AND attempts < 10 ORDER BY id LIMIT 50";
static const char SQL_SENT[] = "UPDATE outbox SET sent_at = ?, attempts = attempts + 1 WHERE id = ?";
static const char SQL_FAILED[] = "UPDATE outbox SET attempts = attempts + 1, last_error = ? WHERE id = ?";

int outbox_flush(struct db *db, const char *sendmail)
{
	if (sendmail == NULL || *sendmail == '\0')
		return 0;
	struct {
		int64_t id;
		char *msg;
	} batch[50];
	int n = 0;
	struct db_stmt *st = db_query(db, SQL_PENDING, "");
	while (n < 50 && db_next(st)) {
		struct buf b = {0};
		compose(&b, db_col_text(st, 1), db_col_text(st, 2), db_col_text(st, 3), db_col_text(st, 4),
			db_col_text(st, 5), db_col_text(st, 6));
		batch[n].id = db_col_int64(st, 0);
		batch[n].msg = buf_take(&b);
		n++;
	}
	db_done(st);
	int sent = 0;
	for (int i = 0; i < n; i++) {
		if (pipe_to(sendmail, batch[i].msg, strlen(batch[i].msg)) == 0) {
			db_exec(db, SQL_SENT, "II", now_utc(), batch[i].id);
			sent++;
		} else {
			db_exec(db, SQL_FAILED, "sI", "the mail command failed", batch[i].id);
		}
		free(batch[i].msg);
	}
	db_request_end(db);
	return sent;
}
