# tests/bench/postgres.sh — sourced by run.sh when BENCH_DB=postgresql: a throwaway PostgreSQL cluster
# for the bench, from Debian's packages (initdb, pg_ctl) in a temporary directory, on a Unix socket
# only, as nobody when root (initdb refuses root). Unlike the tests' cluster (tests/http/postgres.mjs)
# it keeps fsync on: the bench measures commits, and a commit the disk has not synced is not one.
#
#   bench_pg_start   sets BENCH_PG_URI (database lantern, empty) and BENCH_PG_COMMIT_URI (a scratch
#                    database for bench-commit)
#   bench_pg_stop    stops the cluster and removes it (safe to call twice, or before a start)

bench_pg_start() {
	local bindir
	bindir=$(pg_config --bindir 2>/dev/null || true)
	[ -x "$bindir/initdb" ] || bindir=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)
	[ -x "$bindir/initdb" ] || { echo "bench: PostgreSQL's initdb not found (apt-get install postgresql)" >&2; return 1; }
	BENCH_PG_DIR=$(mktemp -d /tmp/lantern-bench-pg.XXXXXX)
	local as=()
	if [ "$(id -u)" = 0 ]; then
		chown nobody:nogroup "$BENCH_PG_DIR"
		as=(setpriv --reuid=nobody --regid=nogroup --clear-groups --reset-env)
	fi
	BENCH_PG_CTL=("${as[@]}" "$bindir/pg_ctl" -D "$BENCH_PG_DIR/data")
	"${as[@]}" "$bindir/initdb" -D "$BENCH_PG_DIR/data" -U lantern --auth=trust --encoding=UTF8 --locale=C >/dev/null
	"${BENCH_PG_CTL[@]}" -l "$BENCH_PG_DIR/log" -w -t 60 \
		-o "-k $BENCH_PG_DIR -p 5432 -c listen_addresses='' -c max_connections=200" start >/dev/null
	local at="host=$BENCH_PG_DIR&port=5432"
	psql -X -q -v ON_ERROR_STOP=1 -d "postgresql://lantern@/postgres?$at" \
		-c 'CREATE DATABASE lantern' -c 'CREATE DATABASE commit_limit'
	BENCH_PG_URI="postgresql://lantern@/lantern?$at"
	BENCH_PG_COMMIT_URI="postgresql://lantern@/commit_limit?$at"
}

bench_pg_stop() {
	[ -n "${BENCH_PG_DIR:-}" ] || return 0
	"${BENCH_PG_CTL[@]}" -m fast -w stop >/dev/null 2>&1 || true
	rm -rf "$BENCH_PG_DIR"
	BENCH_PG_DIR=
}
