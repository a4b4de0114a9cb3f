#!/usr/bin/env bash
# Runs one benchmark on two builds side by side, alternating, so that both see the same machine:
#   benchmarks/compare.sh BASE_COMMIT BENCHMARK ROUNDS [benchmark options]
# BASE_COMMIT is built once in benchmarks/target/base-<commit> (tests skipped); the working tree is
# the other side. Each round runs the base, then the working tree, and each run's report lands in
# benchmarks/target/results/compare-<benchmark>-<round>-{base,head}.md. Read ratios across the
# pairs: the spread between rounds of one side is the noise band.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
BASE=${1:?usage: benchmarks/compare.sh BASE_COMMIT BENCHMARK ROUNDS [options]}
NAME=${2:?usage: benchmarks/compare.sh BASE_COMMIT BENCHMARK ROUNDS [options]}
ROUNDS=${3:?usage: benchmarks/compare.sh BASE_COMMIT BENCHMARK ROUNDS [options]}
shift 3
base_dir="$ROOT/benchmarks/target/base-$(git -C "$ROOT" rev-parse --short "$BASE")"
if [[ ! -f "$base_dir/benchmarks/target/benchmark.classpath" ]]; then
  echo "compare: building $BASE in $base_dir" >&2
  rm -rf "$base_dir" && git clone -q "$ROOT" "$base_dir" && git -C "$base_dir" checkout -q "$BASE"
  mvn -B -q -f "$base_dir/pom.xml" -DskipTests package >&2
fi
echo "compare: building the working tree" >&2
mvn -B -q -f "$ROOT/pom.xml" -DskipTests package >&2
results="$ROOT/benchmarks/target/results" && mkdir -p "$results"
run() { # checkout label round [benchmark options]
  local dir=$1 label=$2 round=$3
  shift 3
  local cp="$dir/benchmarks/target/classes:$(cat "$dir/benchmarks/target/benchmark.classpath")"
  echo "compare: round $round, $label" >&2
  (cd "$dir" && java ${JAVA_OPTS:--Xmx4g} -Djava.awt.headless=true -cp "$cp" "io.flinkinference.benchmarks.$NAME" "$@") \
    > "$results/compare-$NAME-$round-$label.md"
}
for round in $(seq 1 "$ROUNDS"); do
  run "$base_dir" base "$round" "$@"
  run "$ROOT" head "$round" "$@"
done
ls "$results"/compare-"$NAME"-*
