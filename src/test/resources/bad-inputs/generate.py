#!/usr/bin/env python3
"""Writes the bad-input corpus (config/, catalog/, state/) and MANIFEST.tsv. Run from this folder; the files are
committed, so this is only needed to change the corpus. BadInputCorpusTest reads MANIFEST.tsv."""
import json, os

DEL = object()
NOWHERE = "http://127.0.0.1:9"  # nothing listens: a config that wrongly passed validation fails with exit 1, not 2
BASE = {"service_account_username": "sandbox-user", "service_account_secret": "s3cr3t-sa-DO-NOT-PRINT", "project_id": 1234,
        "start_date": "2024-01-01", "project_timezone": "UTC",
        "api_base_url": NOWHERE, "export_base_url": NOWHERE, "app_base_url": NOWHERE}


def cfg(**kw):
    d = dict(BASE)
    for k, v in kw.items():
        if v is DEL:
            d.pop(k, None)
        else:
            d[k] = v
    return json.dumps(d, indent=1)


rows = []


def put(kind, name, content, frag, why):
    os.makedirs(kind, exist_ok=True)
    mode = 'wb' if isinstance(content, bytes) else 'w'
    with open(os.path.join(kind, name), mode) as f:
        f.write(content)
    rows.append((kind, name, frag, why))


garbage = bytes((i * 97 + 13) % 256 for i in range(512))
# ---- config
put("config", "empty.json", "", "is empty", "empty file")
put("config", "blank.json", "  \n\t\n", "is empty", "whitespace only")
put("config", "truncated.json", cfg()[:60], "malformed JSON", "cut in the middle")
put("config", "trailing-garbage.json", cfg() + "\n}}", "malformed JSON", "extra tokens after the object")
put("config", "array-root.json", "[" + cfg() + "]", "must be a JSON object", "root is a list")
put("config", "string-root.json", '"start_date=2024-01-01"', "must be a JSON object", "root is a string")
put("config", "null-root.json", "null", "must be a JSON object", "root is null")
put("config", "binary.bin", garbage, "malformed JSON", "binary garbage")
put("config", "missing-start-date.json", cfg(start_date=DEL), "start_date: required", "required key missing")
put("config", "bad-start-date.json", cfg(start_date="2024-13-45"), "start_date: '2024-13-45' is not", "impossible date")
put("config", "start-date-words.json", cfg(start_date="last tuesday"), "start_date: 'last tuesday' is not", "not a date")
put("config", "start-date-number.json", cfg(start_date=20240101), "start_date: '20240101' is not", "date as a number")
put("config", "start-date-1999.json", cfg(start_date="1999-12-31"), "start_date: '1999-12-31' is before 2000", "before Mixpanel's epoch")
put("config", "start-date-huge.json", cfg(start_date="2024-01-01" + "9" * 200000), "start_date: '2024-01-01999", "200 kB value (message abbreviated)")
put("config", "end-before-start.json", cfg(start_date="2024-02-01", end_date="2024-01-01"), "end_date: '2024-01-01' is before start_date", "inverted range")
put("config", "bad-timezone.json", cfg(project_timezone="Mars/Olympus_Mons"), "project_timezone: 'Mars/Olympus_Mons' is not an IANA time zone", "unknown zone")
put("config", "timezone-offset-garbage.json", cfg(project_timezone="UTC+99"), "project_timezone: 'UTC+99'", "offset out of range")
put("config", "timezone-object.json", cfg(project_timezone={"name": "UTC"}), "project_timezone:", "zone as an object")
put("config", "no-credentials.json", cfg(service_account_username=DEL, service_account_secret=DEL, project_id=DEL), "no credentials", "no auth at all")
put("config", "both-auth-methods.json", cfg(api_secret="s3cr3t-api-DO-NOT-PRINT"), "api_secret: both api_secret and a service account", "two auth methods")
put("config", "sa-without-project-id.json", cfg(project_id=DEL), "project_id: required with a service account", "missing project_id")
put("config", "sa-without-secret.json", cfg(service_account_secret=DEL), "service_account_secret: required", "half a service account")
put("config", "project-id-negative.json", cfg(project_id=-5), "project_id: '-5' must be a positive number", "negative id")
put("config", "project-id-words.json", cfg(project_id="my project"), "project_id: 'my project' is not a whole number", "id not a number")
put("config", "secret-wrong-type.json", cfg(service_account_secret={"value": "s3cr3t-nested-DO-NOT-PRINT"}), "service_account_secret: (hidden) is not a string", "secret as an object: value hidden")
put("config", "date-window-zero.json", cfg(date_window_size=0), "date_window_size: '0' is out of range", "zero")
put("config", "date-window-huge.json", cfg(date_window_size=99999999999999999999999), "date_window_size:", "beyond a long")
put("config", "attribution-negative.json", cfg(attribution_window="-3"), "attribution_window: '-3' is out of range", "negative, as a string")
put("config", "attribution-fraction.json", cfg(attribution_window=2.5), "attribution_window: '2.5' is not a whole number", "fraction")
put("config", "request-timeout-words.json", cfg(request_timeout="fast"), "request_timeout: 'fast' is not a whole number", "not a number")
put("config", "max-concurrency-1000.json", cfg(max_concurrent_requests=1000), "max_concurrent_requests: '1000' is out of range", "too many")
put("config", "region-mars.json", cfg(region="MARS"), "region: 'MARS' is not one of US, EU, IN", "unknown region")
put("config", "region-conflict.json", cfg(region="US", eu_residency=True), "region: region is US but eu_residency", "contradicting keys")
put("config", "bool-maybe.json", cfg(select_properties_by_default="maybe"), "select_properties_by_default: 'maybe' is not true or false", "not a boolean")
put("config", "export-events-number.json", cfg(export_events=42), "export_events: '42' is not a list", "number instead of a list")
put("config", "export-events-mixed.json", cfg(export_events=["Signup", 7]), "export_events:", "list with a number")
put("config", "base-url-ftp.json", cfg(api_base_url="ftp://mixpanel.example"), "api_base_url: 'ftp://mixpanel.example' is not an http(s) URL", "wrong scheme")
put("config", "base-url-list.json", cfg(export_base_url=["http://a", "http://b"]), "export_base_url:", "list instead of a URL")


