# tests/bench/two_hosts.sh — the session list's throughput with two application hosts against one
# (issue 16), on PostgreSQL only: several hosts share a PostgreSQL database (nginx/run --hosts). Sourced
# by tests/bench/run.sh, whose `run`, OUT, DATA, SECS, ROUNDS, THREADS, PROCESSES and ROOT it uses;
# call it once the main stack has stopped:
#
#   two_hosts_measure URI    URI: the bench's PostgreSQL database (bench-data filled it, and its
#                            bench-*.txt files, the sign-in cookie among them, are in DATA)
#
# For 1 and then 2 hosts (each of PROCESSES processes of THREADS threads), a stack of its own on the
# same database, the session list at 32 connections, best of ROUNDS runs of SECS seconds, rounds
# interleaved. Prints and writes OUT/two_hosts.txt ("sessions_hosts_1 RPS", "sessions_hosts_2 RPS",
# "sessions_two_hosts_x RATIO"). On a 2-core machine the hosts share the cores with nginx, wrk and
# PostgreSQL, so the ratio says what a second host costs here more than what a second machine adds.
# shellcheck shell=bash disable=SC2154 # run.sh's variables

two_hosts_measure() {
	local uri=$1 hosts round port runner log rps best1=0 best2=0
	for round in $(seq 1 "$ROUNDS"); do
		for hosts in 1 2; do
			port=$(node -e 'const s=require("net").createServer().listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})')
			log=$OUT/two_hosts-$hosts.log
			"$ROOT/nginx/run" --port "$port" --data "$OUT/two_hosts-$hosts" --db "$uri" --hosts "$hosts" \
				--processes "$PROCESSES" ${THREADS:+--threads "$THREADS"} --login-rate 1000r/s --login-burst 1000 >"$log" 2>&1 &
			runner=$!
			for _ in $(seq 1 300); do
				grep -q '^lantern: serving' "$log" && break
				kill -0 "$runner" 2>/dev/null || break
				sleep 0.1
			done
			grep -q '^lantern: serving' "$log" || { echo "bench: the $hosts-host stack did not start" >&2; cat "$log" >&2; return 1; }
			base=http://127.0.0.1:$port run sessions /sessions cookie 32 1 0 >/dev/null # warm-up
			rps=$(base=http://127.0.0.1:$port run sessions /sessions cookie 32 "$SECS" 0 | grep -o 'rps=[0-9.]*' | cut -d= -f2)
			kill -TERM "$runner"
			wait "$runner" || true
			echo "two hosts: round $round, $hosts host(s): ${rps:-0} req/s"
			if [ "$hosts" = 1 ]; then
				best1=$(awk -v a="$best1" -v b="${rps:-0}" 'BEGIN { print (b > a ? b : a) }')
			else
				best2=$(awk -v a="$best2" -v b="${rps:-0}" 'BEGIN { print (b > a ? b : a) }')
			fi
		done
	done
	awk -v one="$best1" -v two="$best2" 'BEGIN {
		printf "sessions_hosts_1 %.1f\nsessions_hosts_2 %.1f\nsessions_two_hosts_x %.3f\n", one, two, (one > 0 ? two / one : 0)
	}' | tee "$OUT/two_hosts.txt"
}
