package io.tapmixpanel.mixpanel;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.function.Supplier;

/**
 * One page of profiles: {@code results} are the raw profile objects ({@code $distinct_id}, {@code $properties}).
 * {@code total} is only on page 0. A page shorter than {@code pageSize} (or empty) is the last one, except a short
 * page 0 without a total (see {@code streams/EngagePages}).
 *
 * <p>A page read from Mixpanel keeps its body as bytes and parses its profiles only when {@link #results()} is
 * called (docs/performance.md "Memory"): pages fetched ahead wait in several times less memory than their parsed
 * profiles would take, and only the page being written is ever held as trees.
 */
public final class EngagePage {
    private final int page;
    private final int pageSize;
    private final Optional<String> sessionId;
    private final OptionalLong total;
    private final int size;
    private final Supplier<List<ObjectNode>> results;

    /** A page whose profiles are already parsed (fakes, tests). */
    public EngagePage(int page, int pageSize, Optional<String> sessionId, OptionalLong total, List<ObjectNode> results) {
        this(page, pageSize, sessionId, total, results.size(), constant(List.copyOf(results)));
    }

    private EngagePage(int page, int pageSize, Optional<String> sessionId, OptionalLong total, int size,
                       Supplier<List<ObjectNode>> results) {
        this.page = page;
        this.pageSize = pageSize;
        this.sessionId = sessionId;
        this.total = total;
        this.size = size;
        this.results = results;
    }

    /**
     * A page of {@code size} profiles that {@code parse} yields, freshly parsed on every call and kept by no one
     * but the caller.
     */
    public static EngagePage parsedWhenRead(int page, int pageSize, Optional<String> sessionId, OptionalLong total,
                                            int size, Supplier<List<ObjectNode>> parse) {
        return new EngagePage(page, pageSize, sessionId, total, size, parse);
    }

    private static Supplier<List<ObjectNode>> constant(List<ObjectNode> list) {
        return () -> list;
    }

    public int page() { return page; }

    public int pageSize() { return pageSize; }

    public Optional<String> sessionId() { return sessionId; }

    public OptionalLong total() { return total; }

    /** How many profiles {@link #results()} holds, known without parsing them. */
    public int size() { return size; }

    /** The profiles, in page order; a page read from Mixpanel parses them on each call: ask once, when writing them. */
    public List<ObjectNode> results() { return results.get(); }

    /** True when another page may follow (this one is full). */
    public boolean isFull() { return size > 0 && size >= pageSize; }
}
