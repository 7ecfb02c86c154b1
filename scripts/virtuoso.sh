#!/usr/bin/env bash
# Start and stop a private Virtuoso open source instance on 127.0.0.1, for tests and CI.
#
#   scripts/virtuoso.sh start DIR [HTTP_PORT [ISQL_PORT]]
#   scripts/virtuoso.sh stop DIR
#
# `start` writes a minimal virtuoso.ini into DIR (which it creates; the database files live there
# too), starts `virtuoso-t` in the foreground of a background job, waits until its SQL and HTTP
# ports answer, gives the dba account a new random password (DIR/dba-password, mode 600), and
# prints one line of shell variables:
#
#   VIRTUOSO_PID=1234 VIRTUOSO_HTTP_PORT=8890 VIRTUOSO_ISQL_PORT=1111 VIRTUOSO_DIR=/tmp/x
#
# (also written to DIR/virtuoso.env). Free ports are chosen when none are given. Both ports are
# bound to 127.0.0.1 only. Loading uses the dba account with HTTP digest auth on
# /sparql-graph-crud-auth (Graph Store Protocol) and /sparql-auth (SPARQL Update); the public
# /sparql endpoint stays read-only for the anonymous "SPARQL" user.
#
# `stop` stops the instance by the PID recorded in DIR/virtuoso.pid (SIGTERM, then SIGKILL after
# 30 s) and leaves DIR in place. Needs Debian's virtuoso-opensource (virtuoso-t, isql-vt).
set -euo pipefail

VIRTUOSO=${VIRTUOSO_BIN:-virtuoso-t}
ISQL=${ISQL_BIN:-isql-vt}
START_TIMEOUT=${VIRTUOSO_START_TIMEOUT:-120}

usage() {
    echo "usage: $0 start DIR [HTTP_PORT [ISQL_PORT]] | stop DIR" >&2
    exit 2
}

free_port() {
    python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()'
}

port_open() {  # port_open PORT: true when something accepts connections on 127.0.0.1:PORT
    python3 -c 'import socket, sys
try:
    socket.create_connection(("127.0.0.1", int(sys.argv[1])), timeout=1).close()
except OSError:
    sys.exit(1)' "$1"
}

alive() {  # alive PID: the process exists and is not a zombie awaiting its reaper
    [[ -n "${1:-}" ]] && kill -0 "$1" 2>/dev/null || return 1
    local stat
    stat=$(cat "/proc/$1/stat" 2>/dev/null) || return 0
    [[ "${stat##*) }" != Z* ]]
}

