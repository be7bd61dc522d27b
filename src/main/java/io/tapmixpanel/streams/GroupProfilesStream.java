package io.tapmixpanel.streams;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tapmixpanel.config.TapConfig;
import io.tapmixpanel.log.Log;
import io.tapmixpanel.mixpanel.EngageQuery;
import io.tapmixpanel.singer.ReplicationMethod;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.OptionalLong;

/**
 * group_profiles (docs/streams.md "Streams"): for each group key id of {@code data_group_ids}, its profiles from engage with
 * {@code data_group_id}, paged like engage; each record is shaped like an engage record plus {@code data_group_id}.
 */
final class GroupProfilesStream implements TapStream {
    @Override
    public String id() { return "group_profiles"; }

    @Override
    public List<String> keyProperties() { return List.of("data_group_id", "distinct_id"); }

    @Override
    public Optional<ReplicationMethod> forcedReplicationMethod() { return Optional.of(ReplicationMethod.FULL_TABLE); }

    /** Offered when data_group_ids names group keys, and like cohort_members only with the engage API. */
    @Override
    public Offer offer(Discovering d) {
        if (d.dataGroupIds().isEmpty()) return new Offer.NotAsked();
        return d.refusedForPlan().contains("engage") ? new Offer.LeftOut(CohortMembersStream.ENGAGE_REFUSED) : Offer.OFFERED;
    }

    @Override
    public boolean inScopeWithoutCatalog(TapConfig config) { return !config.dataGroupIds().isEmpty(); }

    /** Page 0 of the first group key's profiles, as engage's probe. */
    @Override
    public Probe probe(Probe.Context c) {
        if (c.config().dataGroupIds().isEmpty()) return Probe.unavailable("data_group_ids names no group key");
        long group = c.config().dataGroupIds().get(0);
        return Probe.of("engage group " + group, () -> c.client().engage(EngageStream.probeQuery(OptionalLong.of(group))));
    }

    @Override
    public CallPlan plan(StreamContext ctx) {
        int keys = ctx.config().dataGroupIds().size();
        return CallPlan.query(keys, "group_profiles " + keys + " first page" + (keys == 1 ? "" : "s"));
    }

    @Override
    public void sync(StreamContext ctx) {
        List<Long> ids = ctx.config().dataGroupIds();
        if (ids.isEmpty()) {
            Log.warning("stream %s is selected but data_group_ids names no group key: nothing to read", ctx.stream());
        }
        long total = 0;
        int i = 0;
        for (long id : ids) {
            int n = ++i;
            EngageQuery q = new EngageQuery(Optional.empty(), List.of(), Optional.empty(), 0, OptionalInt.empty(),
                    OptionalLong.empty(), OptionalLong.of(id));
            total += EngagePages.read("group key " + id, ctx.client()::engage, q, ctx.pool(),
                    ctx.config().http().maxConcurrentRequests(),
                    p -> ctx.position().accept("group key " + n + "/" + ids.size() + ", " + p), 0L,
                    (written, page) -> {
                        List<ObjectNode> records = new ArrayList<>(page.size());
                        for (ObjectNode profile : page) {
                            ObjectNode shaped = EngageStream.shape(profile);
                            ObjectNode r = shaped.objectNode();
                            r.put("data_group_id", id);
                            // a profile property of that name must not overwrite the key (docs/streams.md "Streams")
                            JsonNode literal = shaped.remove("data_group_id");
                            r.setAll(shaped);
                            if (literal != null) r.set("mp_literal_data_group_id", literal);
                            records.add(r);
                        }
                        ctx.emitter().emitAll(records);
                        return written + records.size();
                    });
        }
        ctx.committer().commit(Checkpoint.of(total));
    }

    @Override
    public List<String> bookmarkProperties(boolean incremental) { return List.of(); }
}
