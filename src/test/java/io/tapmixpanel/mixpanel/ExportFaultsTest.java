package io.tapmixpanel.mixpanel;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder;
import com.github.tomakehurst.wiremock.http.Fault;
import io.tapmixpanel.mixpanel.export.ExportConsumer;
import io.tapmixpanel.mixpanel.export.ExportEvent;
import io.tapmixpanel.mixpanel.export.ExportFormatException;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.LocalDate;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Export windows cut short, reset, timed out or malformed are discarded and fetched again; complete ones pass once. */
class ExportFaultsTest extends WireMockSupport {

    private static final String PATH = "/api/2.0/export";
    private static final LocalDate FROM = LocalDate.of(2024, 1, 1);
    private static final LocalDate TO = LocalDate.of(2024, 1, 30);
    private static final String L1 = "{\"event\":\"Viewed Page\",\"properties\":{\"time\":1623860880,\"distinct_id\":\"u-1\",\"$insert_id\":\"a\"}}\n";
    private static final String L2 = "{\"event\":\"Signed up\",\"properties\":{\"time\":1602611311,\"distinct_id\":\"u-42\",\"n\":12.5}}\n";
    private static final String L3 = "{\"event\":\"Purchase\",\"properties\":{\"time\":1602611312,\"distinct_id\":\"u-43\",\"items\":[1,2]}}\n";
    private static final String WHOLE = L1 + L2 + L3;

    private static ResponseDefinitionBuilder body(String text) {
        return aResponse().withStatus(200).withHeader("Content-Type", "text/plain").withBody(text);
    }

    private int requests() {
        return wm.findAll(getRequestedFor(urlPathEqualTo(PATH))).size();
    }

    private RecordingConsumer export(ResponseDefinitionBuilder... answers) {
        answerInTurn(() -> get(urlPathEqualTo(PATH)), answers);
        RecordingConsumer c = new RecordingConsumer();
        client(SERVICE_ACCOUNT).export(ExportQuery.of(FROM, TO), c);
        return c;
    }

    private static List<String> events(RecordingConsumer c) {
        return c.events().stream().map(n -> n.get("event").asText()).toList();
    }

    @Test
    void aCompleteBodyIsDeliveredOnceInOneAttempt() {
        RecordingConsumer c = export(body(WHOLE));
        assertEquals(List.of("Viewed Page", "Signed up", "Purchase"), events(c));
        assertEquals(List.of(1), c.attempts);
        assertTrue(c.discards.isEmpty());
        assertEquals(1, requests());
    }

    @Test
    void terminatedEarlyAfterAWholeLineIsDiscardedAndFetchedAgain() {
        RecordingConsumer c = export(body(L1 + L2 + "terminated early\n"), body(WHOLE));
        assertEquals(2, requests());
        assertEquals(List.of(1, 2), c.attempts);
        assertEquals(1, c.discards.size());
        assertTrue(c.discards.get(0).startsWith("terminated early (after 2 events, line 3)"), c.discards.get(0));
        assertEquals(5, c.delivered, "2 discarded + 3 kept");
        assertEquals(List.of("Viewed Page", "Signed up", "Purchase"), events(c));
        assertTrue(log().contains("WARNING export 2024-01-01..2024-01-30: response cut short: terminated early"), log());
        assertTrue(log().contains("retry 1/3"), log());
    }

    @Test
    void terminatedEarlyAfterACutLineIsDiscardedAndFetchedAgain() {
        RecordingConsumer c = export(body(L1 + "{\"event\":\"Signed up\",\"properties\":{\"ti" + "terminated early"), body(WHOLE));
        assertEquals(2, requests());
        assertEquals(1, c.discards.size());
        assertTrue(c.discards.get(0).startsWith("terminated early"), c.discards.get(0));
        assertEquals(List.of("Viewed Page", "Signed up", "Purchase"), events(c));
    }

    @Test
    void terminatedEarlyInsideANumberIsRecognised() {
        RecordingConsumer c = export(body(L1 + "{\"event\":\"x\",\"properties\":{\"time\":16028terminated early"), body(WHOLE));
        assertEquals(1, c.discards.size());
        assertTrue(c.discards.get(0).startsWith("terminated early"), c.discards.get(0));
        assertEquals(3, c.events().size());
    }

