#!/usr/bin/env bash
# flink-cluster.sh: a standalone Flink session cluster on this machine, from Flink's own jars.
#
# Flink's distribution (bin/, conf/, lib/) is not on Maven Central, but its jars are: the module
# cluster-lib copies them into cluster-lib/target/lib (built here with Maven when missing). This
# script then does what the distribution's start-cluster.sh does: one JobManager
# (StandaloneSessionClusterEntrypoint) and TaskManagers (TaskManagerRunner), each a JVM of its own,
# listening on 127.0.0.1 only, with checkpoints on the local file system.
#
#   scripts/flink-cluster.sh start [--taskmanagers N] [--slots N] [--rest-port P] [--rpc-port P]
#   scripts/flink-cluster.sh add-taskmanager     one more TaskManager (after one died, or to scale)
#   scripts/flink-cluster.sh status              the processes and what the REST API says
#   scripts/flink-cluster.sh stop                stop every process of the cluster
#   scripts/flink-cluster.sh flink ARGS...       Flink's own client (CliFrontend) against this cluster:
#       scripts/flink-cluster.sh flink run -d jobs/target/flink-inference-job.jar -b 127.0.0.1:9092 --model ppocr-cls
#       scripts/flink-cluster.sh flink list
#
# Environment:
#   FLINK_CLUSTER_DIR   configuration, logs, checkpoints and pid files (default ~/.flink-inference/cluster)
#   FLINK_CLUSTER_LIB   Flink's jars (default cluster-lib/target/lib, built with Maven when missing)
#   JAVA_HOME / java on PATH   Java 17 or newer
# start needs curl, to wait for the TaskManagers through the REST API.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
DIR="${FLINK_CLUSTER_DIR:-$HOME/.flink-inference/cluster}"
CONF="$DIR/conf"
LOGS="$DIR/log"
PIDS="$DIR/run"
JAVA="${JAVA_HOME:+$JAVA_HOME/bin/}java"
# Flink's plugins folder (file systems such as S3, metric reporters), empty until you add one.
export FLINK_PLUGINS_DIR="$DIR/plugins"

# The JDK internals that Flink's serializers, RPC and Netty reach into on Java 17: the part of the
# distribution's env.java.opts.all that a DataStream cluster needs (the rest opens the Java
# compiler to the SQL planner).
JAVA_MODULE_OPTS=(
  --add-exports=java.base/sun.net.util=ALL-UNNAMED
  --add-exports=java.rmi/sun.rmi.registry=ALL-UNNAMED
  --add-exports=java.security.jgss/sun.security.krb5=ALL-UNNAMED
  --add-opens=java.base/java.lang=ALL-UNNAMED
  --add-opens=java.base/java.net=ALL-UNNAMED
  --add-opens=java.base/java.io=ALL-UNNAMED
  --add-opens=java.base/java.nio=ALL-UNNAMED
  --add-opens=java.base/sun.nio.ch=ALL-UNNAMED
  --add-opens=java.base/java.lang.reflect=ALL-UNNAMED
  --add-opens=java.base/java.text=ALL-UNNAMED
  --add-opens=java.base/java.time=ALL-UNNAMED
  --add-opens=java.base/java.util=ALL-UNNAMED
  --add-opens=java.base/java.util.concurrent=ALL-UNNAMED
  --add-opens=java.base/java.util.concurrent.atomic=ALL-UNNAMED
  --add-opens=java.base/java.util.concurrent.locks=ALL-UNNAMED
)

fail() {
  echo "flink-cluster: $*" >&2
  exit 1
}

