#!/usr/bin/env bash
# tests/bench/side_by_side.sh DIR — prints the last SQLite and PostgreSQL bench runs' figures side by
# side (DIR/results-sqlite.csv and DIR/results-postgresql.csv, as tests/bench/run.sh leaves them), with
# what PostgreSQL costs against SQLite. Says nothing until both engines have been measured.
set -euo pipefail
dir=$1
[ -s "$dir/results-sqlite.csv" ] && [ -s "$dir/results-postgresql.csv" ] || exit 0
echo
echo "SQLite and PostgreSQL side by side (the last run of each; req/s unless said, x: PostgreSQL / SQLite):"
awk -F, '
FNR == 1 { file++; next }
{
	k = $1 ($2 != "" ? " " $2 : "")
	if (!(k in seen)) { seen[k] = 1; order[++n] = k }
	v[file, k] = $3; p99[file, k] = $5; vh[file, k] = $7
}
END {
	printf "%-28s %12s %12s %7s   %10s %10s\n", "measure", "SQLite", "PostgreSQL", "x", "p99 SQLite", "p99 PG"
	for (i = 1; i <= n; i++) {
		k = order[i]; a = v[1, k]; b = v[2, k]
		ratio = (a + 0 > 0 && b != "") ? sprintf("%.2f", b / a) : ""
		printf "%-28s %12s %12s %7s   %10s %10s\n", k, a, b, ratio, p99[1, k], p99[2, k]
	}
}' "$dir/results-sqlite.csv" "$dir/results-postgresql.csv"
