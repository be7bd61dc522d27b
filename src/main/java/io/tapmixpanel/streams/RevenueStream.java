package io.tapmixpanel.streams;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tapmixpanel.mixpanel.RevenueDay;
import io.tapmixpanel.singer.ReplicationMethod;

import java.util.List;
import java.util.Optional;

/** revenue: one record per day from engage/revenue, incremental on {@code date}, one bookmark per window. */
final class RevenueStream implements TapStream {
    @Override
    public String id() { return "revenue"; }

    @Override
    public List<String> keyProperties() { return List.of("date"); }

    @Override
    public List<String> validReplicationKeys() { return List.of("date"); }

    @Override
    public Optional<ReplicationMethod> forcedReplicationMethod() { return Optional.of(ReplicationMethod.INCREMENTAL); }

    @Override
    public Probe probe(Probe.Context c) { return Probe.of("revenue", () -> c.client().revenue(c.day(), c.day())); }

    /** engage/revenue is in no Mixpanel spec and may answer 404; on EU servers it answers 400 Timeout Error. */
    @Override
    public List<SkipRule> skipRules() {
        return List.of(SkipRule.PAYMENT_REQUIRED, SkipRule.undocumented404("/api/2.0/engage/revenue"), SkipRule.TIMEOUT_ERROR);
    }

    @Override
    public CallPlan plan(StreamContext ctx) {
        int n = Days.windows(ctx, ctx.state().bookmark(ctx.stream())).size();
        return CallPlan.query(n, "revenue " + n + " window" + (n == 1 ? "" : "s"));
    }

    @Override
    public void sync(StreamContext ctx) {
        List<DateWindow> windows = Days.windows(ctx, ctx.state().bookmark(ctx.stream()));
        WindowLoop.inOrder(windows, w -> ctx.client().revenue(w.from(), w.to()), (w, days) -> {
            for (RevenueDay d : days) {
                ObjectNode r = JsonNodeFactory.instance.objectNode();
                r.put("date", d.date().toString());
                r.put("datetime", Days.datetime(d.date(), ctx.zone()));
                r.set("amount", d.amount());
                r.set("count", d.count());
                r.set("paid_count", d.paidCount());
                ctx.emitter().emit(r);
            }
            return Checkpoint.bookmark(days.size(), "date", w.to().toString());
        }, i -> "window " + (i + 1) + "/" + windows.size() + " (" + windows.get(i) + ")", ctx.position(), ctx.committer());
    }

    @Override
    public List<String> bookmarkProperties(boolean incremental) { return List.of("date"); }
}
