package io.tapmixpanel.streams;

import io.tapmixpanel.mixpanel.Annotation;
import io.tapmixpanel.singer.ReplicationMethod;

import java.util.List;
import java.util.Optional;

/**
 * annotations: full table from start_date to the last day, every field Mixpanel gives. Keyed by {@code id}:
 * several annotations can share a date (singer-io keyed them by date and lost all but one).
 */
final class AnnotationsStream implements TapStream {
    @Override
    public String id() { return "annotations"; }

    @Override
    public List<String> keyProperties() { return List.of("id"); }

    @Override
    public Optional<ReplicationMethod> forcedReplicationMethod() { return Optional.of(ReplicationMethod.FULL_TABLE); }

    @Override
    public Probe probe(Probe.Context c) { return Probe.of("annotations", () -> c.client().annotations(c.day(), c.day())); }

    /** The legacy annotations endpoint is in no Mixpanel spec and may answer 404. */
    @Override
    public List<SkipRule> skipRules() {
        return List.of(SkipRule.PAYMENT_REQUIRED, SkipRule.undocumented404("/api/2.0/annotations"));
    }

    @Override
    public CallPlan plan(StreamContext ctx) {
        // With a service account annotations come from the app API, which has no hourly budget.
        return ctx.client().hasServiceAccount() ? CallPlan.NONE : CallPlan.query(1, "annotations 1");
    }

    @Override
    public void sync(StreamContext ctx) {
        List<Annotation> annotations = ctx.client().annotations(ctx.startDay(), ctx.endDay());
        for (Annotation a : annotations) ctx.emitter().emit(a.raw().deepCopy());
        ctx.committer().commit(Checkpoint.of(annotations.size()));
    }

    @Override
    public List<String> bookmarkProperties(boolean incremental) { return List.of(); }
}
