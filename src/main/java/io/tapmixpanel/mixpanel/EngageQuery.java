package io.tapmixpanel.mixpanel;

import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.OptionalLong;

/**
 * One engage (user profiles) page request. {@code page} is 0-based; pages after 0 need the {@code sessionId}
 * that page 0 returned. {@code filterByCohort} is a cohort id (sent as {@code {"id":N}}); {@code dataGroupId} a
 * group key's id, for group profiles instead of user profiles. {@code includeAllUsers}, when given, is sent as
 * {@code include_all_users}: with a cohort filter, whether members without a user profile are listed too (the API's
 * default is true; docs/streams.md "Streams", cohort_members).
 */
public record EngageQuery(Optional<String> where, List<String> outputProperties, Optional<String> sessionId,
                          int page, OptionalInt pageSize, OptionalLong filterByCohort, OptionalLong dataGroupId,
                          Optional<Boolean> includeAllUsers) {
    public EngageQuery {
        Objects.requireNonNull(where, "where");
        outputProperties = List.copyOf(outputProperties);
        Objects.requireNonNull(sessionId, "sessionId");
        Objects.requireNonNull(pageSize, "pageSize");
        Objects.requireNonNull(filterByCohort, "filterByCohort");
        Objects.requireNonNull(dataGroupId, "dataGroupId");
        Objects.requireNonNull(includeAllUsers, "includeAllUsers");
        if (page < 0) throw new IllegalArgumentException("page must be >= 0: " + page);
    }

    /** Without {@code include_all_users} (the API's default applies). */
    public EngageQuery(Optional<String> where, List<String> outputProperties, Optional<String> sessionId,
                       int page, OptionalInt pageSize, OptionalLong filterByCohort, OptionalLong dataGroupId) {
        this(where, outputProperties, sessionId, page, pageSize, filterByCohort, dataGroupId, Optional.empty());
    }

    /** User profiles (no group key). */
    public EngageQuery(Optional<String> where, List<String> outputProperties, Optional<String> sessionId,
                       int page, OptionalInt pageSize, OptionalLong filterByCohort) {
        this(where, outputProperties, sessionId, page, pageSize, filterByCohort, OptionalLong.empty());
    }

    /** The same filters, for page {@code page} of session {@code sessionId}. */
    public EngageQuery page(int page, String sessionId) {
        return new EngageQuery(where, outputProperties, Optional.of(sessionId), page, pageSize, filterByCohort, dataGroupId,
                includeAllUsers);
    }

    /** The same request, sending {@code include_all_users} as {@code all}. */
    public EngageQuery includingAllUsers(boolean all) {
        return new EngageQuery(where, outputProperties, sessionId, page, pageSize, filterByCohort, dataGroupId,
                Optional.of(all));
    }
}
