#!/usr/bin/env bash
# tests/bench/run.sh — `make bench`: generates the scaled data set, starts the real stack (nginx/run) on
# it, drives it with wrk on loopback at 1 and 32 connections, and prints each figure as a ratio to
# /healthz and to a static asset measured in the same run (the stack's and nginx's own limits), the
# booking POST against the disk's commit limit, the FastCGI server's peak memory, and the session list
# served while one application process is killed every few seconds against the same run without kills.
# Writes build/bench/results.csv and results.txt. Speed is measured here, never asserted in tests.
#
# Environment: BENCH_SCALE (default 10), BENCH_SECONDS per measurement (default 5), BENCH_ROUNDS
# (default 2: every measurement is taken that many times, rounds interleaved, and the best kept, as a
# shared machine's noise only ever slows a run down), BENCH_PROCESSES and BENCH_THREADS (the app's
# --processes and --threads, by default the app's own), BENCH_KILL_SECONDS (each run of the kill
# line, default 6, three with kills and three without per round; a process is killed every 3 s, first
# 1.5 s in), BENCH_REUSE=1 to keep the last run's data set (quicker: the bookings, their e-mails and
# audit entries earlier runs made are removed and its sign-ins renewed, so it starts as a fresh one),
# BENCH_DB=postgresql to run the stack and the commit limit on PostgreSQL: the data set is generated on
# SQLite as always, then copied with `lantern copy-to` into a throwaway cluster (tests/bench/postgres.sh).
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd -P)
OUT=$ROOT/build/bench
DATA=$OUT/data
SCALE=${BENCH_SCALE:-10}
SECS=${BENCH_SECONDS:-5}
ROUNDS=${BENCH_ROUNDS:-2}
PROCESSES=${BENCH_PROCESSES:-1}
THREADS=${BENCH_THREADS:-}
KILL_SECS=${BENCH_KILL_SECONDS:-6}
LANTERN=$ROOT/bin/lantern
LUA=$ROOT/tests/bench/bench.lua
VERSION=$(tr -d ' \n' < "$ROOT/build/assets/VERSION")

# What is measured, one line each: name, path, and the kind of wrk script (tests/bench/bench.lua).
# book and scan make their own paths ({} is filled per request). Every line runs at 1 and 32 connections.
MEASURE=(
	"static    /assets/$VERSION/lantern.js                     plain"
	"healthz   /healthz                                        plain"
	"sessions  /sessions                                       cookie"
	"api       /api/v1/sessions                                bearer"
	"booking   /api/v1/sessions/{}/bookings                    book"
	"scan      /c/{}                                           scan"
	"dashboard /indicators?period=FY2025-26&area=greater-essex cookie-analyst"
)

# two_hosts_measure URI: the session list with two application hosts against one, for BENCH_DB=postgresql.
# shellcheck source=tests/bench/two_hosts.sh
. "$ROOT/tests/bench/two_hosts.sh"

command -v wrk >/dev/null || { echo "bench: wrk is missing (apt-get install wrk)" >&2; exit 2; }
mkdir -p "$OUT"

if [ "${BENCH_REUSE:-0}" = 1 ] && [ -s "$DATA/lantern.db" ]; then
	echo "bench: reusing $DATA"
	# As generated: the bookers book from pair 0 again (a pair booked twice answers 409), and the
	# sign-ins, which lapse after two idle hours, are new.
	sqlite3 "$DATA/lantern.db" <<-'SQL'
		BEGIN IMMEDIATE;
		CREATE TEMP TABLE bookers AS SELECT id FROM users WHERE email LIKE 'booker%@bench.example';
		DELETE FROM bookings WHERE user_id IN (SELECT id FROM bookers);
		DELETE FROM outbox WHERE to_email LIKE 'booker%@bench.example';
		DELETE FROM audit_log WHERE entity = 'booking' AND actor_id IN (SELECT id FROM bookers);
		UPDATE login_sessions SET created_at = CAST(strftime('%s', 'now') AS INTEGER), last_seen_at = CAST(strftime('%s', 'now') AS INTEGER);
		COMMIT;
	SQL
	gen_seconds=reused
else
	rm -rf "$DATA"
	mkdir -p "$DATA"
	"$LANTERN" --db "$DATA/lantern.db" init 2>/dev/null
	t0=$(date +%s%N)
	"$LANTERN" --db "$DATA/lantern.db" bench-data --scale "$SCALE"
	gen_ms=$(( ($(date +%s%N) - t0) / 1000000 ))
	gen_seconds=$((gen_ms / 1000)).$(( gen_ms % 1000 / 100 ))