# ---- catalog (run with a valid config)
def stream(sid, **kw):
    return dict({"tap_stream_id": sid, "stream": sid, "schema": {"type": "object", "properties": {}},
                 "key_properties": [], "metadata": [{"breadcrumb": [], "metadata": {"selected": True}}]}, **kw)


put("catalog", "empty.json", "", "empty", "empty file")
put("catalog", "truncated.json", json.dumps({"streams": [stream("export")]})[:50], "malformed", "cut in the middle")
put("catalog", "binary.bin", garbage, "malformed", "binary garbage")
put("catalog", "array-root.json", json.dumps([stream("export")]), "must be a JSON object with a \"streams\" list", "the streams list alone")
put("catalog", "no-streams.json", json.dumps({"stream": []}), "streams: is missing", "key misspelt")
put("catalog", "streams-object.json", json.dumps({"streams": {"export": stream("export")}}), "streams: must be a list", "object instead of list")
put("catalog", "unknown-stream.json", json.dumps({"streams": [stream("export"), stream("evnts")]}), "streams[1].tap_stream_id: unknown stream 'evnts'", "stream the tap does not have")
put("catalog", "entry-string.json", json.dumps({"streams": ["export"]}), "streams[0]: must be an object", "names instead of entries")
put("catalog", "missing-tap-stream-id.json", json.dumps({"streams": [{k: v for k, v in stream("export").items() if k != "tap_stream_id"}]}), "streams[0].tap_stream_id: is missing", "required key missing")
put("catalog", "duplicate-stream.json", json.dumps({"streams": [stream("export"), stream("export")]}), "streams[1].tap_stream_id: duplicate \"export\"", "same stream twice")
put("catalog", "schema-string.json", json.dumps({"streams": [stream("engage", schema="object")]}), "streams[0].schema: must be an object", "schema not an object")
put("catalog", "metadata-object.json", json.dumps({"streams": [stream("cohorts", metadata={"selected": True})]}), "streams[0].metadata: must be a list", "metadata not a list")
put("catalog", "metadata-no-breadcrumb.json", json.dumps({"streams": [stream("cohorts", metadata=[{"metadata": {"selected": True}}])]}), "streams[0].metadata[0].breadcrumb: is missing", "metadata entry without breadcrumb")
put("catalog", "key-properties-number.json", json.dumps({"streams": [stream("funnels", key_properties=[1, 2])]}), "streams[0].key_properties[0]: must be a string", "keys as numbers")
def md(**kw):
    return [{"breadcrumb": [], "metadata": dict({"selected": True}, **kw)}]


