/* main.c — the command line: init, serve, user add, token create, schools import, demo, outbox, backup, copy-to,
 * routes. */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "auth.h"
#include "bench_data.h"
#include "catalog.h"
#include "copy_to.h"
#include "html.h"
#include "outbox.h"
#include "indicator_pages.h"
#include "placements.h"
#include "print.h"
#include "route.h"
#include "db.h"
#include "demo.h"
#include "error_pages.h"
#include "schools_import.h"
#include "server.h"
#include "site.h"
#include "users.h"
#include "util.h"
#include "valid.h"

static const char usage[] =
	"usage:\n"
	"  lantern --db PATH init                        create or migrate the database\n"
	"  lantern --db PATH serve --socket PATH|HOST:PORT --base-url URL [--processes N] [--threads N] [--sendmail CMD]\n"
	"  lantern --db PATH user add --email E --name N --role R [--org ID | --school URN]  (password on stdin)\n"
	"  lantern --db PATH user add ... --invite --base-url URL   e-mail them a link to choose their password instead\n"
	"  lantern --db PATH token create --email E      print a new API token for that user\n"
	"  lantern --db PATH schools import FILE.csv     add or update settings (" SCHOOLS_CSV_HEADER ")\n"
	"  lantern --db PATH demo                        load a demonstration data set\n"
	"  lantern --db PATH indicators --period P [--area A] [--breakdown] [--format json|csv|adx]\n"
	"  lantern --db PATH outbox --base-url URL [--to E]  queued and sent e-mail as JSON, as handed to the mail command\n"
	"  lantern --db PATH backup FILE                 online, consistent copy (file mode 0600)\n"
	"  lantern --db PATH copy-to postgresql://...    copy a SQLite database into a new PostgreSQL one (all or nothing)\n"
	"  lantern --catalog check                       validate courses/ and campaigns/\n"
	"  lantern routes                                print the route table (method, pattern, roles) as JSON\n"
	"  lantern error-pages DIR                       write nginx's own error pages (413, 429, 500, 502, 504) into DIR\n"
	"  lantern --db PATH bench-data [--scale N] [--out DIR]   fill an empty database for make bench\n"
	"  lantern --db PATH bench-commit [--seconds S]  one-row commits per second on a scratch database\n";

/* Value of --name in argv[from..], or NULL. */
static const char *opt(int argc, char **argv, int from, const char *name)
{
	for (int i = from; i + 1 < argc; i++)
		if (strcmp(argv[i], name) == 0)
			return argv[i + 1];
	return NULL;
}

/* Whether argv holds the flag name. */
static bool has_flag(int argc, char **argv, const char *name)
{
	for (int i = 0; i < argc; i++)
		if (strcmp(argv[i], name) == 0)
			return true;
	return false;
}

/* Sets the public address from --base-url, for what writes it (links, calendar entries) as serve would;
 * false, having said what needs it, when it is missing or not an address. */
static bool public_address(int argc, char **argv, const char *needs)
{
	const char *base_url = opt(argc, argv, 0, "--base-url");
	if (base_url && site_set_base_url(base_url) == 0)
		return true;
	fprintf(stderr, "lantern: %s needs --base-url, the address serve was given (http or https, a host and an optional "
			"port)\n",
		needs);
	return false;
}

static struct db *open_current(const char *path)
{
	struct db *db = db_open(path, false);
	if (db == NULL)
		return NULL;
	if (!db_is_current(db)) {
		char *shown = db_shown_name(path);
		fprintf(stderr, "lantern: %s is not initialised or needs migrating: run lantern --db %s init\n", shown, shown);
		free(shown);
		db_close(db);
		return NULL;
	}
	if (auth_load_secrets(db) != 0) {
		db_close(db);
		return NULL;
	}
	return db;
}

static int cmd_init(const char *path)
{
	struct db *db = db_open(path, true);
	if (db == NULL)
		return 1;
	int rc = db_migrate(db) == 0 && auth_load_secrets(db) == 0 ? 0 : 1;
	db_close(db);
	return rc;
}

static char *read_password(void)
{
	char line[PASSWORD_MAX + 2];
	if (fgets(line, sizeof line, stdin) == NULL)
		return NULL;
	line[strcspn(line, "\r\n")] = '\0';
	return xstrdup(line);
}