fi
db_mib=$(( $(stat -c %s "$DATA/lantern.db") / 1048576 ))

# On PostgreSQL: the same data set, copied into a cluster of the bench's own, removed at the end.
db_args=()
commit_db=$DATA/commit.db
bench_pg_stop() { :; }
if [ "${BENCH_DB:-sqlite}" = postgresql ]; then
	. "$ROOT/tests/bench/postgres.sh"
	trap bench_pg_stop EXIT
	bench_pg_start
	"$LANTERN" --db "$DATA/lantern.db" copy-to "$BENCH_PG_URI"
	db_args=(--db "$BENCH_PG_URI")
	commit_db=$BENCH_PG_COMMIT_URI
fi

# The disk's commit limit at the server's durability (WAL, synchronous=FULL), on the same disk; taken
# before and after the load, and the better kept, like every other figure.
commit_limit() {
	rm -f "$DATA"/commit.db*
	"$LANTERN" --db "$commit_db" bench-commit --seconds 3 | tee -a "$OUT/commit.raw"
	rm -f "$DATA"/commit.db*
}
: >"$OUT/commit.raw"
commit_limit

port=$(node -e 'const s=require("net").createServer().listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})')
base=http://127.0.0.1:$port
log=$OUT/stack.log
# The rate limits are nginx's job and are tested elsewhere; here they must not hide the app's speed.
"$ROOT/nginx/run" --port "$port" --data "$DATA" "${db_args[@]}" --processes "$PROCESSES" ${THREADS:+--threads "$THREADS"} --login-rate 1000r/s --login-burst 1000 \
	--survey-rate 100000r/s --scan-rate 100000r/s >"$log" 2>&1 &
runner=$!
trap 'kill -TERM $runner 2>/dev/null || true; wait $runner 2>/dev/null || true; bench_pg_stop' EXIT
for _ in $(seq 1 200); do
	grep -q '^lantern: serving' "$log" && break
	kill -0 $runner 2>/dev/null || { cat "$log" >&2; exit 1; }
	sleep 0.1
done
grep -q '^lantern: serving' "$log" || { echo "bench: the stack did not start" >&2; cat "$log" >&2; exit 1; }
app=$(pgrep -P $runner -x lantern)

# run NAME PATH KIND CONNECTIONS SECONDS OFFSET: one wrk run; prints its RESULT fields.
run() {
	local threads=$(( $4 > 1 ? 2 : 1 ))
	wrk -t "$threads" -c "$4" -d "${5}s" --timeout 5s -s "$LUA" "$base$2" -- "$3" "$DATA" "$6" "$threads" |
		sed -n 's/^RESULT //p'
}

results=$OUT/results.raw
: >"$results"
: >"$OUT/kill.raw"
# The application's memory: every second, the Pss (each process's share of the pages it uses, so
# pages the master and its serving processes share count once in all) added up; the peak is kept.
pss_kib() {
	local pid sum=0
	for pid in $app $(pgrep -P "$app"); do
		sum=$((sum + $(awk '/^Pss:/ {print $2}' "/proc/$pid/smaps_rollup" 2>/dev/null || echo 0)))
	done
	echo "$sum"
}
(peak=0; while :; do now=$(pss_kib); [ "$now" -le "$peak" ] || { peak=$now; echo "$peak" >"$OUT/pss.peak"; }; sleep 1; done) &
sampler=$!
trap 'kill $sampler 2>/dev/null || true; kill -TERM $runner 2>/dev/null || true; wait $runner 2>/dev/null || true; bench_pg_stop' EXIT
offset=0
for round in $(seq 1 "$ROUNDS"); do
	for m in "${MEASURE[@]}"; do
		read -r name path kind <<<"$m"
		# Booking pairs (booker, session) are never reused: each run starts past the last one's.
		if [ "$round" = 1 ]; then
			run "$name" "$path" "$kind" 32 1 "$offset" >/dev/null # warm-up
			[ "$kind" != book ] || offset=$((offset + 10000))
		fi
		for c in 1 32; do
			r=$(run "$name" "$path" "$kind" "$c" "$SECS" "$offset")
			[ "$kind" != book ] || offset=$((offset + SECS * 6000))
			echo "$name $c $r" | tee -a "$results"
		done
	done
