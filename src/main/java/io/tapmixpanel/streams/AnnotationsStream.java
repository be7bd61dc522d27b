package io.tapmixpanel.streams;

import io.tapmixpanel.mixpanel.Annotation;

import java.util.List;

/**
 * annotations: full table from start_date to the last day, every field Mixpanel gives. Keyed by {@code id}:
 * several annotations can share a date (singer-io keyed them by date and lost all but one).
 */
final class AnnotationsStream implements StreamSync {
    @Override
    public CallPlan plan(StreamContext ctx) {
        // With a project id annotations come from the app API, which has no hourly budget.
        return ctx.client().hasProjectId() ? CallPlan.NONE : CallPlan.query(1, "annotations 1");
    }

    @Override
    public void sync(StreamContext ctx) {
        for (Annotation a : ctx.client().annotations(ctx.startDay(), ctx.endDay())) {
            ctx.emitter().emit(a.raw().deepCopy());
        }
        ctx.checkpoint();
    }

    @Override
    public List<String> bookmarkProperties(boolean incremental) { return List.of(); }
}
