package io.tapmixpanel.streams;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tapmixpanel.mixpanel.Cohort;
import io.tapmixpanel.mixpanel.EngageQuery;
import io.tapmixpanel.singer.ReplicationMethod;

import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.OptionalLong;

/**
 * cohort_members: for each cohort of cohorts/list (read here, so the stream works when selected alone), its
 * members from engage with {@code filter_by_cohort}, paginated. Only {@code $distinct_id} is needed, so no
 * profile property is asked for.
 *
 * <p>Decision (docs/streams.md "Streams"): a record is a cohort membership, whether or not the member has a user profile, so
 * {@code include_all_users=true} is sent explicitly. It is the API's default, what singer-io's tap-mixpanel has always
 * loaded, and what the cohort's {@code count} counts; Mixpanel's own client sends false because it lists profiles,
 * not members. Dropping the members without a profile would make the table disagree with {@code cohorts.count} and
 * lose members of event-based cohorts (anonymous devices) without a trace; a join to engage tells them apart.
 */
final class CohortMembersStream implements TapStream {
    @Override
    public String id() { return "cohort_members"; }

    @Override
    public List<String> keyProperties() { return List.of("cohort_id", "distinct_id"); }

    @Override
    public Optional<ReplicationMethod> forcedReplicationMethod() { return Optional.of(ReplicationMethod.FULL_TABLE); }

    /**
     * Decision: cohort_members reads its members through the engage API (engage with filter_by_cohort). A 402 on
     * engage/properties means the plan has no engage API, so cohort_members could never sync: it is left out of the
     * catalog with engage, with its own warning, rather than listed and then skipped (402) on every sync. (A catalog
     * written before still works: sync skips a 402 stream.)
     */
    @Override
    public Offer offer(Discovering d) {
        return d.refusedForPlan().contains("engage") ? new Offer.LeftOut(ENGAGE_REFUSED) : Offer.OFFERED;
    }

    /** Members without a user profile are members too (see the class comment). */
    static final boolean INCLUDE_ALL_USERS = true;

    static final String ENGAGE_REFUSED =
            "it reads members through the engage API, which answered 402 (your plan does not include it)";

    /** What cohorts and engage need, each asked only once per run. */
    @Override
    public Probe probe(Probe.Context c) {
        return Probe.of(CohortsStream.listProbe(c.client()), EngageStream.probeCall(c.client()));
    }

    @Override
    public CallPlan plan(StreamContext ctx) {
        // the cohort list (shared with the cohorts stream: the client keeps it), then page 0 of each cohort
        int cohorts = ctx.client().cohorts().size();
        return CallPlan.queryWithLists(cohorts, java.util.Set.of("cohorts/list"),
                "cohort_members the cohort list + " + cohorts + " first pages");
    }

    @Override
    public void sync(StreamContext ctx) {
        List<Cohort> cohorts = ctx.client().cohorts();
        long records = 0;
        int i = 0;
        for (Cohort c : cohorts) {
            i++;
            if (c.id().isEmpty()) continue;
            long id = c.id().getAsLong();
            int n = i;
            EngageQuery q = new EngageQuery(Optional.empty(), List.of("$distinct_id"), Optional.empty(), 0,
                    OptionalInt.empty(), OptionalLong.of(id)).includingAllUsers(INCLUDE_ALL_USERS);
            records += EngagePages.read("cohort " + id, ctx.client()::engage, q, ctx.pool(),
                    ctx.config().http().maxConcurrentRequests(),
                    p -> ctx.position().accept("cohort " + n + "/" + cohorts.size() + ", " + p), 0L,
                    (written, page) -> {
                        for (ObjectNode profile : page) {
                            ObjectNode r = JsonNodeFactory.instance.objectNode();
                            r.put("cohort_id", id);
                            r.set("distinct_id", UnicodeText.clean(profile.get("$distinct_id")));
                            ctx.emitter().emit(r);
                        }
                        return written + page.size();
                    });
        }
        ctx.committer().commit(Checkpoint.of(records));
    }

    @Override
    public List<String> bookmarkProperties(boolean incremental) { return List.of(); }
}
