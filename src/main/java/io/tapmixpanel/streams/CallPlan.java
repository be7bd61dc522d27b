package io.tapmixpanel.streams;

import java.util.List;
import java.util.Set;

/**
 * The calls a stream will make that count against Mixpanel's hourly budgets (docs/rate-limits.md "Rate limits"), known before
 * it syncs: export windows, and query-API calls (lists, report windows, the first engage page of each listing;
 * engage pages after the first carry a {@code session_id} and are not counted). {@code atLeast} says the count can
 * grow while syncing (a window cut short again and again is fetched as two halves). {@code detail} says what the
 * calls are, for the plan line.
 */
public record CallPlan(int export, int query, boolean atLeast, List<String> detail, Set<String> lists) {
    public static final CallPlan NONE = new CallPlan(0, 0, false, List.of(), Set.of());

    public CallPlan {
        detail = List.copyOf(detail);
        lists = Set.copyOf(lists);
    }

    static CallPlan query(int calls, String detail) {
        return new CallPlan(0, calls, false, List.of(detail), Set.of());
    }

    /**
     * Query calls plus list endpoints ({@code funnels/list}, {@code cohorts/list}) read once per run however many
     * streams use them: cohorts and cohort_members share one cohort list.
     */
    static CallPlan queryWithLists(int calls, Set<String> lists, String detail) {
        return new CallPlan(0, calls, false, List.of(detail), lists);
    }

    /** Query calls in all: the list endpoints once each. */
    public int queryCalls() {
        return query + lists.size();
    }

    public CallPlan plus(CallPlan o) {
        List<String> d = new java.util.ArrayList<>(detail);
        d.addAll(o.detail);
        Set<String> l = new java.util.TreeSet<>(lists);
        l.addAll(o.lists);
        return new CallPlan(export + o.export, query + o.query, atLeast || o.atLeast, d, l);
    }
}
