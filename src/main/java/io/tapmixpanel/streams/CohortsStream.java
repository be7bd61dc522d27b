package io.tapmixpanel.streams;

import io.tapmixpanel.mixpanel.Cohort;

import java.util.List;

/** cohorts: full table of cohorts/list. */
final class CohortsStream implements StreamSync {
    @Override
    public CallPlan plan(StreamContext ctx) {
        return CallPlan.queryWithLists(0, java.util.Set.of("cohorts/list"), "cohorts 1 list");
    }

    @Override
    public void sync(StreamContext ctx) {
        for (Cohort c : ctx.client().cohorts()) ctx.emitter().emit(c.raw().deepCopy());
        ctx.checkpoint();
    }

    @Override
    public List<String> bookmarkProperties(boolean incremental) { return List.of(); }
}
