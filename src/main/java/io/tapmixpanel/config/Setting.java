package io.tapmixpanel.config;

import io.tapmixpanel.mixpanel.Region;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * Every config key the tap understands, with its label, type, default and description. This one list drives
 * parsing, {@code --about} (json and markdown), the README settings table, docs/meltano.md's Meltano block and the Meltano
 * Hub plugin definition (docs/meltano.md "Meltano"), so they cannot drift apart.
 */
public enum Setting {
    SERVICE_ACCOUNT_USERNAME("service_account_username", "Service Account Username", Type.STRING, null,
            "Service account user name (recommended auth; needs service_account_secret and project_id)."),
    SERVICE_ACCOUNT_SECRET("service_account_secret", "Service Account Secret", Type.SECRET, null,
            "Service account secret."),
    PROJECT_ID("project_id", "Project ID", Type.INTEGER, null,
            "Mixpanel project id. Required with a service account; not needed with api_secret, which the app-API "
                    + "features (Lexicon property types, annotations v2, project timezone lookup) do not accept."),
    WORKSPACE_ID("workspace_id", "Workspace ID", Type.INTEGER, null,
            "Data Views workspace id (the project's global data view), for service accounts on projects with Data "
                    + "Views: sent as workspace_id with every query-API call (not export), and the workspace the "
                    + "governance streams read (default: the project's global one). Ignored with api_secret."),
    API_SECRET("api_secret", "API Secret", Type.SECRET, null,
            "Project API secret (legacy auth). Use exactly one auth method: api_secret or a service account."),
    START_DATE("start_date", "Start Date", Type.DATE_TIME, null,
            "Required. RFC 3339 date-time or yyyy-mm-dd: where each stream starts when it has no bookmark."),
    END_DATE("end_date", "End Date", Type.DATE_TIME, "today",
            "Last day to read (RFC 3339 or yyyy-mm-dd), never after today: a UTC day for export (a day of "
                    + "project_timezone with export_time_in_project_timezone), a project-timezone day for funnels and "
                    + "revenue. Default: today in those zones."),
    PROJECT_TIMEZONE("project_timezone", "Project Time Zone", Type.STRING, "from /api/app/me, else UTC",
            "IANA time zone of the Mixpanel project (Project Settings), e.g. US/Pacific. Funnel and revenue days "
                    + "are days of this zone, and export days too with export_time_in_project_timezone (else UTC "
                    + "days). Default: read from /api/app/me when the credentials allow it, else UTC with a warning."),
    REGION("region", "Region", Type.STRING, "US",
            "Data residency of the project: US, EU or IN. The legacy keys eu_residency / eu_residency_server = "
                    + "true mean EU.",
            Arrays.stream(Region.values()).map(Region::name).toList()),
    ATTRIBUTION_WINDOW("attribution_window", "Attribution Window (days)", Type.INTEGER, "5",
            "Days re-read before the bookmark on every run, to pick up late events."),
    DATE_WINDOW_SIZE("date_window_size", "Date Window Size (days)", Type.INTEGER, "30",
            "Days per export, funnels and revenue request."),
    SELECT_PROPERTIES_BY_DEFAULT("select_properties_by_default", "Select Properties by Default", Type.BOOLEAN, "true",
            "Properties not in the catalog are kept (true) or dropped (false)."),
    ACTIVATE_VERSION("activate_version", "Activate Version", Type.BOOLEAN, "true",
            "Full-table streams (engage without a replication key, annotations, cohorts, cohort_members) send "
                    + "ACTIVATE_VERSION before their first record and after their last, and every record carries the "
                    + "version, so targets that support it remove rows that are gone (docs/activate-version.md \"ACTIVATE_VERSION\"). "
                    + "false: neither."),
    EXPORT_EVENTS("export_events", "Export Events", Type.LIST, "all events",
            "Event names to export: a JSON list or a comma-separated string."),
    EXPORT_WHERE("export_where", "Export Filter (where)", Type.STRING, null,
            "Mixpanel segmentation expression passed to the export endpoint as `where`."),
    EXPORT_TIME_IN_PROJECT_TIMEZONE("export_time_in_project_timezone", "Export Time in Project Time Zone", Type.BOOLEAN, "false",
            "True for projects created before 2023, whose export `time` is local wall-clock seconds in "
                    + "project_timezone: the tap converts it to true UTC."),
    EXPORT_GZIP("export_gzip", "Gzip Export Responses", Type.BOOLEAN, "true",
            "Ask the export endpoint for a gzip-compressed body (less network, a little more CPU)."),
    EXPORT_WATERMARK("export_watermark", "Export Watermark", Type.BOOLEAN, "true",
            "On re-read days, write only the events Mixpanel processed after the previous run's watermark minus "
                    + "export_watermark_margin_minutes, so that each event reaches the target about once (docs/state.md "
                    + "\"Export across runs\"). false: every event of the re-read days is written again on every run."),
    EXPORT_WATERMARK_MARGIN_MINUTES("export_watermark_margin_minutes", "Export Watermark Margin (minutes)", Type.INTEGER, "60",
            "Safety margin for Mixpanel's delay between processing an event and serving it in export: events "
                    + "processed up to this long before the previous run's watermark are written again."),
    EXPORT_RAW_PROPERTIES("export_raw_properties", "Raw Properties Column", Type.BOOLEAN, "false",
            "Add a `properties` column holding each event's properties exactly as Mixpanel sent them (original "
                    + "names, types and nesting), beside the shaped columns, for a lossless copy."),
    DATA_GROUP_IDS("data_group_ids", "Group Key IDs", Type.LIST, null,
            "Group key ids (Project Settings, Group Keys) whose group profiles the group_profiles stream reads, "
                    + "a JSON list or a comma-separated string; the stream is offered only when this is set."),
    BATCH_CONFIG("batch_config", "Batch Configuration", Type.OBJECT, null,
            "Write records to JSON Lines files and send BATCH messages naming them (the Meltano SDK's format) "
                    + "instead of RECORD messages: an object with encoding (format jsonl; compression gzip, the "
                    + "default, or none), storage (root: a file:// URL of an existing folder; prefix: the start of "
                    + "the file names) and batch_size (records per file, default 10000). See docs/batch.md \"BATCH messages\"."),
    REQUEST_TIMEOUT("request_timeout", "Request Timeout (seconds)", Type.INTEGER, "300",
            "Seconds to wait for a connection or for the next bytes of a response."),
    MAX_CONCURRENT_REQUESTS("max_concurrent_requests", "Max Concurrent Requests", Type.INTEGER, String.valueOf(HttpOptions.DEFAULT_MAX_CONCURRENT_REQUESTS),
            "Parallel requests (export windows, engage pages), always within Mixpanel's per-project limits."),
    EXPORT_REQUESTS_PER_HOUR("export_requests_per_hour", "Export Requests per Window", Type.INTEGER, "60",
            "Raw export calls per rate_limit_window_seconds (Mixpanel allows 60 an hour); past it the tap waits "
                    + "for a free slot. Retries count."),
    QUERY_REQUESTS_PER_HOUR("query_requests_per_hour", "Query Requests per Window", Type.INTEGER, "60",
            "Query-API calls (engage, funnels, cohorts, revenue, annotations, discovery) per "
                    + "rate_limit_window_seconds (Mixpanel allows 60 an hour); engage pages with a session_id are not "
                    + "counted."),
    RATE_LIMIT_WINDOW_SECONDS("rate_limit_window_seconds", "Rate Limit Window (seconds)", Type.INTEGER, "3600",
            "The rolling window of both budgets: 3600 for Mixpanel; another value for a proxy or test server "
                    + "with another window."),
    USER_AGENT("user_agent", "User Agent", Type.STRING, "tap-mixpanel/<version>",
            "User-Agent header sent to Mixpanel."),
    API_BASE_URL("api_base_url", "Query API Base URL", Type.STRING, "by region",
            "Override for the query API host root, e.g. https://eu.mixpanel.com or a proxy or the sandbox."),
    EXPORT_BASE_URL("export_base_url", "Export API Base URL", Type.STRING, "by region",
            "Override for the raw export host root, e.g. https://data-eu.mixpanel.com."),
    APP_BASE_URL("app_base_url", "App API Base URL", Type.STRING, "by region",
            "Override for the app API host root (Lexicon, annotations v2, /me)."),
    EU_RESIDENCY("eu_residency", "EU Residency (legacy)", Type.BOOLEAN, "false",
            "Legacy (singer-io): true means region EU.", true),
    EU_RESIDENCY_SERVER("eu_residency_server", "EU Residency Server (legacy)", Type.BOOLEAN, "false",
            "Legacy (Airbyte/singer-io): true means region EU.", true);