static int cmd_user_add(const char *path, int argc, char **argv)
{
	struct user_input in = {
		.email = opt(argc, argv, 0, "--email"),
		.name = opt(argc, argv, 0, "--name"),
		.role = opt(argc, argv, 0, "--role"),
		.org = opt(argc, argv, 0, "--org"),
		.school = opt(argc, argv, 0, "--school"),
	};
	char *password = NULL;
	/* An invitation's link carries the public address, as the server would write it. */
	if (has_flag(argc, argv, "--invite")) {
		if (!public_address(argc, argv, "--invite"))
			return 2;
		in.invite = true;
	} else {
		if (isatty(0))
			fprintf(stderr, "Password: ");
		password = read_password();
		in.password = password;
	}
	struct db *db = open_current(path);
	if (db == NULL) {
		free(password);
		return 1;
	}
	struct form_errors fe = {0};
	int64_t id = users_save(db, 0, 0, &in, &fe);
	for (int i = 0; i < fe.n; i++)
		fprintf(stderr, "lantern: --%s: %s\n", strcmp(fe.e[i].field, "password") == 0 ? "password (stdin)" : fe.e[i].field,
			fe.e[i].message);
	if (id)
		printf("added user %lld %s%s\n", (long long)id, in.email, in.invite ? ", invited by e-mail" : "");
	free(password);
	db_close(db);
	return id ? 0 : 1;
}

static const char SQL_USER_ID[] = "SELECT id FROM users WHERE email = ? AND active = 1";

static int cmd_token_create(const char *path, int argc, char **argv)
{
	const char *email = opt(argc, argv, 0, "--email");
	if (email == NULL) {
		fputs("lantern: token create needs --email\n", stderr);
		return 2;
	}
	struct db *db = open_current(path);
	if (db == NULL)
		return 1;
	int64_t id = db_int(db, 0, SQL_USER_ID, "s", email);
	int rc = 1;
	if (id == 0) {
		fprintf(stderr, "lantern: --email: no active user %s\n", email);
	} else {
		struct arena *a = arena_new();
		const char *token = auth_token_create(db, a, id, "command line");
		if (token) {
			puts(token);
			rc = 0;
		}
		arena_free(a);
	}
	db_close(db);
	return rc;
}

/* Loads the catalogue; every problem is printed with its file and line. With print, every material is
 * also drawn as it would print at this site's address, so words that do not fit stop it here. */
static int load_catalog(bool print)
{
	struct buf errors = {0};
	int problems = catalog_load(catalog_root(), &errors);
	if (problems == 0 && print) {
		char *address = placements_widest_url();
		problems = print_check(catalog_get(), address, &errors);
		free(address);
		if (problems)
			catalog_free();
	}
	if (problems)
		fprintf(stderr, "%slantern: the catalogue in %s has %d problem%s\n", errors.data, catalog_root(), problems,
			problems == 1 ? "" : "s");
	buf_free(&errors);
	return problems ? 1 : 0;
}

static int cmd_outbox(const char *path, int argc, char **argv)
{
	/* Calendar entries not yet written carry the public address, as the mailer would write them. */
	if (!public_address(argc, argv, "outbox"))
		return 2;
	struct db *db = open_current(path);
	int rc = db ? outbox_print(db, opt(argc, argv, 0, "--to")) : 1;
	db_close(db);
	return rc;
}

static int cmd_catalog_check(void)
{
	/* No site here: the print check takes an address as long as a council's is likely to be (serve
	 * checks again with the real one). */
	site_set_base_url("https://lantern.example.gov.uk");
	if (load_catalog(true) != 0)
		return 1;
	const struct catalog *cat = catalog_get();
	printf("catalogue ok: %d courses, %d campaigns, help in %d languages\n", cat->ncourses, cat->ncampaigns,
	       cat->nhelp);
	catalog_free();
	return 0;
}

/* Reads the count --name (1 to 64) into *out if it is given; false, with a message, if it is bad. */
static bool count_opt(int argc, char **argv, const char *name, int *out)
{
	const char *text = opt(argc, argv, 0, name);
	long long n;
	if (text == NULL)
		return true;
	if (!valid_int(text, 1, 64, &n)) {
		fprintf(stderr, "lantern: %s: give a number from 1 to 64\n", name);
		return false;
	}
	*out = (int)n;
	return true;
}

