#!/usr/bin/env bash
# The main job: installs what is missing, builds, and renders every sample agreement into
# out/ — one PDF per sample, a batch of all of them, and a PNG of each cover — prints a
# print-room batch of 200 seeded agreements, then serves the demo data (sanfang demo over
# demo-data/) until Ctrl-C.
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
"$here/scripts/setup.sh"
"$here/scripts/build.sh"
sanfang="$here/build/src/cli/sanfang"
out="$here/out"
mkdir -p "$out"
for sample in "$here"/samples/*.json; do
  name=$(basename "$sample" .json)
  "$sanfang" render "$sample" -o "$out/$name.pdf" --png "$out/$name.png" --page 1 --data "$here/data"
  echo "rendered $out/$name.pdf and $out/$name.png"
done
"$sanfang" render "$here"/samples/*.json -o "$out/all-samples.pdf" --data "$here/data"
echo "rendered $out/all-samples.pdf (every sample, each starting on a new sheet)"
"$sanfang" bench --agreements 200 --runs 3
# The print room: 200 signed agreements, printed college by college with separator sheets.
"$sanfang" bench-seed --data "$out/print-room" --agreements 200
"$sanfang" batch --data "$out/print-room" --separators -o "$out/print-room-batch.pdf"
exec "$sanfang" demo --data "$here/demo-data" --listen 127.0.0.1:8080
