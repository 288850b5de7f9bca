#!/usr/bin/env bash
# Starts a three-node Brook cluster on this machine, or stops it. Every node runs both KRaft roles (broker and
# controller) on 127.0.0.1: node N serves clients on port N9092 and the quorum on N9093 (19092/19093, 29092/29093,
# 39092/39093). Data lives in ./data-cluster/node-N, output in ./data-cluster/node-N.log (relative to the repository).
#
#   scripts/start-cluster.sh          format each node on first use (one shared cluster id), start them in the background
#   scripts/start-cluster.sh stop     SIGTERM every node and wait for it to exit
#   scripts/start-cluster.sh status   show which nodes run
#
# Uses the Release build of src/Brook.Host, building it first if it is missing. Prints every command it runs.
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."
repo_root=$(pwd)
cluster_dir=data-cluster
brook_dll=src/Brook.Host/bin/Release/net10.0/brook.dll
host=127.0.0.1
node_ids=(1 2 3)
start_timeout=60   # seconds for a node's listeners to bind
stop_timeout=30    # seconds for all nodes to exit after SIGTERM

client_port() { echo $(($1 * 10000 + 9092)); }
controller_port() { echo $(($1 * 10000 + 9093)); }
admin_port() { echo $(($1 * 10000 + 9644)); }
voters=$(for n in "${node_ids[@]}"; do printf '%s@%s:%s,' "$n" "$host" "$(controller_port "$n")"; done)
voters=${voters%,}
bootstrap=$(for n in "${node_ids[@]}"; do printf '%s:%s,' "$host" "$(client_port "$n")"; done)
bootstrap=${bootstrap%,}

run() { echo "+ $*"; "$@"; }

# The pid of node $1 if it is running (and really is a brook process, not a recycled pid), else nothing.
running_pid() {
    local file="$cluster_dir/node-$1.pid" pid
    [ -f "$file" ] || return 0
    pid=$(cat "$file")
    if kill -0 "$pid" 2>/dev/null && tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null | grep -q 'brook.dll'; then
        echo "$pid"
    fi
}

listening() { (exec 3<>"/dev/tcp/$host/$1") 2>/dev/null; }

write_config() {
    local n=$1
    cat >"$cluster_dir/node-$n.properties" <<EOF
# Written by scripts/start-cluster.sh (rewritten on every start).
process.roles=broker,controller
node.id=$n
controller.quorum.voters=$voters
listeners=PLAINTEXT://$host:$(client_port "$n"),CONTROLLER://$host:$(controller_port "$n")
advertised.listeners=PLAINTEXT://$host:$(client_port "$n")
controller.listener.names=CONTROLLER
listener.security.protocol.map=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT
inter.broker.listener.name=PLAINTEXT
log.dirs=$repo_root/$cluster_dir/node-$n
brook.admin.listener=$host:$(admin_port "$n")
EOF
}

start() {
    if [ ! -f "$brook_dll" ]; then
        echo "$brook_dll not found; building it"
        run dotnet build src/Brook.Host -c Release -nologo -v minimal
    fi
    mkdir -p "$cluster_dir"
    if [ ! -s "$cluster_dir/cluster.id" ]; then
        dotnet "$brook_dll" storage random-uuid >"$cluster_dir/cluster.id"
        echo "new cluster id $(cat "$cluster_dir/cluster.id") (kept in $cluster_dir/cluster.id)"
    fi
    local cluster_id n pid
    cluster_id=$(cat "$cluster_dir/cluster.id")

    local started=()
    for n in "${node_ids[@]}"; do
        pid=$(running_pid "$n")
        if [ -n "$pid" ]; then
            echo "node $n is already running (pid $pid)"
            continue
        fi
        write_config "$n"
        if [ ! -f "$cluster_dir/node-$n/meta.properties" ]; then
            run dotnet "$brook_dll" storage format --cluster-id "$cluster_id" --config "$cluster_dir/node-$n.properties"
        fi
        echo "+ nohup dotnet $brook_dll --config $cluster_dir/node-$n.properties >>$cluster_dir/node-$n.log 2>&1 &"
        nohup dotnet "$brook_dll" --config "$cluster_dir/node-$n.properties" >>"$cluster_dir/node-$n.log" 2>&1 </dev/null &
        echo $! >"$cluster_dir/node-$n.pid"
        started+=("$n")
    done

    # Both listeners bind early in start-up; the client listener serves requests once the node has caught up with
    # the quorum's leader, so this waits for the binds only and leaves readiness to the clients' retries.
    local deadline=$((SECONDS + start_timeout)) failed=0
    for n in "${started[@]}"; do
        while ! listening "$(controller_port "$n")" || ! listening "$(client_port "$n")"; do
            if [ -z "$(running_pid "$n")" ]; then
                echo "node $n exited during start-up; the end of $cluster_dir/node-$n.log:" >&2
                tail -n 20 "$cluster_dir/node-$n.log" >&2
                failed=1
                break
            fi
            if [ "$SECONDS" -ge "$deadline" ]; then
                echo "node $n did not bind its listeners within ${start_timeout}s; see $cluster_dir/node-$n.log" >&2
                failed=1
                break
            fi
            sleep 0.2
        done
    done
    [ "$failed" -eq 0 ] || exit 1

    echo
    status
    echo
    echo "cluster id:        $cluster_id"
    echo "bootstrap.servers: $bootstrap"
    echo "logs:              $cluster_dir/node-N.log"
    echo "stop with:         scripts/start-cluster.sh stop"
}

stop() {
    local n pid pids=()
    for n in "${node_ids[@]}"; do
        pid=$(running_pid "$n")
        if [ -z "$pid" ]; then
            echo "node $n is not running"
            rm -f "$cluster_dir/node-$n.pid"
            continue
        fi
        run kill -TERM "$pid"
        pids+=("$n:$pid")
    done
    local deadline=$((SECONDS + stop_timeout)) entry
    for entry in "${pids[@]}"; do
        n=${entry%%:*}
        pid=${entry#*:}
        while kill -0 "$pid" 2>/dev/null; do
            if [ "$SECONDS" -ge "$deadline" ]; then
                echo "node $n (pid $pid) did not exit within ${stop_timeout}s of SIGTERM; sending SIGKILL" >&2
                kill -KILL "$pid" 2>/dev/null || true
                break
            fi
            sleep 0.2
        done
        rm -f "$cluster_dir/node-$n.pid"
        echo "node $n stopped"
    done
}

status() {
    local n pid
    for n in "${node_ids[@]}"; do
        pid=$(running_pid "$n")
        if [ -n "$pid" ]; then
            echo "node $n: running (pid $pid), clients $host:$(client_port "$n"), controller $host:$(controller_port "$n")"
        else
            echo "node $n: not running"
        fi
    done
}

case "${1:-start}" in
    start) start ;;
    stop) stop ;;
    status) status ;;
    *)
        echo "usage: $0 [start|stop|status]" >&2
        exit 2
        ;;
esac
