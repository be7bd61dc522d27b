package io.tapmixpanel.sync;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tapmixpanel.log.Log;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The progress line says when the stream waits for an hourly budget (docs/rate-limits.md "Rate limits"). */
class ProgressTest {
    private final ByteArrayOutputStream logged = new ByteArrayOutputStream();

    @AfterEach
    void restoreLog() { Log.redirect(System.err); }

    @Test
    void aBudgetWaitShowsInTheProgressLineUntilItIsOver() {
        Log.redirect(new PrintStream(logged, true, StandardCharsets.UTF_8));
        RunMetrics metrics = new RunMetrics();
        try (Progress progress = new Progress(metrics, 3600)) {
            progress.start("funnels");
            progress.position("window 3/12");
            metrics.onBudgetWait("query", Duration.ofSeconds(11 * 60 + 30));
            progress.log();
            metrics.onBudgetWaitOver("query");
            progress.log();
        }
        String log = logged.toString(StandardCharsets.UTF_8);
        assertTrue(log.contains("INFO progress funnels: waiting for the query budget (12 min left), window 3/12, 0 records read"), log);
        assertTrue(log.contains("INFO progress funnels: window 3/12, 0 records read"), log);
    }
}
