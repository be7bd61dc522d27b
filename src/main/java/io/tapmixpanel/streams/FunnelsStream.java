package io.tapmixpanel.streams;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tapmixpanel.mixpanel.Funnel;
import io.tapmixpanel.mixpanel.FunnelDay;
import io.tapmixpanel.singer.ReplicationMethod;

import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * funnels: every funnel of funnels/list, one record per funnel and day, with a bookmark per funnel (a state
 * partition with context {@code {"funnel_id": N}}). A singer-io state's single plain bookmark applies to
 * every funnel that has no partition yet.
 */
final class FunnelsStream implements TapStream {
    @Override
    public String id() { return "funnels"; }

    @Override
    public List<String> keyProperties() { return List.of("funnel_id", "date"); }

    @Override
    public List<String> validReplicationKeys() { return List.of("date"); }

    @Override
    public Optional<ReplicationMethod> forcedReplicationMethod() { return Optional.of(ReplicationMethod.INCREMENTAL); }

    @Override
    public Probe probe(Probe.Context c) { return Probe.of("funnels/list", () -> c.client().funnels()); }
    @Override
    public CallPlan plan(StreamContext ctx) {
        List<Funnel> funnels = ctx.client().funnels();
        int windows = 0;
        for (Funnel funnel : funnels) windows += Days.windows(ctx, bookmark(ctx, funnel)).size();
        return CallPlan.queryWithLists(windows, java.util.Set.of("funnels/list"),
                "funnels 1 list + " + windows + " windows of " + funnels.size() + " funnels");
    }

    private static Optional<String> bookmark(StreamContext ctx, Funnel funnel) {
        return ctx.state().partitionBookmark(ctx.stream(), Map.of("funnel_id", funnel.funnelId()))
                .or(() -> ctx.state().bookmark(ctx.stream()));
    }

    @Override
    public void sync(StreamContext ctx) {
        List<Funnel> funnels = ctx.client().funnels();
        for (int f = 0; f < funnels.size(); f++) {
            Funnel funnel = funnels.get(f);
            String which = "funnel " + (f + 1) + "/" + funnels.size();
            Map<String, Object> context = Map.of("funnel_id", funnel.funnelId());
            List<DateWindow> windows = Days.windows(ctx, bookmark(ctx, funnel));
            WindowLoop.inOrder(windows, w -> ctx.client().funnel(funnel.funnelId(), w.from(), w.to()), (w, days) -> {
                for (FunnelDay d : days) {
                    ObjectNode r = JsonNodeFactory.instance.objectNode();
                    r.put("funnel_id", funnel.funnelId());
                    r.put("name", funnel.name());
                    r.put("date", d.date().toString());
                    r.put("datetime", Days.datetime(d.date(), ctx.zone()));
                    r.set("steps", d.steps());
                    r.set("analysis", d.analysis());
                    ctx.emitter().emit(r);
                }
                return Checkpoint.partition(days.size(), context, "date", w.to().toString());
            }, i -> which + ", window " + (i + 1) + "/" + windows.size(), ctx.position(), ctx.committer());
        }
    }

    @Override
    public List<String> bookmarkProperties(boolean incremental) { return List.of("date"); }
}