done
kill "$sampler"
wait "$sampler" 2>/dev/null || true
pss_peak_kib=$(cat "$OUT/pss.peak")
# Peak resident memory of the master and its serving processes, added up: pages they share (the
# program, its libraries, the master's start-up peak) count once per process, so this is an upper bound.
hwm_kib=0
for pid in $app $(pgrep -P "$app"); do
	hwm_kib=$((hwm_kib + $(awk '/^VmHWM/ {print $2}' "/proc/$pid/status")))
done

# Requests served (answered 2xx or 3xx) while one serving process is killed with SIGKILL every 3 s,
# against the same load without kills: short runs of each, alternating (a shared machine's load
# changes from one minute to the next), added up over the rounds.
kill_every_3s() {
	sleep 1.5
	while :; do
		victim=$(pgrep -P "$app" | shuf -n 1)
		[ -z "$victim" ] || kill -KILL "$victim" 2>/dev/null || true
		sleep 3
	done
}
for pair in $(seq 1 $((ROUNDS * 3))); do
	for mode in calm kill; do
		if [ "$mode" = kill ]; then kill_every_3s & killer=$!; fi
		r=$(run sessions /sessions cookie 32 "$KILL_SECS" 0)
		if [ "$mode" = kill ]; then kill "$killer"; wait "$killer" 2>/dev/null || true; fi
		echo "$mode 32 $r" | tee -a "$OUT/kill.raw"
	done
done
kill -TERM $runner
wait $runner || true
trap bench_pg_stop EXIT
commit_limit
ENGINE=${BENCH_DB:-sqlite}
rm -f "$OUT/two_hosts.txt"
[ "$ENGINE" != postgresql ] || two_hosts_measure "$BENCH_PG_URI"
bench_pg_stop
trap - EXIT
commit_line=$(sort -t= -k2 -n -r "$OUT/commit.raw" | head -1)
# The table, the CSV and the aims, from the raw results.
served() { # requests answered 2xx or 3xx in the kill line's runs of one mode, added up
	awk -v m="$1" '$1 == m { for (i = 3; i <= NF; i++) { split($i, kv, "="); f[kv[1]] = kv[2] } s += f["requests"] - f["bad_status"] }
		END { print s + 0 }' "$OUT/kill.raw"
}
kills_calm=$(served calm) kills_kill=$(served kill)
awk -v engine="$ENGINE" -v commit="$commit_line" -v hwm="$hwm_kib" -v pss="$pss_peak_kib" -v calm="$kills_calm" -v killed="$kills_kill" -v ksecs="$KILL_SECS" -v gen="$gen_seconds" -v mib="$db_mib" -v scale="$SCALE" \
	-v secs="$SECS" -v rounds="$ROUNDS" -v csv="$OUT/results.csv" '
