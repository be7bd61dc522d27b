package io.tapmixpanel.mixpanel;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder;
import io.tapmixpanel.mixpanel.export.ExportCutShortException;
import java.time.LocalDate;
import org.junit.jupiter.api.Test;

/** docs/streams.md "Streams": a splittable window cut short three times is given back to be split, not retried to the end. */
class ExportSplittableTest extends WireMockSupport {
    private static final String PATH = "/api/2.0/export";
    private static final String LINE = "{\"event\":\"Viewed Page\",\"properties\":{\"time\":1623860880,\"distinct_id\":\"u-1\"}}\n";
    private static final ExportQuery WINDOW = ExportQuery.of(LocalDate.of(2024, 1, 1), LocalDate.of(2024, 1, 4));

    private static ResponseDefinitionBuilder terminatedEarly() {
        return aResponse().withStatus(200).withHeader("Content-Type", "text/plain").withBody(LINE + "terminated early\n");
    }

    private int requests() {
        return wm.findAll(getRequestedFor(urlPathEqualTo(PATH))).size();
    }

    @Test
    void aSplittableWindowCutShortThreeTimesStopsWithExportCutShort() {
        wm.stubFor(get(urlPathEqualTo(PATH)).willReturn(terminatedEarly()));
        RecordingConsumer c = new RecordingConsumer();
        ExportCutShortException e = assertThrows(ExportCutShortException.class,
                () -> client(SERVICE_ACCOUNT).export(WINDOW.withSplittable(true), c));
        assertEquals(ExportQuery.CUTS_BEFORE_SPLIT, requests());
        assertEquals(ExportQuery.CUTS_BEFORE_SPLIT, c.discards.size());
        assertEquals(c.attempts.size(), c.discards.size(), "every attempt discarded");
        assertTrue(e.getMessage().contains("cut short 3 times"), e.getMessage());
    }

    @Test
    void aWindowThatIsNotSplittableIsRetriedUntilTheRetriesRunOut() {
        wm.stubFor(get(urlPathEqualTo(PATH)).willReturn(terminatedEarly()));
        MixpanelApiException e = assertThrows(MixpanelApiException.class,
                () -> client(SERVICE_ACCOUNT).export(WINDOW, new RecordingConsumer()));
        assertFalse(e instanceof ExportCutShortException, e.toString());
        assertEquals(FAST_RETRIES.maxAttempts(), requests());
        assertTrue(e.getMessage().contains("gave up after " + FAST_RETRIES.maxAttempts() + " attempts"), e.getMessage());
    }

    @Test
    void aSplittableWindowCutShortTwiceThenWholeIsDeliveredWhole() {
        answerInTurn(() -> get(urlPathEqualTo(PATH)), terminatedEarly(), terminatedEarly(),
                aResponse().withStatus(200).withHeader("Content-Type", "text/plain").withBody(LINE));
        RecordingConsumer c = new RecordingConsumer();
        client(SERVICE_ACCOUNT).export(WINDOW.withSplittable(true), c);
        assertEquals(3, requests());
        assertEquals(1, c.events().size());
    }
}
