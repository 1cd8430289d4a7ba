# nginx/hosts.sh — several application hosts behind one nginx: sourced by nginx/run (--hosts N) and,
# for upstream_servers alone, by nginx/install.
#
# With --hosts N, nginx/run starts N hosts as if each were a machine of its own: each is its own
# `lantern serve` (a master and its serving processes) on its own socket, DATA/run/host-I.sock, under
# its own supervisor (a subshell of nginx/run) that starts it again whenever it dies, as a machine's
# service manager would. All of them share the one PostgreSQL database of --db. A supervisor that is
# itself gone (a test kills a host whole, supervisor, master and serving processes, as a power cut
# would) is not started again: nginx passes that host over, and the others serve. README, "Several
# application hosts", says how to run hosts on separate machines.
# shellcheck shell=bash disable=SC2034,SC2154 # nginx/run's variables (hosts, prog, RUNDIR ...)

# upstream_servers ADDRESS...: the server lines, on one line, of nginx's upstream lantern_app for the
# FastCGI addresses given (unix:/path, or host:port for a host on another machine).
upstream_servers() {
    if [ $# -eq 1 ]; then
        # One host: its processes all accept on one socket, so a retry reaches whichever is alive. It is
        # listed twice because nginx retries only on another entry; max_fails=0 so a failure never
        # takes an entry out of use (both are the same socket).
        printf 'server %s max_fails=0; server %s max_fails=0;' "$1" "$1"
        return
    fi
    # Several: a host that fails a request (refuses the connection, breaks off an answer, times out)
    # is passed over for 10 s, so of the requests after its death only one in 10 s tries it first.
    # Then the same hosts again as backups, which are never passed over: when every host has failed
    # within 10 s (one dead, and the other's process killed under a request), nginx tries them still
    # rather than answering 502 to everyone for 10 s.
    local address
    for address in "$@"; do printf 'server %s max_fails=1 fail_timeout=10s; ' "$address"; done
    for address in "$@"; do printf 'server %s backup max_fails=0; ' "$address"; done
}

host_pids=()      # the supervisors of the hosts still up
declare -A host_of # supervisor pid -> host number

host_socket() { echo "$RUNDIR/host-$1.sock"; }

# The upstream lines for nginx/run: its one socket, or each host's.
run_upstream_servers() {
    local i addresses=()
    if [ "$hosts" -eq 1 ]; then upstream_servers "unix:$SOCKET"; return; fi
    for ((i = 1; i <= hosts; i++)); do addresses+=("unix:$(host_socket "$i")"); done
    upstream_servers "${addresses[@]}"
}

# supervise_host I, in a subshell: host I's lantern, started again whenever it dies (start_app and
# restart_app of nginx/run, with this host's socket), until SIGTERM or SIGINT stops it gracefully.
supervise_host() {
    SOCKET=$(host_socket "$1") prog="nginx/run: host $1" app_pid='' tick=''
    trap stop_host INT TERM
    trap - EXIT
    start_app || true # if it failed, wait below sees it gone and restart_app tries again
    while :; do
        local rc=0
        wait "$app_pid" || rc=$?
        log "lantern exited unexpectedly (status $rc)"
        app_pid=
        restart_app
    done
}

# In a host's supervisor: lets its lantern finish the requests in flight and stop, then exits.
stop_host() {
    trap '' INT TERM
    [ -z "$tick" ] || kill "$tick" 2>/dev/null || true
    if [ -n "$app_pid" ]; then
        kill -TERM "$app_pid" 2>/dev/null || true
        if ! reap "$app_pid" 200; then
            log "lantern did not stop within 20 s; killing it"
            kill -KILL "$app_pid" 2>/dev/null || true
        fi
    fi
    rm -f "$SOCKET"
    exit 0
}

# Starts every host's supervisor and waits (bounded) for every host's socket. Returns 1 if one did
# not come.
start_hosts() {
    local i pid
    for ((i = 1; i <= hosts; i++)); do
        rm -f "$(host_socket "$i")"
        supervise_host "$i" &
        host_pids+=("$!")
        host_of[$!]=$i
    done
    for _ in $(seq 1 150); do
        for ((i = 1; i <= hosts; i++)); do [ -S "$(host_socket "$i")" ] || break; done
        [ "$i" -le "$hosts" ] || return 0
        for pid in "${host_pids[@]}"; do kill -0 "$pid" 2>/dev/null || { log "host ${host_of[$pid]} did not start"; return 1; }; done
        sleep 0.1
    done
    log "host $i did not create its socket within 15 s"
    return 1
}

# True while lantern (one host) or a host's supervisor (several) runs.
apps_alive() {
    if [ -n "$app_pid" ]; then kill -0 "$app_pid" 2>/dev/null; return; fi
    local pid
    for pid in ${host_pids[@]+"${host_pids[@]}"}; do kill -0 "$pid" 2>/dev/null && return 0; done
    return 1
}

# After `wait -n` reaped $1: forgets each host whose supervisor is gone (it is not started again).
forget_dead_hosts() {
    local pid alive=()
    for pid in ${host_pids[@]+"${host_pids[@]}"}; do
        if [ "$pid" != "$1" ] && kill -0 "$pid" 2>/dev/null; then alive+=("$pid"); continue; fi
        [ "$pid" = "$1" ] || wait "$pid" 2>/dev/null || true
        log "host ${host_of[$pid]} is down (its supervisor is gone): nginx passes it over, the other hosts serve"
    done
    host_pids=(${alive[@]+"${alive[@]}"})
}

# Stops every host gracefully (each supervisor stops its lantern). Returns 1 if one had to be killed.
stop_hosts() {
    local pid ok=0
    for pid in ${host_pids[@]+"${host_pids[@]}"}; do kill -TERM "$pid" 2>/dev/null || true; done
    for pid in ${host_pids[@]+"${host_pids[@]}"}; do
        if ! reap "$pid" 250; then
            log "host ${host_of[$pid]} did not stop within 25 s; killing it"
            pkill -KILL -P "$pid" 2>/dev/null || true
            kill -KILL "$pid" 2>/dev/null || true
            ok=1
        fi
    done
    host_pids=()
    return "$ok"
}
