#!/usr/bin/env bash
# Benchmark of the export (and engage) sync against the sandbox (docs/performance.md "Performance"). Not a test.
#
#   bench/export.sh [--events N] [--runs R] [--profiles P] [--delay-ms MS] [--concurrency C] [--window-days D] [--batch]
#
# --batch: instead, R pairs of export syncs alternated in the same session, RECORD messages into /dev/null, then
# BATCH files (batch_config, gzip JSONL) into a folder under the benchmark's temp folder, with the same medians and
# the files' count and size (docs/batch.md "BATCH messages").
#
# Builds target/tap-mixpanel.jar and target/mixpanel-sandbox.jar if missing, starts the sandbox with N events (default 1,000,000) on a free port,
# waits for its gzip cache, then runs full syncs into /dev/null R times (default 3) with export_gzip on and off,
# and an engage sync of P profiles (default 200,000). Prints the exact command lines, each run, and the median of
# events/s, MB/s (uncompressed JSON the sandbox served for the same range, measured with curl) and peak RSS
# (/usr/bin/time -v). Discovery with 2,000 properties has its own script: bench/discovery.sh; engage memory at
# 100,000 and 1,000,000 profiles (medians of several runs): bench/engage.sh.
# Stops the sandbox it started.
set -euo pipefail

events=1000000 runs=3 profiles=200000 delay=0 concurrency="" window=5 batch=""
while [ $# -gt 0 ]; do
  case "$1" in
    --events) events="$2"; shift 2 ;;
    --runs) runs="$2"; shift 2 ;;
    --profiles) profiles="$2"; shift 2 ;;
    --delay-ms) delay="$2"; shift 2 ;;
    --concurrency) concurrency="$2"; shift 2 ;;
    --window-days) window="$2"; shift 2 ;;
    --batch) batch=1; shift ;;
    -h|--help) sed -n '2,17p' "$0"; exit 0 ;;
    *) echo "bench/export.sh: unknown argument $1 (see --help)" >&2; exit 2 ;;
  esac
done

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
if [ ! -f "$root/target/tap-mixpanel.jar" ] || [ ! -f "$root/target/mixpanel-sandbox.jar" ]; then
  (cd "$root" && mvn -B -q -DskipTests package)
fi
[ -x /usr/bin/time ] || { echo "bench/export.sh: needs /usr/bin/time (GNU time)" >&2; exit 2; }

work="$(mktemp -d "${TMPDIR:-/tmp}/tap-mixpanel-bench.XXXXXX")"
cp "$root/target/mixpanel-sandbox.jar" "$work/sandbox.jar" # a rebuild during the benchmark must not touch the sandbox
sandbox_pid=""
cleanup() {
  if [ -n "$sandbox_pid" ]; then kill "$sandbox_pid" 2>/dev/null || true; wait "$sandbox_pid" 2>/dev/null || true; fi
  rm -rf "$work"
}
trap cleanup EXIT INT TERM

sandbox_cmd=(java -Xmx4g -cp "$work/sandbox.jar" io.tapmixpanel.sandbox.SandboxMain --port 0 --events "$events"
             --profiles "$profiles" --delay-ms "$delay")
echo "machine: $(nproc) cores, $(awk '/MemTotal/ {printf "%.0f GB", $2/1048576}' /proc/meminfo), $(uname -sr), $(java -version 2>&1 | head -1)"
echo "load average at start: $(cut -d' ' -f1-3 /proc/loadavg)"
echo "sandbox: ${sandbox_cmd[*]}"
"${sandbox_cmd[@]}" > "$work/sandbox.out" 2> "$work/sandbox.err" &
sandbox_pid=$!
for _ in $(seq 600); do
  grep -q "gzip cache ready" "$work/sandbox.err" 2>/dev/null && break
  kill -0 "$sandbox_pid" 2>/dev/null || { cat "$work/sandbox.err" >&2; exit 1; }
  sleep 0.2
