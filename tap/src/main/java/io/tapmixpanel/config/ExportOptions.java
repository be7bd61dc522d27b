package io.tapmixpanel.config;

import java.util.List;
import java.util.Optional;

/**
 * How the export stream asks for raw events (README "Streams", export): which events, a segmentation filter,
 * whether {@code time} is the project's wall-clock time (projects created before 2023), and a gzip body.
 */
public record ExportOptions(List<String> events, Optional<String> where, boolean timeInProjectTimezone, boolean gzip) {

    public ExportOptions {
        events = List.copyOf(events);
    }

    static ExportOptions read(RawConfig c) {
        return new ExportOptions(c.list(Setting.EXPORT_EVENTS), c.string(Setting.EXPORT_WHERE),
                c.bool(Setting.EXPORT_TIME_IN_PROJECT_TIMEZONE), c.bool(Setting.EXPORT_GZIP));
    }
}