static int cmd_serve(const char *path, int argc, char **argv)
{
	/* One serving process of eight threads: its writes commit in groups of up to eight with one fsync,
	 * where two processes of four commit in groups of four at most and, taking turns at SQLite's lock,
	 * each re-read the pages the other wrote (bench data, 3,000 bookings: 0.21 fsyncs and 14 page reads
	 * a booking against 0.49 and 26, booking 0.354 against 0.249 x the commit limit). A crash still
	 * costs only the requests in flight: the master keeps the listening socket, so requests queue for
	 * the process it forks at once, and nginx retries a GET on it. Eight threads on 2 cores, as a
	 * thread waiting for its group's fsync leaves the CPU to the others.
	 *
	 * On PostgreSQL each thread holds a connection, a server process of its own, and the database's
	 * work is done there, beside lantern's threads, on the same cores: twice the cores (PostgreSQL's
	 * own rule for the connections worth having), 2 to 8. On 2 cores, 4 threads served the session
	 * list 13-25% faster than 8 and booked about as fast (README, Speed). */
	int cores = (int)sysconf(_SC_NPROCESSORS_ONLN);
	int pg_threads = cores < 1 ? 2 : cores > 4 ? 8 : 2 * cores;
	struct server_opts so = {.db_path = path, .socket_path = opt(argc, argv, 0, "--socket"), .processes = 1,
				 .threads = db_is_postgres(path) ? pg_threads : 8, .sendmail = opt(argc, argv, 0, "--sendmail")};
	/* The environment can name the mail command too, so nginx/run needs no option for it. */
	if (so.sendmail == NULL)
		so.sendmail = getenv("LANTERN_SENDMAIL");
	if (!count_opt(argc, argv, "--threads", &so.threads) || !count_opt(argc, argv, "--processes", &so.processes))
		return 2;
	if (so.socket_path == NULL) {
		fputs("lantern: serve needs --socket PATH (or HOST:PORT)\n", stderr);
		return 2;
	}
	/* Whoever reaches a FastCGI port speaks as nginx (the client's address, HTTPS): libfcgi accepts
	 * only the addresses FCGI_WEB_SERVER_ADDRS lists, so a TCP listener needs the list. */
	enum server_address kind = server_address_kind(so.socket_path);
	if (kind == SERVER_BAD_ADDRESS) {
		fputs("lantern: --socket: give the path of a Unix socket (with no colon), or HOST:PORT with a port from 1 "
		      "to 65535 to listen on TCP\n",
		      stderr);
		return 2;
	}
	if (kind == SERVER_TCP && getenv("FCGI_WEB_SERVER_ADDRS") == NULL) {
		fputs("lantern: --socket HOST:PORT listens on TCP: set FCGI_WEB_SERVER_ADDRS to the address(es) of the "
		      "nginx machines allowed to connect, comma-separated (README, \"Several application hosts\")\n",
		      stderr);
		return 2;
	}
	/* The only source of the address in links that leave the site: never a request's Host header. */
	const char *base_url = opt(argc, argv, 0, "--base-url");
	if (base_url == NULL || site_set_base_url(base_url) != 0) {
		fputs("lantern: --base-url: give the public address people reach lantern at, like "
		      "https://lantern.example.org or http://127.0.0.1:8080: http or https, a host and an optional "
		      "port, with no path, query or user name\n",
		      stderr);
		return 2;
	}
	/* A broken catalogue stops the server here, before it answers anyone. */
	if (load_catalog(true) != 0)
		return 1;
	int rc = server_run(&so);
	catalog_free();
	return rc;
}

static int cmd_schools_import(const char *path, const char *file)
{
	struct db *db = open_current(path);
	if (db == NULL)
		return 1;
	int rc = schools_import_command(db, file);
	db_close(db);
	return rc;
}

/* The demo records Risk Avert deliveries, which are checked against the catalogue. */
static int cmd_demo(const char *path)
{
	if (load_catalog(false) != 0)
		return 1;
	struct db *db = open_current(path);
	int rc = db && demo_load(db) == 0 ? 0 : 1;
	db_close(db);
	catalog_free();
	return rc;
}

/* The bench's data set (bench_data.c); the files for the wrk scripts go beside the database unless
 * --out names a folder. */
static int cmd_bench_data(const char *path, int argc, char **argv)
{
	const char *scale_text = opt(argc, argv, 0, "--scale"), *out = opt(argc, argv, 0, "--out");
	long long scale = BENCH_SCALE_DEFAULT;
	if (scale_text && !valid_int(scale_text, 1, BENCH_SCALE_MAX, &scale)) {
		fprintf(stderr, "lantern: --scale: give a number from 1 to %d\n", BENCH_SCALE_MAX);
		return 2;
	}
	char *dir = out ? xstrdup(out) : xstrdup(path);
	if (out == NULL) {
		char *slash = strrchr(dir, '/');
		if (slash)
			*slash = '\0';
		else
			strcpy(dir, ".");
	}
	int rc = 1;
	struct db *db = NULL;
	if (load_catalog(false) == 0 && (db = open_current(path)) != NULL)
		rc = bench_data_run(db, (int)scale, dir);
	db_close(db);
	catalog_free();
	free(dir);
	return rc;
}

