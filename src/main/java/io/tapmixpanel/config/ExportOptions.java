package io.tapmixpanel.config;

import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * How the export stream asks for raw events and shapes them (docs/streams.md "Streams", export, and docs/state.md "Export across runs"):
 * which events, a segmentation filter, whether {@code time} is the project's wall-clock time (projects created
 * before 2023), a gzip body, the processing-time watermark and its margin, and the raw {@code properties} column.
 */
public record ExportOptions(List<String> events, Optional<String> where, boolean timeInProjectTimezone, boolean gzip,
                            boolean watermark, Duration watermarkMargin, boolean rawProperties) {

    public ExportOptions {
        events = List.copyOf(events);
    }

    static ExportOptions read(RawConfig c) {
        return new ExportOptions(c.list(Setting.EXPORT_EVENTS), c.string(Setting.EXPORT_WHERE),
                c.bool(Setting.EXPORT_TIME_IN_PROJECT_TIMEZONE), c.bool(Setting.EXPORT_GZIP),
                c.bool(Setting.EXPORT_WATERMARK),
                Duration.ofMinutes(c.integer(Setting.EXPORT_WATERMARK_MARGIN_MINUTES, 0, 7 * 24 * 60)),
                c.bool(Setting.EXPORT_RAW_PROPERTIES));
    }
}
