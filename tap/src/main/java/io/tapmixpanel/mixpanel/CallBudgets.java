package io.tapmixpanel.mixpanel;

import java.time.Duration;
import java.util.Objects;

/**
 * How many calls the client may send per rolling window to each API family that Mixpanel budgets hourly
 * (README "Rate limits"): raw export and the query API, 60 each per hour by default, as documented.
 */
public record CallBudgets(int exportCalls, int queryCalls, Duration window) {

    public CallBudgets {
        if (exportCalls < 1) throw new IllegalArgumentException("exportCalls must be >= 1: " + exportCalls);
        if (queryCalls < 1) throw new IllegalArgumentException("queryCalls must be >= 1: " + queryCalls);
        Objects.requireNonNull(window, "window");
        if (window.isNegative() || window.isZero()) throw new IllegalArgumentException("window must be positive: " + window);
    }

    /** Mixpanel's documented budgets: 60 export and 60 query calls per hour. */
    public static CallBudgets defaults() {
        return new CallBudgets(60, 60, Duration.ofHours(1));
    }
}