done
grep -q "gzip cache ready" "$work/sandbox.err" || { echo "sandbox not ready after 120 s" >&2; exit 1; }
base="$(head -1 "$work/sandbox.out" | sed 's/.* //')"
stats="$(curl -s "$base/sandbox/stats")"
first_day="$(python3 -c 'import json,sys; d=json.loads(sys.argv[1]); print(sorted(d["events_per_day"])[0])' "$stats")"
last_day="$(python3 -c 'import json,sys; d=json.loads(sys.argv[1]); print(sorted(d["events_per_day"])[-1])' "$stats")"
raw_bytes="$(curl -s -u sandbox-user:sandbox-password -o /dev/null -w '%{size_download}' \
  "$base/api/2.0/export?project_id=1234&from_date=$first_day&to_date=$last_day")"
echo "sandbox at $base: $events events $first_day..$last_day, $raw_bytes bytes of uncompressed export JSON"

config() { # $1 = file, $2 = export_gzip, $3 = BATCH folder (optional), $4 = its compression (default gzip)
  python3 - "$1" "$2" "$base" "$first_day" "$window" "$concurrency" "${3:-}" "${4:-gzip}" <<'EOF'
import json, sys, pathlib
path, gz, base, first, window, conc, folder, compression = sys.argv[1:]
c = {"service_account_username": "sandbox-user", "service_account_secret": "sandbox-password", "project_id": 1234,
     "start_date": first + "T00:00:00Z", "api_base_url": base, "export_base_url": base, "app_base_url": base,
     "date_window_size": int(window), "export_gzip": gz == "true"}
if conc: c["max_concurrent_requests"] = int(conc)
if folder: c["batch_config"] = {"encoding": {"format": "jsonl", "compression": compression},
                                "storage": {"root": pathlib.Path(folder).as_uri()}}
json.dump(c, open(path, "w"))
EOF
}
select_only() { # $1 = discovered catalog, $2 = stream, $3 = output
  python3 - "$1" "$2" "$3" <<'EOF'
import json, sys
src, stream, out = sys.argv[1:]
c = json.load(open(src))
for s in c["streams"]:
    for m in s["metadata"]:
        if m["breadcrumb"] == []: m["metadata"]["selected"] = s["tap_stream_id"] == stream
c["streams"] = [s for s in c["streams"] if s["tap_stream_id"] == stream]
json.dump(c, open(out, "w"))
EOF
}

config "$work/gzip-on.json" true
config "$work/gzip-off.json" false
"$root/bin/tap-mixpanel" --config "$work/gzip-on.json" --discover > "$work/discovered.json" 2> /dev/null
select_only "$work/discovered.json" export "$work/export.json"
select_only "$work/discovered.json" engage "$work/engage.json"

