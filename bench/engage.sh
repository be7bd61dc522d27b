#!/usr/bin/env bash
# Benchmark of the engage sync's memory and speed against the sandbox (docs/performance.md "Performance"). Not a test.
#
#   bench/engage.sh [--profiles P] [--runs R] [--concurrency C]
#
# Builds the jars if missing, starts the sandbox with P profiles (default 100,000) and 1,000 events on a free port,
# then runs a full engage sync into /dev/null R times (default 5) under /usr/bin/time -v and prints the exact command
# line, each run (profiles, wall time, peak RSS of the tap's JVM; the sandbox's own memory is not counted) and the
# medians. TAP_MIXPANEL_JAVA_OPTS, when set, is passed on to the launcher (to compare JVM flags). Needs python3 and GNU
# time. Stops the sandbox it started.
set -euo pipefail

profiles=100000 runs=5 concurrency=""
while [ $# -gt 0 ]; do
  case "$1" in
    --profiles) profiles="$2"; shift 2 ;;
    --runs) runs="$2"; shift 2 ;;
    --concurrency) concurrency="$2"; shift 2 ;;
    -h|--help) sed -n '2,10p' "$0"; exit 0 ;;
    *) echo "bench/engage.sh: unknown argument $1 (see --help)" >&2; exit 2 ;;
  esac
done

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
if [ ! -f "$root/target/tap-mixpanel.jar" ] || [ ! -f "$root/target/mixpanel-sandbox.jar" ]; then
  (cd "$root" && mvn -B -q -DskipTests package)
fi
[ -x /usr/bin/time ] || { echo "bench/engage.sh: needs /usr/bin/time (GNU time)" >&2; exit 2; }
command -v python3 >/dev/null || { echo "bench/engage.sh: needs python3" >&2; exit 2; }

work="$(mktemp -d "${TMPDIR:-/tmp}/tap-mixpanel-engage.XXXXXX")"
cp "$root/target/mixpanel-sandbox.jar" "$work/sandbox.jar" # a rebuild during the benchmark must not touch the sandbox
sandbox_pid=""
cleanup() {
  if [ -n "$sandbox_pid" ]; then kill "$sandbox_pid" 2>/dev/null || true; wait "$sandbox_pid" 2>/dev/null || true; fi
  rm -rf "$work"
}
trap cleanup EXIT INT TERM

# ~2.5 KB of sandbox heap a profile: 1,000,000 profiles need a few GB.
sandbox_cmd=(java -Xmx6g -cp "$work/sandbox.jar" io.tapmixpanel.sandbox.SandboxMain --port 0 --events 1000
             --profiles "$profiles")
echo "machine: $(nproc) cores, $(awk '/MemTotal/ {printf "%.0f GB", $2/1048576}' /proc/meminfo), $(uname -sr), $(java -version 2>&1 | head -1)"
echo "load average at start: $(cut -d' ' -f1-3 /proc/loadavg)"
echo "sandbox: ${sandbox_cmd[*]}"
"${sandbox_cmd[@]}" > "$work/sandbox.out" 2> "$work/sandbox.err" &
sandbox_pid=$!
for _ in $(seq 1500); do
  grep -q "gzip cache ready" "$work/sandbox.err" 2>/dev/null && break
  kill -0 "$sandbox_pid" 2>/dev/null || { cat "$work/sandbox.err" >&2; exit 1; }
  sleep 0.2
done
grep -q "gzip cache ready" "$work/sandbox.err" || { echo "sandbox not ready after 300 s" >&2; exit 1; }
base="$(head -1 "$work/sandbox.out" | sed 's/.* //')"
page_bytes="$(curl -s -u sandbox-user:sandbox-password -o /dev/null -w '%{size_download}' \
  --data 'page=0' "$base/api/2.0/engage?project_id=1234")"
echo "sandbox at $base: $profiles profiles, $page_bytes bytes of JSON in page 0"

