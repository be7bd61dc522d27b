package io.tapmixpanel.streams;

import com.fasterxml.jackson.databind.node.ObjectNode;

import java.util.Map;
import java.util.Optional;

/**
 * What one read (a date window, a page set, a partition, a whole table) hands back once its records are written:
 * how many it wrote, and where the stream's bookmark (and export's watermark) moves. {@link StateCommitter} applies
 * checkpoints in order and writes STATE after the records they cover (docs/state.md "State"); a read that fails hands back
 * nothing, so nothing moves.
 */
public record Checkpoint(long records, Optional<Bookmark> bookmark, Watermark watermark) {
    /** Where a bookmark moves. */
    public sealed interface Bookmark {
        /** The stream's bookmark: {@code bookmarks.<stream>.<key> = value}. */
        record Stream(String key, String value) implements Bookmark {}

        /** The bookmark of one state partition (funnels: {@code {"funnel_id": N}}). */
        record Partition(Map<String, ?> context, String key, String value) implements Bookmark {}
    }

    /** What happens to export's processing-time watermark (docs/state.md "Export across runs"). */
    public sealed interface Watermark {
        /** It stays as it is (every stream but export, and export before it has read past the old one). */
        Watermark KEEP = new Keep();

        record Keep() implements Watermark {}

        /** It goes (export_watermark off). */
        record Clear() implements Watermark {}

        /** It is replaced by {@code json}, {@link io.tapmixpanel.streams.export.ExportWatermark}'s STATE form. */
        record Set(ObjectNode json) implements Watermark {}
    }

    public Checkpoint {
        if (records < 0) throw new IllegalArgumentException("records < 0: " + records);
    }

    /** A read that moves no bookmark: STATE is written as it is (full-table streams at their end). */
    public static Checkpoint of(long records) {
        return new Checkpoint(records, Optional.empty(), Watermark.KEEP);
    }

    /** A read after which the stream's bookmark is {@code key = value}. */
    public static Checkpoint bookmark(long records, String key, String value) {
        return new Checkpoint(records, Optional.of(new Bookmark.Stream(key, value)), Watermark.KEEP);
    }

    /** A read after which the partition {@code context}'s bookmark is {@code key = value}. */
    public static Checkpoint partition(long records, Map<String, ?> context, String key, String value) {
        return new Checkpoint(records, Optional.of(new Bookmark.Partition(context, key, value)), Watermark.KEEP);
    }
}