start() {
    local dir=$1 http_port=${2:-} isql_port=${3:-}
    command -v "$VIRTUOSO" >/dev/null || { echo "$0: $VIRTUOSO not found (apt-get install virtuoso-opensource)" >&2; exit 1; }
    command -v "$ISQL" >/dev/null || { echo "$0: $ISQL not found (apt-get install virtuoso-opensource)" >&2; exit 1; }
    mkdir -p "$dir"
    dir=$(cd "$dir" && pwd)
    if [[ -f "$dir/virtuoso.pid" ]] && alive "$(cat "$dir/virtuoso.pid")"; then
        echo "$0: a Virtuoso instance already runs from $dir (PID $(cat "$dir/virtuoso.pid"))" >&2
        exit 1
    fi
    http_port=${http_port:-$(free_port)}
    isql_port=${isql_port:-$(free_port)}
    cat > "$dir/virtuoso.ini" <<EOF
; A private Virtuoso instance for tipgraph's tests, written by scripts/virtuoso.sh. Loopback only.
[Database]
DatabaseFile       = $dir/virtuoso.db
ErrorLogFile       = $dir/virtuoso.log
LockFile           = $dir/virtuoso.lck
TransactionFile    = $dir/virtuoso.trx
xa_persistent_file = $dir/virtuoso.pxa
ErrorLogLevel      = 7
FileExtend         = 200
MaxCheckpointRemap = 2000
Striping           = 0
TempStorage        = TempDatabase

[TempDatabase]
DatabaseFile       = $dir/virtuoso-temp.db
TransactionFile    = $dir/virtuoso-temp.trx
MaxCheckpointRemap = 2000
Striping           = 0

[Parameters]
ServerPort               = 127.0.0.1:$isql_port
DisableUnixSocket        = 1
DisableTcpSocket         = 0
MaxClientConnections     = 10
CheckpointInterval       = 60
O_DIRECT                 = 0
CaseMode                 = 2
MaxStaticCursorRows      = 5000
AllowOSCalls             = 0
DirsAllowed              = ., $dir
NumberOfBuffers          = 100000
MaxDirtyBuffers          = 75000
MaxQueryMem              = 1G
ThreadsPerQuery          = 2
AsyncQueueMaxThreads     = 4
VectorSize               = 1000
MaxVectorSize            = 1000000

[HTTPServer]
ServerPort                  = 127.0.0.1:$http_port
ServerRoot                  = $dir
MaxClientConnections        = 10
ServerThreads               = 10
MaxKeepAlives               = 10
KeepAliveTimeout            = 10
EnabledDavVSP               = 0
HTTPProxyEnabled            = 0
Charset                     = UTF-8
EnabledGzipContent          = 0

[Client]
SQL_PREFETCH_ROWS  = 100
SQL_PREFETCH_BYTES = 16000
SQL_QUERY_TIMEOUT  = 0
SQL_TXN_TIMEOUT    = 0

[URIQA]
DynamicLocal = 0
DefaultHost  = 127.0.0.1:$http_port

[SPARQL]
; Above tipgraph's row cap (which it sends as maxrows) and below MaxVectorSize: a CONSTRUCT over
; more solutions than MaxVectorSize fails (FRVEC) instead of being cut.
ResultSetMaxRows           = 500000
MaxQueryCostEstimationTime = 0
MaxQueryExecutionTime      = 120
MaxSortedTopRows           = 1000000
EOF
    rm -f "$dir/virtuoso.lck"
    (cd "$dir" && exec "$VIRTUOSO" +configfile "$dir/virtuoso.ini" +foreground </dev/null >"$dir/virtuoso.out" 2>&1) &
    local pid=$!
    echo "$pid" > "$dir/virtuoso.pid"
    local waited=0
    until port_open "$isql_port" && port_open "$http_port"; do
        if ! alive "$pid"; then
            echo "$0: virtuoso-t exited while starting; its log:" >&2
            tail -n 30 "$dir/virtuoso.log" "$dir/virtuoso.out" >&2 2>/dev/null || true
            exit 1
        fi
        if (( waited >= START_TIMEOUT * 2 )); then
            echo "$0: Virtuoso did not answer on 127.0.0.1:$isql_port and :$http_port within ${START_TIMEOUT} s" >&2
            kill "$pid" 2>/dev/null || true
            exit 1
        fi
        sleep 0.5
        waited=$((waited + 1))
    done
    # A fresh database's dba password is "dba": replace it with a random one, kept in the run dir.
    local password
    if [[ -s "$dir/dba-password" ]]; then
        password=$(cat "$dir/dba-password")
    else
        password=$(python3 -c 'import secrets; print(secrets.token_hex(16))')
        # isql-vt exits 0 even when a statement fails, so its output is read for errors too.
        if ! "$ISQL" "127.0.0.1:$isql_port" dba dba "EXEC=USER_SET_PASSWORD('dba', '$password');" >"$dir/isql.out" 2>&1 \
                || grep -q "Error" "$dir/isql.out"; then
            echo "$0: could not set the dba password:" >&2
            cat "$dir/isql.out" >&2
            kill "$pid" 2>/dev/null || true
            exit 1
        fi
        (umask 077; echo "$password" > "$dir/dba-password")
    fi
    local env="VIRTUOSO_PID=$pid VIRTUOSO_HTTP_PORT=$http_port VIRTUOSO_ISQL_PORT=$isql_port VIRTUOSO_DIR=$dir"
    echo "$env" > "$dir/virtuoso.env"
    echo "$env"
}

stop() {
    local dir=$1 pid
    if [[ ! -f "$dir/virtuoso.pid" ]]; then
        echo "$0: no virtuoso.pid in $dir: nothing to stop" >&2
        return 0
    fi
    pid=$(cat "$dir/virtuoso.pid")
    if alive "$pid"; then
        kill -TERM "$pid" 2>/dev/null || true
        for _ in $(seq 60); do
            alive "$pid" || break
            sleep 0.5
        done
        if alive "$pid"; then
            echo "$0: Virtuoso (PID $pid) did not stop within 30 s; killing it" >&2
            kill -KILL "$pid" 2>/dev/null || true
        fi
    fi
    rm -f "$dir/virtuoso.pid"
    echo "stopped Virtuoso (PID $pid)"
}

case "${1:-}" in
    start) [[ $# -ge 2 && $# -le 4 ]] || usage; start "$2" "${3:-}" "${4:-}" ;;
    stop) [[ $# -eq 2 ]] || usage; stop "$2" ;;
    *) usage ;;
esac