    @Test
    void aTruncatedLastRecordIsDiscardedAndFetchedAgain() {
        RecordingConsumer c = export(body(L1 + L2 + "{\"event\":\"Purchase\",\"properties\":{\"time\":16"), body(WHOLE));
        assertEquals(2, requests());
        assertEquals(1, c.discards.size());
        assertTrue(c.discards.get(0).startsWith("truncated last record at line 3"), c.discards.get(0));
        assertEquals(3, c.events().size());
    }

    @Test
    void aWindowCutShortOnEveryAttemptFailsSayingHowManyTimes() {
        answerInTurn(() -> get(urlPathEqualTo(PATH)), body(L1 + "terminated early"));
        RecordingConsumer c = new RecordingConsumer();
        MixpanelApiException e = assertThrows(MixpanelApiException.class,
                () -> client(SERVICE_ACCOUNT).export(ExportQuery.of(FROM, TO), c));
        assertEquals(4, requests());
        assertEquals(List.of(1, 2, 3, 4), c.attempts);
        assertEquals(4, c.discards.size(), "every begun attempt is discarded, the last one too");
        assertTrue(c.events().isEmpty());
        assertTrue(e.getMessage().startsWith("export 2024-01-01..2024-01-30: the response was cut short 4 times"), e.getMessage());
    }

    @Test
    void aMalformedLineIsRetriedWithTheWindow() {
        RecordingConsumer c = export(body(L1 + "{\"event\" \"no colon\"}\n" + L3), body(WHOLE));
        assertEquals(2, requests());
        assertEquals(1, c.discards.size());
        assertEquals(3, c.events().size());
    }

    @Test
    void aMalformedLineThatPersistsFailsNamingTheWindowAndLine() {
        answerInTurn(() -> get(urlPathEqualTo(PATH)), body(L1 + "GARBAGE here\n" + L3));
        RecordingConsumer c = new RecordingConsumer();
        ExportFormatException e = assertThrows(ExportFormatException.class,
                () -> client(SERVICE_ACCOUNT).export(ExportQuery.of(FROM, TO), c));
        assertEquals(4, requests());
        assertEquals(2, e.line());
        assertEquals(FROM, e.from());
        assertEquals(TO, e.to());
        assertTrue(e.getMessage().startsWith("export 2024-01-01..2024-01-30: line 2 of the response is not a valid event"), e.getMessage());
        assertTrue(log().contains("malformed line 2"), log());
    }

    @Test
    void anErrorObjectAnsweredWithStatus200IsAMalformedWindowNotAnEmptyEvent() {
        for (String notEvents : List.of("{\"error\": \"unknown project\", \"request\": \"/api/2.0/export\"}\n", "{}\n")) {
            wm.resetAll();
            answerInTurn(() -> get(urlPathEqualTo(PATH)), body(notEvents));
            RecordingConsumer c = new RecordingConsumer();
            ExportFormatException e = assertThrows(ExportFormatException.class,
                    () -> client(SERVICE_ACCOUNT).export(ExportQuery.of(FROM, TO), c));
            assertEquals(4, requests(), "retried with its window");
            assertEquals(1, e.line());
            assertEquals(FROM, e.from());
            assertTrue(e.getMessage().startsWith("export 2024-01-01..2024-01-30: line 1 of the response is not a valid event"
                    + " (line 1 is not an event (it has no \"event\" string))"), e.getMessage());
            assertTrue(c.events().isEmpty());
        }
    }

    @Test
    void aRootValueThatIsNotAnObjectIsMalformed() {
        answerInTurn(() -> get(urlPathEqualTo(PATH)), body(L1 + "[1,2]\n" + L3));
        ExportFormatException e = assertThrows(ExportFormatException.class,
                () -> client(SERVICE_ACCOUNT).export(ExportQuery.of(FROM, TO), new RecordingConsumer()));
        assertEquals(2, e.line());
    }