seconds() { # h:mm:ss.ss or m:ss.ss -> seconds
  awk -F: '{ s = 0; for (i = 1; i <= NF; i++) s = s * 60 + $i; print s }' <<< "$1"
}
median() { sort -g | awk '{ v[NR] = $1 } END { if (NR % 2) print v[(NR + 1) / 2]; else print (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }

# once LABEL STREAM CONFIG CATALOG I: one sync into /dev/null; prints it and adds it to LABEL's figures
declare -A rates mbs rsss secs
once() {
  local label="$1" stream="$2" cfg="$3" cat="$4" i="$5"
  /usr/bin/time -v "$root/bin/tap-mixpanel" --config "$cfg" --catalog "$cat" > /dev/null 2> "$work/run.err" || {
    tail -20 "$work/run.err" >&2; exit 1; }
  local wall rss user sys records
  wall="$(seconds "$(sed -n 's/.*Elapsed (wall clock) time (h:mm:ss or m:ss): //p' "$work/run.err")")"
  rss="$(sed -n 's/.*Maximum resident set size (kbytes): //p' "$work/run.err")"
  user="$(sed -n 's/.*User time (seconds): //p' "$work/run.err")"
  sys="$(sed -n 's/.*System time (seconds): //p' "$work/run.err")"
  records="$(awk -v s="$stream" '$2 == s && $3 ~ /^[0-9]+$/ { print $3 }' "$work/run.err" | tail -1)"
  local rate mb
  rate="$(awk -v n="$records" -v t="$wall" 'BEGIN { printf "%.0f", n / t }')"
  mb="$(awk -v b="$raw_bytes" -v t="$wall" 'BEGIN { printf "%.1f", b / 1e6 / t }')"
  if [ "$stream" = export ]; then
    printf '   run %d %s: %s records in %.2f s = %s records/s, %s MB/s, peak RSS %d MB, CPU user %s s sys %s s\n' \
      "$i" "$label" "$records" "$wall" "$rate" "$mb" $((rss / 1024)) "$user" "$sys"
  else
    printf '   run %d %s: %s records in %.2f s = %s records/s, peak RSS %d MB, CPU user %s s sys %s s\n' \
      "$i" "$label" "$records" "$wall" "$rate" $((rss / 1024)) "$user" "$sys"
  fi
  rates[$label]+="$rate"$'\n'; mbs[$label]+="$mb"$'\n'; rsss[$label]+="$((rss / 1024))"$'\n'; secs[$label]+="$wall"$'\n'
}

medians() { # LABEL STREAM
  local label="$1" stream="$2"
  if [ "$stream" = export ]; then
    printf '   MEDIAN %s: %s events/s, %s MB/s, %s s, peak RSS %s MB\n' "$label" \
      "$(printf '%s' "${rates[$label]}" | median)" "$(printf '%s' "${mbs[$label]}" | median)" \
      "$(printf '%s' "${secs[$label]}" | median)" "$(printf '%s' "${rsss[$label]}" | median)"
  else
    printf '   MEDIAN %s: %s profiles/s, %s s, peak RSS %s MB\n' "$label" \
      "$(printf '%s' "${rates[$label]}" | median)" "$(printf '%s' "${secs[$label]}" | median)" \
      "$(printf '%s' "${rsss[$label]}" | median)"
  fi
}

# run LABEL STREAM CONFIG CATALOG: R syncs into /dev/null; prints each run and the medians
run() {
  local label="$1" stream="$2" cfg="$3" cat="$4"
  echo
  echo "== $label: /usr/bin/time -v $root/bin/tap-mixpanel --config $cfg --catalog $cat > /dev/null   (x$runs)"
  echo "   config: $(cat "$cfg")"
  for i in $(seq "$runs"); do once "$label" "$stream" "$cfg" "$cat" "$i"; done
  medians "$label" "$stream"
}

if [ -n "$batch" ]; then
  mkdir -p "$work/batches"
  config "$work/batch.json" true "$work/batches"
  config "$work/batch-plain.json" true "$work/batches" none
  echo
  echo "== export, RECORD vs BATCH, alternated (x$runs): /usr/bin/time -v $root/bin/tap-mixpanel --config CONFIG --catalog $work/export.json > /dev/null"
  echo "   RECORD config: $(cat "$work/gzip-on.json")"
  echo "   BATCH config:  $(cat "$work/batch.json")"
  echo "   BATCH-none config: the same with \"compression\": \"none\""
  for i in $(seq "$runs"); do
    once "RECORD" export "$work/gzip-on.json" "$work/export.json" "$i"
    for b in BATCH BATCH-none; do
      rm -f "$work/batches"/*
      once "$b" export "$work/$( [ "$b" = BATCH ] && echo batch || echo batch-plain ).json" "$work/export.json" "$i"
      echo "   $b files: $(find "$work/batches" -type f | wc -l) files, $(du -sm "$work/batches" | cut -f1) MB"
    done
  done
  rm -rf "$work/batches"
  medians "RECORD" export
  medians "BATCH" export
  medians "BATCH-none" export
  echo "load average at end: $(cut -d' ' -f1-3 /proc/loadavg)"
  exit 0
fi

run "export, gzip on" export "$work/gzip-on.json" "$work/export.json"
run "export, gzip off" export "$work/gzip-off.json" "$work/export.json"
run "engage ($profiles profiles)" engage "$work/gzip-on.json" "$work/engage.json"
echo
echo "discovery with 2,000 properties: see bench/discovery.sh"
echo "load average at end: $(cut -d' ' -f1-3 /proc/loadavg)"