python3 - "$work/config.json" "$base" "$concurrency" <<'EOF'
import json, sys
path, base, conc = sys.argv[1:]
c = {"service_account_username": "sandbox-user", "service_account_secret": "sandbox-password", "project_id": 1234,
     "start_date": "2020-01-01T00:00:00Z", "api_base_url": base, "export_base_url": base, "app_base_url": base}
if conc: c["max_concurrent_requests"] = int(conc)
json.dump(c, open(path, "w"))
EOF
"$root/bin/tap-mixpanel" --config "$work/config.json" --discover > "$work/discovered.json" 2> /dev/null
python3 - "$work/discovered.json" "$work/engage.json" <<'EOF'
import json, sys
src, out = sys.argv[1:]
c = json.load(open(src))
c["streams"] = [s for s in c["streams"] if s["tap_stream_id"] == "engage"]
for s in c["streams"]:
    for m in s["metadata"]:
        if m["breadcrumb"] == []: m["metadata"]["selected"] = True
json.dump(c, open(out, "w"))
EOF

seconds() { # h:mm:ss.ss or m:ss.ss -> seconds
  awk -F: '{ s = 0; for (i = 1; i <= NF; i++) s = s * 60 + $i; print s }' <<< "$1"
}
median() { sort -g | awk '{ v[NR] = $1 } END { if (NR % 2) print v[(NR + 1) / 2]; else print (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }

echo
echo "== engage ($profiles profiles): /usr/bin/time -v $root/bin/tap-mixpanel --config $work/config.json --catalog $work/engage.json > /dev/null   (x$runs)"
echo "   config: $(cat "$work/config.json")"
[ -n "${TAP_MIXPANEL_JAVA_OPTS:-}" ] && echo "   TAP_MIXPANEL_JAVA_OPTS=$TAP_MIXPANEL_JAVA_OPTS"
rates="" rsss="" secs=""
for i in $(seq "$runs"); do
  /usr/bin/time -v "$root/bin/tap-mixpanel" --config "$work/config.json" --catalog "$work/engage.json" > /dev/null 2> "$work/run.err" || {
    tail -20 "$work/run.err" >&2; exit 1; }
  wall="$(seconds "$(sed -n 's/.*Elapsed (wall clock) time (h:mm:ss or m:ss): //p' "$work/run.err")")"
  rss="$(sed -n 's/.*Maximum resident set size (kbytes): //p' "$work/run.err")"
  user="$(sed -n 's/.*User time (seconds): //p' "$work/run.err")"
  sys="$(sed -n 's/.*System time (seconds): //p' "$work/run.err")"
  records="$(awk '$2 == "engage" && $3 ~ /^[0-9]+$/ { print $3 }' "$work/run.err" | tail -1)"
  [ "$records" = "$profiles" ] || { echo "run $i: $records profiles, expected $profiles" >&2; tail -20 "$work/run.err" >&2; exit 1; }
  rate="$(awk -v n="$records" -v t="$wall" 'BEGIN { printf "%.0f", n / t }')"
  printf '   run %d: %s profiles in %.2f s = %s profiles/s, peak RSS %d MB, CPU user %s s sys %s s\n' \
    "$i" "$records" "$wall" "$rate" $((rss / 1024)) "$user" "$sys"
  rates+="$rate"$'\n'; rsss+="$((rss / 1024))"$'\n'; secs+="$wall"$'\n'
done
printf '   MEDIAN engage (%s profiles): %s profiles/s, %s s, peak RSS %s MB (min %s, max %s)\n' "$profiles" \
  "$(printf '%s' "$rates" | median)" "$(printf '%s' "$secs" | median)" "$(printf '%s' "$rsss" | median)" \
  "$(printf '%s' "$rsss" | sort -g | head -1)" "$(printf '%s' "$rsss" | sort -g | tail -1)"
echo "load average at end: $(cut -d' ' -f1-3 /proc/loadavg)"
