#!/usr/bin/env bash
# Benchmark of discovery with 2,000 engage and 2,000 export properties (docs/performance.md "Performance"). Not a test.
#
#   bench/discovery.sh [--properties N] [--runs R]
#
# Serves the three metadata endpoints (engage/properties, events/properties/top, Lexicon schemas with 100 event
# schemas typing 40 properties each) and /api/app/me as static files with python3's http.server on a free port,
# runs `bin/tap-mixpanel --discover` R times (default 5), and prints each run's wall time, the time the API took
# (sum of the tap's http_request_duration metrics) and the median. Needs python3.
set -euo pipefail
n=2000 runs=5
while [ $# -gt 0 ]; do
  case "$1" in
    --properties) n="$2"; shift 2 ;;
    --runs) runs="$2"; shift 2 ;;
    -h|--help) sed -n '2,9p' "$0"; exit 0 ;;
    *) echo "bench/discovery.sh: unknown argument $1 (see --help)" >&2; exit 2 ;;
  esac
done
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
command -v python3 >/dev/null || { echo "bench/discovery.sh: needs python3" >&2; exit 2; }
[ -f "$root/target/tap-mixpanel.jar" ] || (cd "$root" && mvn -B -q -DskipTests package)
work="$(mktemp -d "${TMPDIR:-/tmp}/tap-mixpanel-disc.XXXXXX")"
server_pid=""
cleanup() { [ -n "$server_pid" ] && kill "$server_pid" 2>/dev/null; rm -rf "$work"; }
trap cleanup EXIT INT TERM

port="$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')"
python3 - "$work" "$n" "$port" <<'PY'
import json, os, sys
work, n, port = sys.argv[1], int(sys.argv[2]), sys.argv[3]
et = ["string", "number", "boolean", "datetime", "object", "list"]
lt = ["string", "number", "integer", "boolean", "array", "object"]
def name(prefix, i, every): return ("$" if i % every == 0 else "") + prefix + str(i)
files = {
  "api/2.0/engage/properties": {"status": "ok", "results": {name("profile_prop_", i, 3): {"count": i, "type": et[i % 6]} for i in range(n)}},
  "api/2.0/events/properties/top": {name("event_prop_", i, 5): {"count": i} for i in range(n)},
  "api/app/projects/1234/schemas": {"status": "ok", "results": [
      {"entityType": "event", "name": "Event %d" % e, "schemaJson": {"properties": {
          name("event_prop_", (e * 37 + k * 13) % n, 5): {"type": lt[((e * 37 + k * 13) % n + e) % 6]} for k in range(40)}}}
      for e in range(100)]},
  "api/app/me": {"status": "ok", "results": {"projects": {"1234": {"name": "bench", "timezone": "UTC", "domain": "mixpanel.com"}}}},
}
for path, body in files.items():
    os.makedirs(os.path.join(work, "www", os.path.dirname(path)), exist_ok=True)
    with open(os.path.join(work, "www", path), "w") as f: json.dump(body, f)
url = "http://127.0.0.1:" + port
with open(os.path.join(work, "config.json"), "w") as f:
    json.dump({"service_account_username": "u", "service_account_secret": "s", "project_id": 1234, "start_date": "2024-01-01",
               "api_base_url": url, "export_base_url": url, "app_base_url": url}, f)
PY
(cd "$work/www" && exec python3 -m http.server "$port" --bind 127.0.0.1 >/dev/null 2>&1) &
server_pid=$!
sleep 1
echo "discovery of $n engage + $n export properties (100 Lexicon event schemas): $root/bin/tap-mixpanel --config $work/config.json --discover > /dev/null   (x$runs)"
walls=()
for i in $(seq 1 "$runs"); do
  start=$(date +%s.%N)
  "$root/bin/tap-mixpanel" --config "$work/config.json" --discover > "$work/catalog.json" 2> "$work/stderr.txt"
  end=$(date +%s.%N)
  wall=$(echo "$end - $start" | bc)
  api=$(grep -o '"metric":"http_request_duration","value":[0-9.]*' "$work/stderr.txt" | sed 's/.*://' | paste -sd+ - | bc)
  props=$(grep -c '"inclusion"' "$work/catalog.json" || true)
  printf '   run %d: %.2f s wall, of which %.2f s API; catalog with %d metadata entries\n' "$i" "$wall" "$api" "$props"
  walls+=("$wall")
done
median=$(printf '%s\n' "${walls[@]}" | sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}')
printf '   MEDIAN discovery: %.2f s wall (JVM start included)\n' "$median"