# Flink's jars: FLINK_CLUSTER_LIB as given, or the cluster-lib module's, built when missing or
# older than a POM (anew, so that a dependency taken out of the POM does not linger).
cluster_lib() {
  if [[ -n "${FLINK_CLUSTER_LIB:-}" ]]; then
    [[ -d "$FLINK_CLUSTER_LIB" ]] || fail "FLINK_CLUSTER_LIB=$FLINK_CLUSTER_LIB is not a folder"
    echo "$FLINK_CLUSTER_LIB"
    return
  fi
  local lib="$ROOT/cluster-lib/target/lib"
  if [[ ! -d "$lib" || "$ROOT/cluster-lib/pom.xml" -nt "$lib" || "$ROOT/pom.xml" -nt "$lib" ]]; then
    command -v mvn >/dev/null || fail "Maven (mvn) is needed to fetch Flink's jars; install it (Debian: apt-get install maven)."
    echo "flink-cluster: fetching Flink's jars with Maven into ${lib#"$ROOT"/}" >&2
    rm -rf "$lib"
    mvn -B -q -Dstyle.color=never -f "$ROOT/pom.xml" -pl cluster-lib package >&2 || fail "the Maven build of cluster-lib failed"
  fi
  echo "$lib"
}

pid_of() {
  [[ -f "$PIDS/$1.pid" ]] && cat "$PIDS/$1.pid"
}

# Whether a pid file's process still runs and is ours (a pid may have been reused since).
running() {
  local pid
  pid=$(pid_of "$1") || return 1
  [[ -n "$pid" ]] && ps -p "$pid" -o args= 2>/dev/null | grep -qF -- "--configDir $CONF"
}

# The JVM options and Flink dynamic properties for a JobManager or TaskManager, as Flink's scripts
# get them: BashJavaUtils derives heap, direct and metaspace sizes from config.yaml's memory keys.
resource_params() {
  local output
  output=$("$JAVA" -cp "$CLASSPATH" org.apache.flink.runtime.util.bash.BashJavaUtils "$1" --configDir "$CONF" 2>&1) \
    || fail "Flink could not derive the memory settings ($1): $output"
  grep '^BASH_JAVA_UTILS_EXEC_RESULT:' <<<"$output" | sed 's/^BASH_JAVA_UTILS_EXEC_RESULT://'
}

# Starts one Flink process in the background: name (jobmanager, taskmanager-N), resource command,
# main class, extra arguments. Its log is $LOGS/NAME.log, its standard output and error NAME.out,
# its temporary files (Flink's io.tmp.dirs, the natives ONNX Runtime extracts) in $DIR/tmp/NAME.
launch() {
  local name=$1 resources=$2 main=$3
  shift 3
  local params jvm dynamic
  params=$(resource_params "$resources")
  jvm=$(sed -n 1p <<<"$params")
  dynamic=$(sed -n 2p <<<"$params")
  mkdir -p "$DIR/tmp/$name"
  # shellcheck disable=SC2086 # the JVM options and dynamic properties are word lists
  nohup "$JAVA" $jvm "${JAVA_MODULE_OPTS[@]}" -Djava.io.tmpdir="$DIR/tmp/$name" -Dlog.file="$LOGS/$name.log" \
    -Dlog4j.configurationFile="$CONF/log4j.properties" -cp "$CLASSPATH" "$main" \
    --configDir "$CONF" $dynamic "$@" >"$LOGS/$name.out" 2>&1 </dev/null &
  echo $! >"$PIDS/$name.pid"
  echo "flink-cluster: started $name (pid $!, log ${LOGS}/$name.log)"
}

# The REST port, read back from config.yaml's rest: block.
rest_port() {
  sed -n '/^rest:/,/^[^ ]/s/^  port: \([0-9]*\)$/\1/p' "$CONF/config.yaml"
}

rest_get() {
  curl -sf --max-time 5 "http://127.0.0.1:$(rest_port)$1"
}

next_taskmanager() {
  local n=1
  while [[ -f "$PIDS/taskmanager-$n.pid" ]]; do n=$((n + 1)); done
  echo "taskmanager-$n"
}