function field(s, k,   m) { return match(s, k "=[0-9.]+") ? substr(s, RSTART + length(k) + 1, RLENGTH - length(k) - 1) : "" }
{
	# The best round of each measurement (errors are summed over the rounds).
	k = $1 " " $2
	r = field($0, "rps") + 0 # substr gives strings, and "9726" > "10748" as strings
	errors[k] += field($0, "bad_status") + field($0, "socket_errors")
	if (!(k in best)) order[++nk] = k
	if (!(k in best) || r > best[k]) { best[k] = r; line[k] = $0 }
}
END {
	NR = nk
	for (i = 1; i <= nk; i++) {
		split(order[i], kc, " "); $0 = line[order[i]]
		n[i] = kc[1]; c[i] = kc[2]; rps[i] = best[order[i]]; p50[i] = field($0, "p50_ms"); p99[i] = field($0, "p99_ms")
		bad[i] = errors[order[i]]; sock[i] = field($0, "socket_errors")
		if (n[i] == "healthz") health[c[i]] = rps[i]
		if (n[i] == "static") stat[c[i]] = rps[i]
		if (n[i] == "sessions" && c[i] == 32) sessions = rps[i]
		if (n[i] == "scan" && c[i] == 32) scan = rps[i]
		if (n[i] == "booking" && c[i] == 32) booking = rps[i]
		if (n[i] == "dashboard" && (dash_p99 == "" || p99[i] + 0 > dash_p99 + 0)) dash_p99 = p99[i]
	}
	limit = field(commit, "commits_per_s")
	printf "%-10s %5s %10s %9s %9s %6s %10s %10s\n", "measure", "conns", "req/s", "p50 ms", "p99 ms", "errors", "x healthz", "x static"
	print "measure,connections,requests_per_s,p50_ms,p99_ms,errors,vs_healthz,vs_static,vs_commit_limit" > csv
	for (i = 1; i <= NR; i++) {
		vh = rps[i] / health[c[i]]; vs = rps[i] / stat[c[i]]; vc = n[i] == "booking" ? sprintf("%.3f", rps[i] / limit) : ""
		printf "%-10s %5d %10.0f %9.2f %9.2f %6d %10.3f %10.3f%s\n", n[i], c[i], rps[i], p50[i], p99[i], bad[i], vh, vs, vc != "" ? "  x commit limit " vc : ""
		printf "%s,%d,%.1f,%.3f,%.3f,%d,%.3f,%.3f,%s\n", n[i], c[i], rps[i], p50[i], p99[i], bad[i], vh, vs, vc > csv
	}
	printf "commit_limit,1,%s,%s,%s,0,,,1.000\n", limit, field(commit, "p50_ms"), field(commit, "p99_ms") > csv
	printf "fastcgi_peak_pss_mib,,%.1f,,,,,,\n", pss / 1024 > csv
	printf "fastcgi_peak_rss_sum_mib,,%.1f,,,,,,\n", hwm / 1024 > csv
	printf "sessions_killed_every_3s,32,%.1f,,,,%.3f,,\n", killed / ksecs / (rounds * 3), killed / calm > csv
	printf "\ncommit limit (one-row INSERT transactions, %s): %s/s\n", engine == "postgresql" ? "synchronous_commit=on" : "WAL, synchronous=FULL", limit
	printf "FastCGI server memory, master and serving processes: peak Pss added up %.1f MiB (sampled each second);\n", pss / 1024
	printf "  peak resident (VmHWM) added up %.1f MiB (shared pages counted once per process)\n", hwm / 1024
	printf "session list served while a serving process is killed every 3 s: %d of %d without kills\n", killed, calm
	printf "data set: scale %s, generated in %s s, %s MiB; best of %s rounds of %s s per measurement\n\n", scale, gen, mib, rounds, secs
	# On PostgreSQL the aim is lower: each statement of a page goes to another process over a socket.
	list_aim = engine == "postgresql" ? 0.4 : 0.5
	aim("session list >= " list_aim " x /healthz (32 connections)", sessions / health[32], list_aim, 1)
	aim("scan redirect >= 0.7 x /healthz (32 connections)", scan / health[32], 0.7, 1)
	aim("booking POST >= 0.5 x commit limit (32 connections)", booking / limit, 0.5, 1)
	if (dash_p99 != "") aim("dashboard p99 < 50 ms", dash_p99, 50, -1)
	else print "aim: dashboard p99 < 50 ms: not measured (no dashboard line in tests/bench/run.sh yet)"
	aim("FastCGI server < 64 MiB (peak Pss, all processes)", pss / 1024, 64, -1)
	aim("served with a process killed every 3 s >= 0.9 x without", killed / calm, 0.9, 1)
}
function aim(what, value, target, dir) {
	printf "aim: %-52s %8.3f  %s\n", what, value, (dir > 0 ? value + 0 >= target + 0 : value + 0 < target + 0) ? "met" : "NOT MET"
}' "$results" | tee "$OUT/results.txt"
if [ -s "$OUT/two_hosts.txt" ]; then
	awk '$1 == "sessions_hosts_1" { one = $2 } $1 == "sessions_hosts_2" { two = $2 } $1 == "sessions_two_hosts_x" { x = $2 }
		END { printf "two application hosts: session list %.0f req/s against %.0f with one: %.3f x (aim 1.6 where the machine has the cores; %d here)\n", two, one, x, cores }' \
		cores="$(nproc)" "$OUT/two_hosts.txt" | tee -a "$OUT/results.txt"
	awk '{ printf "%s,32,%s,,,,,,\n", $1, $2 }' "$OUT/two_hosts.txt" >>"$OUT/results.csv"
fi
# Each engine's results are kept; once both have run, their tables are printed side by side.
cp "$OUT/results.csv" "$OUT/results-$ENGINE.csv"
"$ROOT/tests/bench/side_by_side.sh" "$OUT"
echo "bench: wrote $OUT/results.csv and $OUT/results.txt"
