#!/usr/bin/env bash
# Runs a benchmark in a forked JVM: benchmarks/run.sh BatchingBenchmark [options]
# Builds the project first (tests skipped). Results go to stdout and to benchmarks/target/results/.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
NAME="${1:?usage: benchmarks/run.sh BENCHMARK [options] (BatchingBenchmark, KafkaBenchmark, QuantizationBenchmark, OcrBenchmark, PeerSuite, SqlPredictBenchmark)}"
shift
# The peer suite lives in a package of its own.
case "$NAME" in PeerSuite) NAME=peers.PeerSuite ;; esac
mvn -B -q -f "$ROOT/pom.xml" -DskipTests package >&2
CP="$ROOT/benchmarks/target/classes:$(cat "$ROOT/benchmarks/target/benchmark.classpath")"
mkdir -p "$ROOT/benchmarks/target/results"
exec java ${JAVA_OPTS:--Xmx4g} -Djava.awt.headless=true -cp "$CP" "io.flinkinference.benchmarks.$NAME" "$@"
