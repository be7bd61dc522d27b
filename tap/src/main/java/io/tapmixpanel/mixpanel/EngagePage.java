package io.tapmixpanel.mixpanel;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * One page of profiles: {@code results} are the raw profile objects ({@code $distinct_id}, {@code $properties}).
 * {@code total} is only on page 0. A page shorter than {@code pageSize} (or empty) is the last one.
 */
public record EngagePage(int page, int pageSize, Optional<String> sessionId, OptionalLong total, List<ObjectNode> results) {
    public EngagePage {
        results = List.copyOf(results);
    }

    /** True when another page may follow (this one is full). */
    public boolean isFull() { return !results.isEmpty() && results.size() >= pageSize; }
}
