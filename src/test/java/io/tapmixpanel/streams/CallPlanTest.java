package io.tapmixpanel.streams;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** The plan of budget-counted calls (docs/rate-limits.md "Rate limits"): list endpoints are read once per run. */
class CallPlanTest {
    @Test
    void cohortsAndCohortMembersShareOneCohortList() {
        CallPlan cohorts = CallPlan.queryWithLists(0, Set.of("cohorts/list"), "cohorts 1 list");
        CallPlan members = CallPlan.queryWithLists(4, Set.of("cohorts/list"), "cohort_members the cohort list + 4 first pages");
        CallPlan engage = CallPlan.query(1, "engage 1 first page");
        CallPlan all = CallPlan.NONE.plus(engage).plus(cohorts).plus(members);
        assertEquals(6, all.queryCalls(), "engage 1 + cohort list 1 + 4 first pages");
        assertEquals(List.of("engage 1 first page", "cohorts 1 list", "cohort_members the cohort list + 4 first pages"), all.detail());
        assertEquals(5, CallPlan.NONE.plus(members).queryCalls(), "cohort_members alone reads the list itself");
    }

    @Test
    void exportIsAtLeastItsWindows() {
        CallPlan export = new CallPlan(12, 0, true, List.of("export 12 windows"), Set.of());
        CallPlan all = export.plus(CallPlan.query(3, "revenue 3 windows"));
        assertEquals(12, all.export());
        assertEquals(3, all.queryCalls());
        assertEquals(true, all.atLeast());
    }
}
