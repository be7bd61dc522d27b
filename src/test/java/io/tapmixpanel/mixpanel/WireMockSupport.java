package io.tapmixpanel.mixpanel;

import com.fasterxml.jackson.databind.JsonNode;
import io.tapmixpanel.mixpanel.export.ExportConsumer;
import io.tapmixpanel.mixpanel.export.ExportEvent;
import io.tapmixpanel.testing.WireMockTestBase;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.AfterEach;

/** One WireMock server per test class, reset before each test; clients pointed at it with tiny backoffs. */
abstract class WireMockSupport extends WireMockTestBase {
    static final String SA_USER = "sa-user.mp-service-account";
    static final String SA_SECRET = "sa-Secret-42";
    static final long PROJECT = 2526451L;
    static final String API_SECRET = "0123456789abcdef";

    static final Credentials SERVICE_ACCOUNT = new Credentials.ServiceAccount(SA_USER, SA_SECRET, PROJECT);
    static final Credentials PROJECT_SECRET = new Credentials.ProjectSecret(API_SECRET, OptionalLong.empty());

    static final String SA_AUTH = "Basic " + b64(SA_USER + ":" + SA_SECRET);
    static final String SECRET_AUTH = "Basic " + b64(API_SECRET + ":");

    static final RetryPolicy FAST_RETRIES = new RetryPolicy(4, Duration.ofMillis(1), Duration.ofMillis(5), Duration.ofSeconds(10));

    final List<AutoCloseable> closeables = new ArrayList<>();

    @AfterEach
    void closeClients() throws Exception {
        for (AutoCloseable c : closeables) c.close();
    }

    ClientSettings settings(Credentials credentials) {
        return new ClientSettings(credentials, Region.US, Optional.of(base()), Optional.of(base()), Optional.of(base()),
                Duration.ofSeconds(5), 4, "tap-mixpanel/test", FAST_RETRIES);
    }

    MixpanelClient client(ClientSettings settings, HttpListener listener) {
        MixpanelClient c = new MixpanelClient(settings, listener);
        closeables.add(c);
        return c;
    }

    MixpanelClient client(Credentials credentials) {
        return client(settings(credentials), HttpListener.NOOP);
    }

    /**
     * Stubs {@code request} to answer {@code responses} in order, one per request; the last answer repeats.
     */
    static void answerInTurn(java.util.function.Supplier<com.github.tomakehurst.wiremock.client.MappingBuilder> request,
                             com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder... responses) {
        String scenario = "turns-" + java.util.UUID.randomUUID();
        for (int i = 0; i < responses.length; i++) {
            String state = i == 0 ? com.github.tomakehurst.wiremock.stubbing.Scenario.STARTED : "turn-" + i;
            var b = request.get().inScenario(scenario).whenScenarioStateIs(state).willReturn(responses[i]);
            if (i < responses.length - 1) b = b.willSetStateTo("turn-" + (i + 1));
            wm.stubFor(b);
        }
    }

    static String b64(String s) {
        return Base64.getEncoder().encodeToString(s.getBytes(StandardCharsets.UTF_8));
    }

    static byte[] gzip(String s) {
        try {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            try (GZIPOutputStream gz = new GZIPOutputStream(out)) {
                gz.write(s.getBytes(StandardCharsets.UTF_8));
            }
            return out.toByteArray();
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }

    /** Keeps what each attempt delivered, and what survived (the last attempt that was not discarded). */
    static class RecordingConsumer implements ExportConsumer {
        final List<Integer> attempts = new ArrayList<>();
        final List<String> discards = new ArrayList<>();
        List<JsonNode> current = new ArrayList<>();
        int delivered;

        @Override
        public void beginAttempt(int attempt) {
            attempts.add(attempt);
            current = new ArrayList<>();
        }

        @Override
        public void onEvent(ExportEvent e) throws IOException {
            current.add(new com.fasterxml.jackson.databind.ObjectMapper().readTree(e.text()));
            delivered++;
        }

        @Override
        public void discardAttempt(String reason) {
            discards.add(reason);
            current = new ArrayList<>();
        }

        List<JsonNode> events() {
            return current;
        }
    }

    /** Counts every retry and response the client reports. */
    static final class CountingListener implements HttpListener {
        final List<String> retries = new java.util.concurrent.CopyOnWriteArrayList<>();
        final List<Integer> statuses = new java.util.concurrent.CopyOnWriteArrayList<>();

        @Override
        public void onResponse(String endpoint, int status, long durationNanos) {
            statuses.add(status);
        }

        @Override
        public void onRetry(String endpoint, String cause, int attempt, Duration wait) {
            retries.add(endpoint + " #" + attempt + ": " + cause);
        }
    }
}