static int cmd_bench_commit(const char *path, int argc, char **argv)
{
	const char *text = opt(argc, argv, 0, "--seconds");
	long long seconds = 3;
	if (text && !valid_int(text, 1, 60, &seconds)) {
		fputs("lantern: --seconds: give a number from 1 to 60\n", stderr);
		return 2;
	}
	struct db *db = db_open(path, true);
	int rc = db ? bench_commit_run(db, (double)seconds) : 1;
	db_close(db);
	return rc;
}

int main(int argc, char **argv)
{
	/* Every date and time a person sees is in UK time; storage stays UTC. */
	setenv("TZ", "Europe/London", 1);
	tzset();
	if (auth_init() != 0) {
		fputs("lantern: cannot initialise libsodium\n", stderr);
		return 1;
	}
	html_set_asset_version(getenv("LANTERN_ASSET_VERSION"));

	const char *db_path = NULL;
	bool catalog_mode = false;
	int i = 1;
	for (; i < argc && argv[i][0] == '-'; i++) {
		if (strcmp(argv[i], "--db") == 0 && i + 1 < argc)
			db_path = argv[++i];
		else if (strcmp(argv[i], "--catalog") == 0)
			catalog_mode = true;
		else if (strcmp(argv[i], "--help") == 0) {
			fputs(usage, stdout);
			if (clock_is_settable())
				fputs("test build: the clock follows LANTERN_CLOCK_FILE or LANTERN_NOW\n", stdout);
			return 0;
		} else {
			fprintf(stderr, "lantern: unknown option %s\n%s", argv[i], usage);
			return 2;
		}
	}
	if (catalog_mode && i < argc && strcmp(argv[i], "check") == 0)
		return cmd_catalog_check();
	if (i < argc && strcmp(argv[i], "routes") == 0) {
		char *table = route_table_json();
		int rc = table && puts(table) >= 0 ? 0 : 1;
		free(table);
		return rc;
	}
	if (i + 1 < argc && strcmp(argv[i], "error-pages") == 0) {
		if (load_catalog(false) != 0)
			return 1;
		int rc = error_pages_write(argv[i + 1]);
		catalog_free();
		return rc;
	}
	if (i >= argc || db_path == NULL) {
		fputs(usage, stderr);
		return 2;
	}
	const char *cmd = argv[i];
	const char *sub = i + 1 < argc ? argv[i + 1] : "";
	int rest = argc - i, code;
	char **rargv = argv + i;
	if (strcmp(cmd, "init") == 0)
		code = cmd_init(db_path);
	else if (strcmp(cmd, "serve") == 0)
		code = cmd_serve(db_path, rest, rargv);
	else if (strcmp(cmd, "user") == 0 && strcmp(sub, "add") == 0)
		code = cmd_user_add(db_path, rest, rargv);
	else if (strcmp(cmd, "token") == 0 && strcmp(sub, "create") == 0)
		code = cmd_token_create(db_path, rest, rargv);
	else if (strcmp(cmd, "indicators") == 0) {
		struct db *db = open_current(db_path);
		code = db && load_catalog(false) == 0 ? indicators_cli(db, rest, rargv) : 1;
		catalog_free();
		db_close(db);
	} else if (strcmp(cmd, "schools") == 0 && strcmp(sub, "import") == 0 && i + 2 < argc)
		code = cmd_schools_import(db_path, argv[i + 2]);
	else if (strcmp(cmd, "demo") == 0)
		code = cmd_demo(db_path);
	else if (strcmp(cmd, "outbox") == 0)
		code = cmd_outbox(db_path, rest, rargv);
	else if (strcmp(cmd, "bench-data") == 0)
		code = cmd_bench_data(db_path, rest, rargv);
	else if (strcmp(cmd, "bench-commit") == 0)
		code = cmd_bench_commit(db_path, rest, rargv);
	else if (strcmp(cmd, "backup") == 0 && i + 1 < argc) {
		/* Any schema version: the service takes a copy before `init` migrates it. */
		struct db *db = db_open(db_path, false);
		code = db && db_backup(db, argv[i + 1]) == 0 ? 0 : 1;
		db_close(db);
	} else if (strcmp(cmd, "copy-to") == 0 && i + 1 < argc) {
		code = copy_to_command(db_path, argv[i + 1]);
	} else {
		fprintf(stderr, "lantern: unknown command %s\n%s", cmd, usage);
		code = 2;
	}
	return code;
}