    @Test
    void gzipBodiesAreDecodedWithEscapedNewlinesAndNonAscii() {
        String tricky = "{\"event\":\"Überweisung ✓\",\"properties\":{\"note\":\"line one\\nline two\\r\\n\\\"quoted\\\"\",\"city\":\"Zürich\",\"emoji\":\"\uD83D\uDE00\"}}\r\n";
        answerInTurn(() -> get(urlPathEqualTo(PATH)), aResponse().withStatus(200)
                .withHeader("Content-Encoding", "gzip").withBody(gzip(L1 + tricky + L3)));
        RecordingConsumer c = new RecordingConsumer();
        client(SERVICE_ACCOUNT).export(ExportQuery.of(FROM, TO), c);
        assertEquals(List.of("Viewed Page", "Überweisung ✓", "Purchase"), events(c));
        JsonNode p = c.events().get(1).get("properties");
        assertEquals("line one\nline two\r\n\"quoted\"", p.get("note").asText());
        assertEquals("Zürich", p.get("city").asText());
        assertEquals("\uD83D\uDE00", p.get("emoji").asText());
        wm.verify(getRequestedFor(urlPathEqualTo(PATH)).withHeader("Accept-Encoding",
                com.github.tomakehurst.wiremock.client.WireMock.equalTo("gzip")));
    }

    @Test
    void aCutGzipStreamIsDiscardedAndFetchedAgain() {
        StringBuilder many = new StringBuilder();
        for (int i = 0; i < 2000; i++) many.append(L1).append(L2);
        byte[] whole = gzip(many.toString());
        byte[] cut = Arrays.copyOf(whole, whole.length / 2);
        RecordingConsumer c = export(
                aResponse().withStatus(200).withHeader("Content-Encoding", "gzip").withBody(cut),
                aResponse().withStatus(200).withHeader("Content-Encoding", "gzip").withBody(whole));
        assertEquals(2, requests());
        assertEquals(1, c.discards.size());
        assertEquals(4000, c.events().size());
    }

    @Test
    void everyMemberOfAMultiMemberGzipBodyIsRead() throws Exception {
        // Members arrive separately, so that nothing is "available" at a member boundary: the JDK's
        // GZIPInputStream alone would stop after the first member and lose the rest silently.
        try (StreamingServer server = new StreamingServer((n, exchange) -> {
            exchange.getResponseHeaders().set("Content-Encoding", "gzip");
            OutputStream out = StreamingServer.begin(exchange, 0);
            for (String line : List.of(L1, L2, L3)) {
                out.write(gzip(line));
                out.flush();
                sleep(50);
            }
            out.close();
        })) {
            RecordingConsumer c = new RecordingConsumer();
            client(withExport(server, Duration.ofSeconds(5)), HttpListener.NOOP).export(ExportQuery.of(FROM, TO), c);
            assertEquals(List.of("Viewed Page", "Signed up", "Purchase"), events(c));
            assertTrue(c.discards.isEmpty());
        }
    }

    @Test
    void anEmptyGzipLabelledBodyIsZeroEvents() {
        RecordingConsumer c = export(aResponse().withStatus(200).withHeader("Content-Encoding", "gzip").withBody(new byte[0]));
        assertTrue(c.events().isEmpty());
        assertEquals(List.of(1), c.attempts);
        assertTrue(c.discards.isEmpty());
    }

    @Test
    void aResetBeforeTheResponseIsRetriedWithoutBeginningAnAttempt() {
        RecordingConsumer c = export(aResponse().withFault(Fault.CONNECTION_RESET_BY_PEER), body(WHOLE));
        assertEquals(2, requests());
        assertEquals(List.of(2), c.attempts);
        assertTrue(c.discards.isEmpty());
        assertEquals(3, c.events().size());
    }

    @Test
    void aMalformedChunkMidBodyIsDiscardedAndFetchedAgain() {
        RecordingConsumer c = export(aResponse().withFault(Fault.MALFORMED_RESPONSE_CHUNK),
                aResponse().withFault(Fault.RANDOM_DATA_THEN_CLOSE), body(WHOLE));
        assertEquals(3, requests());
        assertEquals(3, c.events().size());
        assertEquals(c.attempts.size() - 1, c.discards.size());
    }

    @Test
    void rateLimitedExportIsRetried() {
        RecordingConsumer c = export(aResponse().withStatus(429).withBody("{\"error\":\"Export rate limit exceeded\"}"), body(WHOLE));
        assertEquals(2, requests());
        assertEquals(List.of(2), c.attempts);
        assertEquals(3, c.events().size());
        assertTrue(log().contains("export 2024-01-01..2024-01-30: HTTP 429 rate limited (Export rate limit exceeded), retry 1/3 in"), log());
    }

