package io.tapmixpanel.mixpanel.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The wait a Retry-After header asks for (moved here from MixpanelClientFaultsTest with the parsing). */
class RetryAfterTest {

    @Test
    void aRetryAfterThatIsNoWaitFallsBackToTheBackoffAndZeroIsHonoured() {
        for (String v : new String[] {"NaN", "-5", "-0.5", "Infinity", "soon", "Mon, 01 Jan 2001 00:00:00 GMT", ""}) {
            var r = new org.apache.hc.core5.http.message.BasicClassicHttpResponse(429);
            r.addHeader("Retry-After", v);
            assertEquals(Optional.empty(), RetryAfter.of(r), "Retry-After: " + v);
        }
        var zero = new org.apache.hc.core5.http.message.BasicClassicHttpResponse(429);
        zero.addHeader("Retry-After", "0");
        assertEquals(Optional.of(Duration.ZERO), RetryAfter.of(zero));
        var two = new org.apache.hc.core5.http.message.BasicClassicHttpResponse(429);
        two.addHeader("Retry-After", "2");
        Duration d = RetryAfter.of(two).orElseThrow();
        assertTrue(d.compareTo(Duration.ofSeconds(2)) >= 0 && d.compareTo(Duration.ofMillis(2200)) <= 0, d.toString());
    }
}
