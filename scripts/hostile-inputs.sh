#!/usr/bin/env bash
# The reliability table of docs/BENCHMARKS.md: the streaming job takes good images, then each
# hostile input of issue 17 alone (unreadable Avro, lying lengths, images claiming huge sizes, a
# PNG bomb, corrupt payloads near and over 1 MB), then good images again, and reports each
# input's outcome, heap and RSS peaks, and the throughput before and after. Writes the table to
# jobs/target/hostile-inputs.md. Takes a few minutes; needs Java 17 and Maven (and npm once, for the models).
set -euo pipefail
cd "$(dirname "$0")/.."
mvn -B -q -pl jobs -am test -Dtest=HostileInputsReport -Dsurefire.failIfNoSpecifiedTests=false \
  -Dsurefire.printSummary=false "$@"
cat jobs/target/hostile-inputs.md