    @Test
    void aConnectionDroppedMidBodyIsDiscardedAndFetchedAgain() throws Exception {
        byte[] whole = WHOLE.getBytes(StandardCharsets.UTF_8);
        try (StreamingServer server = new StreamingServer((n, exchange) -> {
            if (n == 1) {
                OutputStream out = StreamingServer.begin(exchange, whole.length + 1000L); // promises more than it sends
                out.write((L1 + L2).getBytes(StandardCharsets.UTF_8));
                out.flush();
                exchange.getHttpContext().getServer(); // then the exchange is closed: the client sees a premature end
            } else {
                OutputStream out = StreamingServer.begin(exchange, whole.length);
                out.write(whole);
            }
        })) {
            RecordingConsumer c = new RecordingConsumer();
            client(withExport(server, Duration.ofSeconds(5)), HttpListener.NOOP).export(ExportQuery.of(FROM, TO), c);
            assertEquals(2, server.requests.get());
            assertEquals(List.of(1, 2), c.attempts);
            assertEquals(1, c.discards.size());
            assertTrue(c.discards.get(0).contains("after 2 events"), c.discards.get(0));
            assertEquals(5, c.delivered);
            assertEquals(3, c.events().size());
        }
    }

    @Test
    void aBodyThatStallsPastTheTimeoutIsDiscardedAndFetchedAgain() throws Exception {
        byte[] whole = WHOLE.getBytes(StandardCharsets.UTF_8);
        try (StreamingServer server = new StreamingServer((n, exchange) -> {
            OutputStream out = StreamingServer.begin(exchange, whole.length);
            if (n == 1) {
                out.write(L1.getBytes(StandardCharsets.UTF_8));
                out.flush();
                sleep(3000);
            }
            out.write(n == 1 ? (L2 + L3).getBytes(StandardCharsets.UTF_8) : whole);
        })) {
            RecordingConsumer c = new RecordingConsumer();
            long start = System.nanoTime();
            client(withExport(server, Duration.ofMillis(300)), HttpListener.NOOP).export(ExportQuery.of(FROM, TO), c);
            assertTrue((System.nanoTime() - start) / 1_000_000 < 2500, "gave up on the stalled body");
            assertEquals(2, server.requests.get());
            assertEquals(1, c.discards.size());
            assertTrue(c.discards.get(0).startsWith("read timed out after 1 events"), c.discards.get(0));
            assertEquals(3, c.events().size());
        }
    }

    @Test
    void aGzipBodyDroppedMidBodyIsDiscardedAndFetchedAgain() throws Exception {
        // gzip bodies are inflated on a read-ahead thread: the reset must still reach the reader after the events
        // that arrived before it, as a transport failure of that attempt
        byte[] first = gzip(L1 + L2);
        byte[] whole = gzip(WHOLE);
        try (StreamingServer server = new StreamingServer((n, exchange) -> {
            exchange.getResponseHeaders().set("Content-Encoding", "gzip");
            if (n == 1) {
                OutputStream out = StreamingServer.begin(exchange, first.length + 1000L); // promises more than it sends
                out.write(first);
                out.flush();
            } else {
                StreamingServer.begin(exchange, whole.length).write(whole);
            }
        })) {
            RecordingConsumer c = new RecordingConsumer();
            client(withExport(server, Duration.ofSeconds(5)), HttpListener.NOOP).export(ExportQuery.of(FROM, TO), c);
            assertEquals(2, server.requests.get());
            assertEquals(List.of(1, 2), c.attempts);
            assertEquals(1, c.discards.size());
            assertTrue(c.discards.get(0).contains("after 2 events"), c.discards.get(0));
            assertEquals(List.of("Viewed Page", "Signed up", "Purchase"), events(c));
        }
    }

    @Test
    void aGzipBodyThatStallsDeliversWhatArrivedThenTimesOut() throws Exception {
        try (StreamingServer server = new StreamingServer((n, exchange) -> {
            exchange.getResponseHeaders().set("Content-Encoding", "gzip");
            OutputStream out = StreamingServer.begin(exchange, 0);
            if (n == 1) {
                out.write(gzip(L1)); // a whole member: its event can be read before the stall
                out.flush();
                sleep(3000);
            }
            out.write(gzip(n == 1 ? L2 + L3 : WHOLE));
            out.close();
        })) {
            RecordingConsumer c = new RecordingConsumer();
            long start = System.nanoTime();
            client(withExport(server, Duration.ofMillis(300)), HttpListener.NOOP).export(ExportQuery.of(FROM, TO), c);
            assertTrue((System.nanoTime() - start) / 1_000_000 < 2500, "gave up on the stalled body");
            assertEquals(1, c.discards.size());
            assertTrue(c.discards.get(0).startsWith("read timed out after 1 events"), c.discards.get(0));
            assertEquals(3, c.events().size());
        }
    }

