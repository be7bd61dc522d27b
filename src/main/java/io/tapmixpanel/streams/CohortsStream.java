package io.tapmixpanel.streams;

import io.tapmixpanel.mixpanel.Cohort;
import io.tapmixpanel.mixpanel.MixpanelClient;
import io.tapmixpanel.singer.ReplicationMethod;

import java.util.List;
import java.util.Optional;

/** cohorts: full table of cohorts/list. */
final class CohortsStream implements TapStream {
    @Override
    public String id() { return "cohorts"; }

    @Override
    public List<String> keyProperties() { return List.of("id"); }

    @Override
    public Optional<ReplicationMethod> forcedReplicationMethod() { return Optional.of(ReplicationMethod.FULL_TABLE); }

    @Override
    public Probe probe(Probe.Context c) { return Probe.of(listProbe(c.client())); }

    /** cohorts/list, shared with cohort_members. */
    static Probe.Call listProbe(MixpanelClient client) { return new Probe.Call("cohorts/list", () -> client.cohorts()); }
    @Override
    public CallPlan plan(StreamContext ctx) {
        return CallPlan.queryWithLists(0, java.util.Set.of("cohorts/list"), "cohorts 1 list");
    }

    @Override
    public void sync(StreamContext ctx) {
        List<Cohort> cohorts = ctx.client().cohorts();
        for (Cohort c : cohorts) ctx.emitter().emit(c.raw().deepCopy());
        ctx.committer().commit(Checkpoint.of(cohorts.size()));
    }

    @Override
    public List<String> bookmarkProperties(boolean incremental) { return List.of(); }
}