put("catalog", "schema-properties-list.json", json.dumps({"streams": [stream("export", schema={"type": "object", "properties": ["time"]})]}), "streams[0].schema.properties: must be an object, not a list (stream export)", "properties as a list")
put("catalog", "key-properties-string.json", json.dumps({"streams": [stream("engage", key_properties="distinct_id")]}), "streams[0].key_properties: must be a list of strings, not a string (stream engage)", "one key as a bare string")
put("catalog", "schema-type-string.json", json.dumps({"streams": [stream("export", schema={"type": "string", "properties": {}})]}), "streams[0].schema.type: must be \"object\"", "records are objects")
put("catalog", "schema-type-no-object.json", json.dumps({"streams": [stream("export", schema={"type": ["null", "string"], "properties": {}})]}), "streams[0].schema.type: must include \"object\"", "type list without object")
put("catalog", "selected-string.json", json.dumps({"streams": [stream("cohorts", metadata=[{"breadcrumb": [], "metadata": {"selected": "true"}}])]}), "streams[0].metadata[breadcrumb=[]].selected: must be true or false, not a string (stream cohorts)", "selected as text")
put("catalog", "property-selected-number.json", json.dumps({"streams": [stream("engage", metadata=md() + [{"breadcrumb": ["properties", "city"], "metadata": {"selected": 0}}])]}), "streams[0].metadata[breadcrumb=[\"properties\",\"city\"]].selected: must be true or false, not a number (stream engage)", "property selected as 0")
put("catalog", "inclusion-unknown.json", json.dumps({"streams": [stream("engage", metadata=md() + [{"breadcrumb": ["properties", "city"], "metadata": {"inclusion": "excluded"}}])]}), "streams[0].metadata[breadcrumb=[\"properties\",\"city\"]].inclusion: must be one of automatic, available, unsupported, not 'excluded' (stream engage)", "an inclusion Singer does not have")
put("catalog", "log-based.json", json.dumps({"streams": [stream("engage", metadata=md(**{"replication-method": "LOG_BASED"}))]}), "streams[0].metadata[breadcrumb=[]].replication-method: 'LOG_BASED' is not supported: stream engage", "a method this tap does not have")
put("catalog", "export-full-table.json", json.dumps({"streams": [stream("export", metadata=md(**{"replication-method": "FULL_TABLE"}))]}), "replication-method: 'FULL_TABLE' is not supported: stream export is always INCREMENTAL", "a method the stream does not have")
put("catalog", "cohorts-top-level-incremental.json", json.dumps({"streams": [stream("cohorts", replication_method="INCREMENTAL")]}), "streams[0].replication_method: 'INCREMENTAL' is not supported: stream cohorts is always FULL_TABLE", "legacy top-level method")
put("catalog", "replication-key-unknown.json", json.dumps({"streams": [stream("engage", metadata=md(**{"replication-method": "INCREMENTAL", "replication-key": "last_seen"}))]}), "replication-key: 'last_seen' is not a replication key of stream engage", "a key the stream does not have")
put("catalog", "replication-key-number.json", json.dumps({"streams": [stream("engage", metadata=md(**{"replication-key": 1}))]}), "streams[0].metadata[breadcrumb=[]].replication-key: must be a string, not a number (stream engage)", "key as a number")
# ---- state (run with a valid config)
put("state", "truncated.json", '{"bookmarks": {"export": {"replication_key": "time", "replication_key_va', "malformed", "cut in the middle")
put("state", "binary.bin", garbage, "malformed", "binary garbage")
put("state", "array-root.json", json.dumps([{"bookmarks": {}}]), "must be a JSON object", "root is a list")
put("state", "bookmarks-list.json", json.dumps({"bookmarks": ["export"]}), "bookmarks: must be an object", "bookmarks not an object")
put("state", "stream-bookmark-list.json", json.dumps({"bookmarks": {"export": ["2024-01-01"]}}), "bookmarks.export: must be a string or an object", "bookmark is a list")
put("state", "bookmark-words.json", json.dumps({"bookmarks": {"export": {"replication_key": "time", "replication_key_value": "yesterday"}}}), "bookmarks.export: 'yesterday' is not a date", "not a date")
put("state", "bookmark-feb-30.json", json.dumps({"bookmarks": {"revenue": {"replication_key": "date", "replication_key_value": "2024-02-30"}}}), "bookmarks.revenue: '2024-02-30' is not a date", "impossible day")
put("state", "bookmark-number.json", json.dumps({"bookmarks": {"export": 1704067200}}), "bookmarks.export: '1704067200' is not a date", "epoch seconds (singer-io never wrote those)")
put("state", "legacy-bad-string.json", json.dumps({"bookmarks": {"export": "2020-03-01 18:27"}}), "bookmarks.export: '2020-03-01 18:27' is not a date", "singer-io shape, bad value")
put("state", "bookmark-value-object.json", json.dumps({"bookmarks": {"export": {"replication_key": "time", "replication_key_value": {"t": 1}}}}), "bookmarks.export.replication_key_value: must be a string, a number or a boolean", "value is an object")
put("state", "replication-key-number.json", json.dumps({"bookmarks": {"export": {"replication_key": 5, "replication_key_value": "2024-01-01"}}}), "bookmarks.export.replication_key: must be a string", "key is a number")
put("state", "partitions-object.json", json.dumps({"bookmarks": {"funnels": {"partitions": {"7": "2024-01-01"}}}}), "bookmarks.funnels.partitions: must be a list", "partitions not a list")
put("state", "partition-no-context.json", json.dumps({"bookmarks": {"funnels": {"partitions": [{"replication_key": "date", "replication_key_value": "2024-01-01"}]}}}), "bookmarks.funnels.partitions[0].context: is missing", "partition without context")
put("state", "partition-duplicate.json", json.dumps({"bookmarks": {"funnels": {"partitions": [{"context": {"funnel_id": 7}, "replication_key_value": "2024-01-01"}, {"context": {"funnel_id": 7}, "replication_key_value": "2024-01-02"}]}}}), "bookmarks.funnels.partitions[1].context: duplicate partition", "same funnel twice")
put("state", "partition-bad-date.json", json.dumps({"bookmarks": {"funnels": {"partitions": [{"context": {"funnel_id": 7}, "replication_key": "date", "replication_key_value": "2024-99-01"}]}}}), "bookmarks.funnels: '2024-99-01' is not a date", "bad partition bookmark")
put("state", "currently-syncing-number.json", json.dumps({"bookmarks": {}, "currently_syncing": 3}), "currently_syncing: must be a string or null", "wrong type")
put("state", "bookmark-two-keys.json", json.dumps({"bookmarks": {"export": {"time": "2024-01-01", "date": "2024-01-01"}}}), "bookmarks.export: must have \"replication_key_value\"", "unrecognised bookmark object")
# ---- directories instead of files, missing files
rows.append(("config", ".", "cannot read", "a directory instead of a file"))
rows.append(("catalog", ".", "cannot read", "a directory instead of a file"))
rows.append(("state", ".", "cannot read", "a directory instead of a file"))
rows.append(("config", "does-not-exist.json", "no such file", "missing file"))
rows.append(("state", "does-not-exist.json", "no such file", "missing file"))

