package io.tapmixpanel.config;

import java.time.ZoneId;
import java.util.Optional;

/**
 * The validated, typed config of one run (README "Configuration"), in parts that each read their own settings
 * of {@link Setting}: adding a key means a {@link Setting} constant and a field in one of the parts. Built only by
 * {@link ConfigLoader}, so every value here has already been checked; {@code source} names the file(s) it came
 * from, for messages.
 *
 * @param selectPropertiesByDefault whether properties the catalog does not know are kept (discovery and sync)
 * @param output what the tap writes besides SCHEMA, RECORD and STATE (ACTIVATE_VERSION)
 * @param dataGroupIds              the group keys whose profiles group_profiles reads (docs/streams.md "Streams"), without repeats
 * @param batch                     where records go as BATCH files instead of RECORD messages, when batch_config is set
 */
public record TapConfig(String source, AuthAndHosts authAndHosts, Windows windows, ExportOptions export,
                        HttpOptions http, boolean selectPropertiesByDefault, OutputOptions output,
                        java.util.List<Long> dataGroupIds, Optional<BatchOptions> batch) {

    static TapConfig read(RawConfig c) {
        // The order of the reads is the order in which problems are reported: credentials first.
        AuthAndHosts auth = AuthAndHosts.read(c);
        Windows windows = Windows.read(c);
        HttpOptions http = HttpOptions.read(c);
        boolean selectByDefault = c.bool(Setting.SELECT_PROPERTIES_BY_DEFAULT);
        ExportOptions export = ExportOptions.read(c);
        OutputOptions output = OutputOptions.read(c);
        Optional<BatchOptions> batch = BatchOptions.read(c);
        return new TapConfig(c.source(), auth, windows, export, http, selectByDefault, output,
                c.idList(Setting.DATA_GROUP_IDS), batch);
    }

    /** A copy with the project timezone resolved (from /api/app/me or the UTC fallback). */
    public TapConfig withProjectTimezone(ZoneId zone) {
        return new TapConfig(source, authAndHosts, windows.withProjectTimezone(zone), export, http,
                selectPropertiesByDefault, output, dataGroupIds, batch);
    }
}