    /** The value types a setting can have, as shown by --about. */
    public enum Type {
        STRING("string"), SECRET("string"), INTEGER("integer"), BOOLEAN("boolean"), DATE_TIME("date-time"),
        LIST("array"), OBJECT("object");

        private final String jsonType;

        Type(String jsonType) { this.jsonType = jsonType; }

        public String jsonType() { return jsonType; }
    }

    private final String key;
    private final String label;
    private final Type type;
    private final String defaultValue;
    private final String description;
    private final List<String> options;
    private final boolean legacy;

    // Without a label: one is made from the key (docs/meltano.md "Meltano" shows labels); give a real one when it reads badly.
    Setting(String key, Type type, String defaultValue, String description) {
        this(key, labelOf(key), type, defaultValue, description, List.of(), false);
    }

    Setting(String key, Type type, String defaultValue, String description, List<String> options) {
        this(key, labelOf(key), type, defaultValue, description, options, false);
    }

    Setting(String key, Type type, String defaultValue, String description, boolean legacy) {
        this(key, labelOf(key), type, defaultValue, description, List.of(), legacy);
    }

    Setting(String key, String label, Type type, String defaultValue, String description) {
        this(key, label, type, defaultValue, description, List.of(), false);
    }

    Setting(String key, String label, Type type, String defaultValue, String description, List<String> options) {
        this(key, label, type, defaultValue, description, options, false);
    }