# ---- hostile values: URLs, control characters, years past 9999
put("config", "base-url-port-out-of-range.json", cfg(api_base_url="http://127.0.0.1:99999"), "api_base_url: 'http://127.0.0.1:99999' has port '99999'", "port out of range")
put("config", "base-url-userinfo.json", cfg(export_base_url="http://mixpanel:s3cr3t-url-DO-NOT-PRINT@127.0.0.1:9"), "export_base_url: 'http://***@127.0.0.1:9' has a user name or password", "user:password@ in the URL (not echoed)")
put("config", "base-url-query.json", cfg(app_base_url="http://127.0.0.1:9/?project_id=1234"), "app_base_url: 'http://127.0.0.1:9/?project_id=1234' has a query", "query string")
put("config", "base-url-fragment.json", cfg(api_base_url="http://127.0.0.1:9/#eu"), "api_base_url: 'http://127.0.0.1:9/#eu' has a fragment", "fragment")
put("config", "start-date-newline.json", cfg(start_date="2024-01-01\nCRITICAL forged line"), "start_date: '2024-01-01\\nCRITICAL forged line' is not", "newline in a value (one line, escaped)")
put("config", "region-control-chars.json", cfg(region="EU\u001b[2J\r"), "region: 'EU\\u001b[2J\\r' is not one of", "terminal escape in a value (escaped)")
put("config", "start-date-year-10000.json", cfg(start_date="+10000-01-01T00:00:00Z"), "start_date: '+10000-01-01T00:00:00Z' is after the year 9999", "year past 9999")
put("state", "bookmark-year-10000.json", json.dumps({"bookmarks": {"export": {"replication_key": "time", "replication_key_value": "+10000-01-01T00:00:00Z"}}}), "bookmarks.export.replication_key_value: '+10000-01-01T00:00:00Z' is not a date of the years 0000 to 9999", "year past 9999")
put("state", "legacy-year-10000.json", json.dumps({"bookmarks": {"export": "+10000-03-01T18:27:19.000000Z"}}), "bookmarks.export: '+10000-03-01T18:27:19.000000Z' is not a date of the years 0000 to 9999", "singer-io shape, year past 9999")

with open("MANIFEST.tsv", "w") as f:
    f.write('# Bad-input corpus (README "Command line" and docs/reliability.md "Reliability"), written by generate.py. One row per input, tab-separated:\n')
    f.write("# kind, file (in bad-inputs/<kind>/; '.' = that folder itself, a directory instead of a file), the fragment\n")
    f.write("# the CRITICAL line must contain (the key or JSON path where there is one), and what is wrong.\n")
    f.write("# Each input must exit 2 with exactly one stderr line, 'CRITICAL ' + a message naming the file, no stack trace\n")
    f.write("# and no secret (configs carry s3cr3t-*-DO-NOT-PRINT). Catalogs and states run with a valid config\n")
    f.write("# (BadInputCorpusTest's) and must be refused before any request.\n")
    for r in rows:
        f.write("\t".join(r) + "\n")
print(len(rows), "inputs")