    @Test
    void aConsumerFailureOnAGzipBodyEndsTheExportAndItsReadAheadThread() throws Exception {
        StringBuilder many = new StringBuilder();
        for (int i = 0; i < 20_000; i++) many.append(L1).append(L2);
        answerInTurn(() -> get(urlPathEqualTo(PATH)),
                aResponse().withStatus(200).withHeader("Content-Encoding", "gzip").withBody(gzip(many.toString())));
        IllegalStateException boom = new IllegalStateException("target closed");
        ExportConsumer failing = new RecordingConsumer() {
            @Override
            public void onEvent(ExportEvent e) {
                if (++delivered == 100) throw boom;
            }
        };
        assertSame(boom, assertThrows(IllegalStateException.class,
                () -> client(SERVICE_ACCOUNT).export(ExportQuery.of(FROM, TO), failing)));
        assertEquals(1, requests(), "no retry");
        long deadline = System.nanoTime() + 5_000_000_000L;
        while (readAheadThreads() > 0 && System.nanoTime() < deadline) sleep(20);
        assertEquals(0, readAheadThreads(), "the read-ahead thread ended with the attempt");
    }

    private static long readAheadThreads() {
        return Thread.getAllStackTraces().keySet().stream()
                .filter(t -> t.getName().startsWith("tap-mixpanel-gunzip-")).count();
    }

    @Test
    void aSlowFirstByteIsRetriedWithoutBeginningAnAttempt() {
        answerInTurn(() -> get(urlPathEqualTo(PATH)), body(WHOLE).withFixedDelay(3000), body(WHOLE));
        ClientSettings s = new ClientSettings(SERVICE_ACCOUNT, Region.US, Optional.of(base()), Optional.of(base()),
                Optional.of(base()), Duration.ofMillis(300), 2, "ua", FAST_RETRIES);
        RecordingConsumer c = new RecordingConsumer();
        client(s, HttpListener.NOOP).export(ExportQuery.of(FROM, TO), c);
        assertEquals(2, requests());
        assertEquals(List.of(2), c.attempts);
        assertEquals(3, c.events().size());
    }

    @Test
    void aConsumerFailureEndsTheExportAtOnceWithoutRetry() {
        answerInTurn(() -> get(urlPathEqualTo(PATH)), body(WHOLE));
        IllegalStateException boom = new IllegalStateException("target closed");
        ExportConsumer failing = new RecordingConsumer() {
            @Override
            public void onEvent(ExportEvent e) {
                throw boom;
            }
        };
        MixpanelClient client = client(SERVICE_ACCOUNT);
        assertSame(boom, assertThrows(IllegalStateException.class, () -> client.export(ExportQuery.of(FROM, TO), failing)));
        ExportConsumer ioFailing = new RecordingConsumer() {
            @Override
            public void onEvent(ExportEvent e) throws IOException {
                throw new IOException("Broken pipe");
            }
        };
        UncheckedIOException e = assertThrows(UncheckedIOException.class, () -> client.export(ExportQuery.of(FROM, TO), ioFailing));
        assertEquals("Broken pipe", e.getCause().getMessage());
        assertEquals(2, requests(), "one request per export, no retry");
    }

    @Test
    void aConsumerThatSkipsEventsLeavesTheStreamInStep() {
        answerInTurn(() -> get(urlPathEqualTo(PATH)), body(WHOLE));
        int[] count = {0};
        client(SERVICE_ACCOUNT).export(ExportQuery.of(FROM, TO), new ExportConsumer() {
            @Override public void beginAttempt(int attempt) {}
            @Override public void onEvent(ExportEvent e) { count[0]++; }
            @Override public void discardAttempt(String reason) {}
        });
        assertEquals(3, count[0]);
    }

    private ClientSettings withExport(StreamingServer server, Duration timeout) {
        return new ClientSettings(SERVICE_ACCOUNT, Region.US, Optional.of(base()), Optional.of(server.base()),
                Optional.of(base()), timeout, 2, "ua", FAST_RETRIES);
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
