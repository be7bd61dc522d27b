package io.tapmixpanel.sync;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** The plan line logged before syncing (docs/rate-limits.md "Rate limits"). */
class PlanLineTest {
    @Test
    void callsWithinTheBudgetSaySo() {
        assertEquals("plan: at least 12 export API calls (export 12 windows); within export_requests_per_hour = 60 (60 per hour)",
                SyncRunner.planLine("export API", 12, true, List.of("export 12 windows"), 60, "export_requests_per_hour",
                        Duration.ofHours(1)));
    }

    @Test
    void callsOverTheBudgetGiveTheLeastWallTimeItAllows() {
        // 146 calls at 60 per hour: 60 now, 60 an hour later, 26 two hours later
        assertEquals("plan: 146 query API calls (funnels 1 list + 145 windows of 5 funnels); over query_requests_per_hour"
                        + " = 60 (60 per hour): the budget allows them in no less than 2 h (2 h 26 min at an even pace),"
                        + " waits are logged",
                SyncRunner.planLine("query API", 146, false, List.of("funnels 1 list + 145 windows of 5 funnels"), 60,
                        "query_requests_per_hour", Duration.ofHours(1)));
    }

    @Test
    void anotherWindowIsNamedAndAFullLastBatchNeedsNoExtraWindow() {
        assertEquals("plan: 16 query API calls (revenue 16 windows); over query_requests_per_hour = 8 (8 per 15 s): the"
                        + " budget allows them in no less than 15 s (30 s at an even pace), waits are logged",
                SyncRunner.planLine("query API", 16, false, List.of("revenue 16 windows"), 8, "query_requests_per_hour",
                        Duration.ofSeconds(15)));
    }
}
