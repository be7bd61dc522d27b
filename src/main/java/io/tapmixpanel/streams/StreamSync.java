package io.tapmixpanel.streams;

import java.util.List;

/** What is particular to one stream: how it reads Mixpanel and which properties are its bookmarks. */
public interface StreamSync {
    void sync(StreamContext ctx);

    /**
     * The budget-counted calls its sync will make, for the plan logged before syncing (docs/rate-limits.md "Rate limits"). It may
     * call list endpoints, whose answers the client keeps for the run, so the sync does not ask again.
     */
    CallPlan plan(StreamContext ctx);

    /** {@code bookmark_properties} of its SCHEMA. */
    List<String> bookmarkProperties(boolean incremental);

    static StreamSync of(StreamId id) {
        return switch (id) {
            case EXPORT -> new ExportStream();
            case ENGAGE -> new EngageStream();
            case FUNNELS -> new FunnelsStream();
            case REVENUE -> new RevenueStream();
            case ANNOTATIONS -> new AnnotationsStream();
            case COHORTS -> new CohortsStream();
            case COHORT_MEMBERS -> new CohortMembersStream();
            case GROUP_PROFILES -> new GroupProfilesStream();
            default -> new GovernanceStream(id);
        };
    }
}
