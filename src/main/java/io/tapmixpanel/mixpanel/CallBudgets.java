package io.tapmixpanel.mixpanel;

import java.time.Duration;
import java.util.Objects;

/**
 * How many calls the client may send per rolling window to each API family that Mixpanel budgets hourly
 * (docs/rate-limits.md "Rate limits"): raw export and the query API, 60 each per hour by default, as documented.
 */
public record CallBudgets(int exportCalls, int queryCalls, Duration window, Duration margin) {

    /**
     * With the usual margin: a call is counted for its window and a tenth of it more (a second at most). Mixpanel
     * counts a call when it arrives, a little after we sent it, by its own clock, so a call sent exactly one window
     * after our oldest can still find that one counted (seen against 15 s windows).
     */
    public CallBudgets(int exportCalls, int queryCalls, Duration window) {
        this(exportCalls, queryCalls, window, Duration.ofSeconds(1).compareTo(window.dividedBy(10)) < 0
                ? Duration.ofSeconds(1) : window.dividedBy(10));
    }

    public CallBudgets {
        if (exportCalls < 1) throw new IllegalArgumentException("exportCalls must be >= 1: " + exportCalls);
        if (queryCalls < 1) throw new IllegalArgumentException("queryCalls must be >= 1: " + queryCalls);
        Objects.requireNonNull(window, "window");
        Objects.requireNonNull(margin, "margin");
        if (window.isNegative() || window.isZero()) throw new IllegalArgumentException("window must be positive: " + window);
        if (margin.isNegative()) throw new IllegalArgumentException("margin must not be negative: " + margin);
    }

    /** Mixpanel's documented budgets: 60 export and 60 query calls per hour. */
    public static CallBudgets defaults() {
        return new CallBudgets(60, 60, Duration.ofHours(1));
    }
}