    Setting(String key, String label, Type type, String defaultValue, String description, boolean legacy) {
        this(key, label, type, defaultValue, description, List.of(), legacy);
    }

    Setting(String key, String label, Type type, String defaultValue, String description, List<String> options,
            boolean legacy) {
        this.key = key;
        this.label = label;
        this.type = type;
        this.defaultValue = defaultValue;
        this.description = description;
        this.options = options;
        this.legacy = legacy;
    }

    /** "api_base_url" -> "API Base URL": each word capitalised, the usual acronyms in capitals. */
    static String labelOf(String key) {
        return Arrays.stream(key.split("_"))
                .map(w -> switch (w) {
                    case "id", "api", "url", "eu", "utc" -> w.toUpperCase(Locale.ROOT);
                    default -> w.isEmpty() ? w : Character.toUpperCase(w.charAt(0)) + w.substring(1);
                })
                .collect(Collectors.joining(" "));
    }

    public String key() { return key; }

    /** A short title for forms such as Meltano's (docs/meltano.md "Meltano"), e.g. "Service Account Username". */
    public String label() { return label; }

    public Type type() { return type; }

    /**
     * The default as a user would read it; empty when the setting has none. For integer and boolean settings it
     * is the literal value the config reader falls back to ({@code "30"}, {@code "true"}).
     */
    public Optional<String> defaultValue() { return Optional.ofNullable(defaultValue); }

    public String description() { return description; }

    public boolean isSecret() { return type == Type.SECRET; }

    /** The only values the setting accepts, when it is a choice (region); empty otherwise. */
    public List<String> options() { return options; }

    /** A key kept for configs of other taps (eu_residency...): read, but not offered to new users (docs/meltano.md "Meltano"). */
    public boolean isLegacy() { return legacy; }

    public boolean isRequired() { return this == START_DATE; }

    public static Optional<Setting> byKey(String key) {
        return Arrays.stream(values()).filter(s -> s.key.equals(key)).findFirst();
    }

    public static List<String> keys() {
        return Arrays.stream(values()).map(Setting::key).toList();
    }
}