# Starts the next TaskManager and prints its name.
start_taskmanager() {
  local name
  name=$(next_taskmanager)
  # A resource id that names the process, so that the REST API's TaskManagers match the pid files.
  launch "$name" GET_TM_RESOURCE_PARAMS org.apache.flink.runtime.taskexecutor.TaskManagerRunner \
    -D "taskmanager.resource-id=$name" >&2
  echo "$name"
}

# Waits (up to 120 s) until the REST API lists every TaskManager named, and fails early, with its
# log, when a process of the cluster died.
await_registered() {
  local deadline=$((SECONDS + 120)) missing=("$@")
  command -v curl >/dev/null || fail "curl is needed to wait for the cluster; install it (Debian: apt-get install curl)."
  while ((SECONDS < deadline)); do
    for name in jobmanager "$@"; do
      if ! running "$name"; then
        tail -n 30 "$LOGS/$name.out" "$LOGS/$name.log" >&2 2>/dev/null || true
        fail "$name exited during start-up; its log is $LOGS/$name.log"
      fi
    done
    local listed
    listed=$(rest_get /taskmanagers 2>/dev/null || true)
    missing=()
    for name in "$@"; do
      grep -qF "\"id\":\"$name\"" <<<"$listed" || missing+=("$name")
    done
    if ((${#missing[@]} == 0)); then
      echo "flink-cluster: $* registered; web UI and REST API at http://127.0.0.1:$(rest_port)/"
      return
    fi
    sleep 0.5
  done
  fail "${missing[*]} did not register with the JobManager within 120 s; logs in $LOGS"
}

write_config() {
  local rest=$1 rpc=$2 slots=$3
  mkdir -p "$CONF" "$LOGS" "$PIDS" "$DIR/checkpoints" "$DIR/tmp" "$FLINK_PLUGINS_DIR"
  cat >"$CONF/config.yaml" <<EOF
# Written by scripts/flink-cluster.sh start; the next start writes it again.
jobmanager:
  rpc:
    address: 127.0.0.1
    port: $rpc
  bind-host: 127.0.0.1
  memory:
    process:
      size: 1024m
taskmanager:
  host: 127.0.0.1
  bind-host: 127.0.0.1
  numberOfTaskSlots: $slots
  memory:
    process:
      size: 1536m
    # Streaming state lives on the heap: little managed memory. The inference operator's staging
    # buffers are direct memory, counted as task off-heap (docs/ARCHITECTURE.md, "Staging memory").
    managed:
      size: 64m
    task:
      off-heap:
        size: 64m
rest:
  address: 127.0.0.1
  bind-address: 127.0.0.1
  port: $rest
parallelism:
  default: 2
execution:
  checkpointing:
    storage: filesystem
    dir: file://$DIR/checkpoints
# A TaskManager killed without warning is noticed within seconds rather than Flink's default 50.
heartbeat:
  interval: 1 s
  timeout: 10 s
EOF
  cat >"$CONF/log4j.properties" <<'EOF'
# Every Flink process of the cluster logs to the file its launcher names (-Dlog.file); the web UI
# shows the same files.
rootLogger.level = INFO
rootLogger.appenderRef.file.ref = LogFile
appender.file.name = LogFile
appender.file.type = File
appender.file.fileName = ${sys:log.file}
appender.file.layout.type = PatternLayout
appender.file.layout.pattern = %d{yyyy-MM-dd HH:mm:ss,SSS} %-5p %c{1.} [%t] - %m%n
logger.kafka.name = org.apache.kafka
logger.kafka.level = WARN
EOF
}

start() {
  local taskmanagers=2 slots=2 rest=8081 rpc=6123
  while (($#)); do
    case $1 in
      --taskmanagers) taskmanagers=$2; shift 2 ;;
      --slots) slots=$2; shift 2 ;;
      --rest-port) rest=$2; shift 2 ;;
      --rpc-port) rpc=$2; shift 2 ;;
      *) fail "unknown option for start: $1 (see the top of $0)" ;;
    esac
  done
  for pidfile in "$PIDS"/*.pid; do
    [[ -f "$pidfile" ]] || continue
    running "$(basename "$pidfile" .pid)" && fail "a cluster already runs from $DIR ($(basename "$pidfile" .pid)); stop it first"
    rm -f "$pidfile"
  done
  # Nothing runs from here: what the last processes left in their temporary folders can go.
  rm -rf "$DIR/tmp"
  write_config "$rest" "$rpc" "$slots"
  launch jobmanager GET_JM_RESOURCE_PARAMS org.apache.flink.runtime.entrypoint.StandaloneSessionClusterEntrypoint
  local names=()
  for ((i = 0; i < taskmanagers; i++)); do
    names+=("$(start_taskmanager)")
  done
  await_registered "${names[@]}"
}

add_taskmanager() {
  running jobmanager || fail "no cluster runs from $DIR; start one first"
  await_registered "$(start_taskmanager)"
}

stop() {
  local stopping=()
  # TaskManagers first, so that none of them is left looking for its JobManager.
  for pidfile in "$PIDS"/taskmanager-*.pid "$PIDS"/jobmanager.pid; do
    [[ -f "$pidfile" ]] || continue
    local name
    name=$(basename "$pidfile" .pid)
    if running "$name"; then
      kill "$(pid_of "$name")" && stopping+=("$name")
    else
      rm -f "$pidfile"
    fi
  done
  # Flink's processes shut down cleanly on SIGTERM; whatever is left after 30 s is killed.
  local deadline=$((SECONDS + 30))
  for name in "${stopping[@]}"; do
    while running "$name" && ((SECONDS < deadline)); do sleep 0.2; done
    if running "$name"; then
      kill -9 "$(pid_of "$name")" 2>/dev/null || true
      echo "flink-cluster: killed $name, which did not stop within 30 s"
    else
      echo "flink-cluster: stopped $name"
    fi
    rm -f "$PIDS/$name.pid"
  done
  ((${#stopping[@]})) || echo "flink-cluster: nothing runs from $DIR"
  # The processes' temporary files (job jars, extracted natives: hundreds of MB) mean nothing once they are gone.
  rm -rf "$DIR/tmp"
}

status() {
  local any=0
  for pidfile in "$PIDS"/*.pid; do
    [[ -f "$pidfile" ]] || continue
    local name
    name=$(basename "$pidfile" .pid)
    any=1
    if running "$name"; then echo "$name: running (pid $(pid_of "$name"))"; else echo "$name: not running"; fi
  done
  ((any)) || { echo "no cluster in $DIR"; return 1; }
  if running jobmanager; then
    echo "REST API http://127.0.0.1:$(rest_port)/: $(rest_get /overview || echo 'no answer')"
  fi
}

# Flink's command-line client, configured by this cluster's config.yaml (its REST address among it).
flink_client() {
  [[ -f "$CONF/config.yaml" ]] || fail "no cluster configuration in $DIR; start one first"
  FLINK_CONF_DIR="$CONF" exec "$JAVA" "${JAVA_MODULE_OPTS[@]}" -Dlog.file="$LOGS/client.log" \
    -Dlog4j.configurationFile="$CONF/log4j.properties" -cp "$CLASSPATH" org.apache.flink.client.cli.CliFrontend "$@"
}

command=${1:-}
[[ -n "$command" ]] || fail "usage: $0 start|add-taskmanager|status|stop|flink ARGS (see the top of the script)"
shift
case $command in
  start | add-taskmanager | flink)
    CLASSPATH="$(cluster_lib)/*"
    ;;
esac
case $command in
  start) start "$@" ;;
  add-taskmanager) add_taskmanager ;;
  status) status ;;
  stop) stop ;;
  flink) flink_client "$@" ;;
  *) fail "unknown command $command: start, add-taskmanager, status, stop or flink" ;;
esac
