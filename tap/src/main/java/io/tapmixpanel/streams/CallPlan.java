package io.tapmixpanel.streams;

import java.util.List;

/**
 * The calls a stream will make that count against Mixpanel's hourly budgets (README "Rate limits"), known before
 * it syncs: export windows, and query-API calls (lists, report windows, the first engage page of each listing;
 * engage pages after the first carry a {@code session_id} and are not counted). {@code atLeast} says the count can
 * grow while syncing (a window cut short again and again is fetched as two halves). {@code detail} says what the
 * calls are, for the plan line.
 */
public record CallPlan(int export, int query, boolean atLeast, List<String> detail) {
    public static final CallPlan NONE = new CallPlan(0, 0, false, List.of());

    public CallPlan {
        detail = List.copyOf(detail);
    }

    static CallPlan query(int calls, String detail) {
        return new CallPlan(0, calls, false, List.of(detail));
    }

    public CallPlan plus(CallPlan o) {
        List<String> d = new java.util.ArrayList<>(detail);
        d.addAll(o.detail);
        return new CallPlan(export + o.export, query + o.query, atLeast || o.atLeast, d);
    }
}
