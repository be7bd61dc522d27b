#!/usr/bin/env bash
# Export across runs (docs/state.md "Export across runs"): daily incremental runs against one sandbox whose clock moves a
# day between runs, with late events. Not a test.
#
#   bench/across-runs.sh [--events N] [--days D] [--runs R] [--late-fraction F] [--late-max-days L] [--margin-minutes M]
#
# Starts the sandbox (default 200,000 events over the 30 days ending 2024-03-31, 5 % of them late by 1 hour to 4
# days) with its clock at 06:00 UTC of the day R-1 days before the end (default R = 7 runs). Each run syncs export
# up to that day (end_date = that day), passing the previous run's last STATE, then the clock moves a day. The
# series runs twice: with the watermark (export_watermark true, margin M minutes, default 60) and without it.
# For each it prints (a) how many events the sandbox serves at the last run's clock that no run wrote (lost, must be
# 0) and (b) the records written divided by the distinct events (duplication factor). Stops the sandbox it started.
set -euo pipefail

events=200000 days=30 runs=7 late=0.05 late_days=4 margin=60
while [ $# -gt 0 ]; do
  case "$1" in
    --events) events="$2"; shift 2 ;;
    --days) days="$2"; shift 2 ;;
    --runs) runs="$2"; shift 2 ;;
    --late-fraction) late="$2"; shift 2 ;;
    --late-max-days) late_days="$2"; shift 2 ;;
    --margin-minutes) margin="$2"; shift 2 ;;
    -h|--help) sed -n '2,13p' "$0"; exit 0 ;;
    *) echo "bench/across-runs.sh: unknown argument $1 (see --help)" >&2; exit 2 ;;
  esac
done

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
if [ ! -f "$root/target/tap-mixpanel.jar" ] || [ ! -f "$root/target/mixpanel-sandbox.jar" ]; then
  (cd "$root" && mvn -B -q -DskipTests package)
fi

end=2024-03-31
first_run_day="$(date -u -d "$end - $((runs - 1)) days" +%F)"
work="$(mktemp -d "${TMPDIR:-/tmp}/tap-mixpanel-across.XXXXXX")"
cp "$root/target/mixpanel-sandbox.jar" "$work/sandbox.jar"
sandbox_pid=""
cleanup() {
  if [ -n "$sandbox_pid" ]; then kill "$sandbox_pid" 2>/dev/null || true; wait "$sandbox_pid" 2>/dev/null || true; fi
  rm -rf "$work"
}
trap cleanup EXIT INT TERM

sandbox_cmd=(java -Xmx4g -cp "$work/sandbox.jar" io.tapmixpanel.sandbox.SandboxMain --port 0 --events "$events"
             --days "$days" --end-date "$end" --timezone UTC --now "${first_run_day}T06:00:00Z"
             --late-fraction "$late" --late-max-days "$late_days")
echo "sandbox: ${sandbox_cmd[*]}"
"${sandbox_cmd[@]}" > "$work/sandbox.out" 2> "$work/sandbox.err" &
sandbox_pid=$!
for _ in $(seq 600); do
  [ -s "$work/sandbox.out" ] && break
  kill -0 "$sandbox_pid" 2>/dev/null || { cat "$work/sandbox.err" >&2; exit 1; }
  sleep 0.2
done
base="$(head -1 "$work/sandbox.out" | sed 's/.* //')"
start_day="$(date -u -d "$end - $((days - 1)) days" +%F)"

config() { # config <file> <end_date> <watermark true|false>
  cat > "$1" <<EOF
{"service_account_username": "sandbox-user", "service_account_secret": "sandbox-password", "project_id": 1234,
 "start_date": "$start_day", "end_date": "$2", "project_timezone": "UTC",
 "api_base_url": "$base", "export_base_url": "$base", "app_base_url": "$base",
 "export_watermark": $3, "export_watermark_margin_minutes": $margin}
EOF
}

config "$work/discover.json" "$end" true
"$root/bin/tap-mixpanel" --config "$work/discover.json" --discover 2>/dev/null > "$work/full-catalog.json"
python3 - "$work/full-catalog.json" "$work/catalog.json" <<'EOF'
import json, sys
c = json.load(open(sys.argv[1]))
for s in c["streams"]:
    for m in s["metadata"]:
        if m["breadcrumb"] == []:
            m["metadata"]["selected"] = s["tap_stream_id"] == "export"
json.dump(c, open(sys.argv[2], "w"))
EOF

series() { # series <true|false>
  local wm="$1" state_args=() k day
  for k in $(seq 0 $((runs - 1))); do
    day="$(date -u -d "$first_run_day + $k days" +%F)"
    curl -s -X POST "$base/sandbox/clock?now=${day}T06:00:00Z" > /dev/null
    config "$work/config.json" "$day" "$wm"
    "$root/bin/tap-mixpanel" --config "$work/config.json" --catalog "$work/catalog.json" "${state_args[@]}" \
      > "$work/out-$wm-$k.jsonl" 2> "$work/err-$wm-$k.log"
    grep '"type":"STATE"' "$work/out-$wm-$k.jsonl" | tail -1 \
      | python3 -c 'import json,sys; print(json.dumps(json.loads(sys.stdin.read())["value"]))' > "$work/state.json"
    state_args=(--state "$work/state.json")
  done
  # what the sandbox serves at the last run's clock, read directly
  curl -s -u sandbox-user:sandbox-password "$base/api/2.0/export?project_id=1234&from_date=$start_day&to_date=$day" > "$work/visible-$wm.jsonl"
  python3 - "$wm" "$work/visible-$wm.jsonl" "$work"/out-"$wm"-*.jsonl <<'EOF'
import json, sys, datetime, collections
wm, visible_file, outs = sys.argv[1], sys.argv[2], sys.argv[3:]
def key(event, distinct, seconds, insert, processing):
    return (event, str(distinct), int(seconds), insert or "", processing)
visible = collections.Counter()
for line in open(visible_file):
    if line.strip():
        e = json.loads(line); p = e["properties"]
        visible[key(e["event"], p.get("distinct_id"), p["time"], p.get("$insert_id"), p.get("mp_processing_time_ms"))] += 1
written = collections.Counter()
per_run = []
for f in sorted(outs, key=lambda f: int(f.rsplit("-", 1)[1].split(".")[0])):
    n = 0
    for line in open(f):
        m = json.loads(line)
        if m.get("type") != "RECORD": continue
        r = m["record"]; n += 1
        t = datetime.datetime.fromisoformat(r["time"].replace("Z", "+00:00")).timestamp()
        written[key(r["event"], r.get("distinct_id"), t, r.get("mp_reserved_insert_id"), r.get("mp_processing_time_ms"))] += 1
    per_run.append(n)
lost = sum(max(0, n - written[k]) for k, n in visible.items())
distinct = sum(visible.values())
total = sum(per_run)
print(f"watermark {wm:5}: records per run {per_run}; written {total:,}; distinct events visible at the last run "
      f"{distinct:,}; lost {lost}; factor {total / distinct:.3f}")
EOF
}

echo "runs: $runs daily runs, $first_run_day .. $(date -u -d "$first_run_day + $((runs - 1)) days" +%F) at 06:00 UTC; " \
  "late events: $late up to $late_days days; margin $margin min"
series true
series false
