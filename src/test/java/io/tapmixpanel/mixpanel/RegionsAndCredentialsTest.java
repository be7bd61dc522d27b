package io.tapmixpanel.mixpanel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tapmixpanel.mixpanel.http.ApiFamily;
import io.tapmixpanel.mixpanel.http.ApiRequest;
import java.net.URI;
import java.time.Duration;
import java.time.LocalDate;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;

/** Host selection per region and family, overrides, and the auth header of each credential kind. */
class RegionsAndCredentialsTest {

    private static final Credentials SA = new Credentials.ServiceAccount("user", "s3cret-value", 42);

    private static URI exportUri(Region region) {
        ClientSettings s = ClientSettings.of(SA, region, "ua");
        ApiRequest r = ApiRequest.get(ApiFamily.EXPORT, s.exportRoot(), "/api/2.0/export").query("from_date", "2024-01-01");
        return r.uri();
    }

    @Test
    void usHosts() {
        ClientSettings s = ClientSettings.of(SA, Region.US, "ua");
        assertEquals(URI.create("https://data.mixpanel.com/api/2.0/export?from_date=2024-01-01"), exportUri(Region.US));
        assertEquals(URI.create("https://mixpanel.com"), s.apiRoot());
        assertEquals(URI.create("https://mixpanel.com"), s.appRoot());
    }

    @Test
    void euHosts() {
        ClientSettings s = ClientSettings.of(SA, Region.EU, "ua");
        assertEquals(URI.create("https://data-eu.mixpanel.com/api/2.0/export?from_date=2024-01-01"), exportUri(Region.EU));
        assertEquals(URI.create("https://eu.mixpanel.com"), s.apiRoot());
        assertEquals(URI.create("https://eu.mixpanel.com"), s.appRoot());
    }

    @Test
    void inHosts() {
        ClientSettings s = ClientSettings.of(SA, Region.IN, "ua");
        assertEquals(URI.create("https://data-in.mixpanel.com/api/2.0/export?from_date=2024-01-01"), exportUri(Region.IN));
        assertEquals(URI.create("https://in.mixpanel.com"), s.apiRoot());
        assertEquals(URI.create("https://in.mixpanel.com"), s.appRoot());
    }

    @Test
    void overridesWinAndTheAppApiFollowsTheQueryApiOverride() {
        URI api = URI.create("http://127.0.0.1:8765");
        ClientSettings s = new ClientSettings(SA, Region.EU, Optional.of(api), Optional.empty(), Optional.empty(),
                Duration.ofSeconds(1), 1, "ua", RetryPolicy.defaults());
        assertEquals(api, s.apiRoot());
        assertEquals(api, s.appRoot(), "one host serves query and app APIs");
        assertEquals(URI.create("https://data-eu.mixpanel.com"), s.exportRoot());
    }

    @Test
    void queryParametersAreEncodedWithPercentTwenty() {
        ApiRequest r = ApiRequest.get(ApiFamily.EXPORT, URI.create("http://h:1/"), "/api/2.0/export")
                .query("event", "[\"Signed Up\",\"a+b&c\"]");
        assertEquals("http://h:1/api/2.0/export?event=%5B%22Signed%20Up%22%2C%22a%2Bb%26c%22%5D", r.uri().toString());
        assertEquals("GET /api/2.0/export?event=%5B%22Signed%20Up%22%2C%22a%2Bb%26c%22%5D", r.describe());
    }

    @Test
    void serviceAccountIsBasicUserColonSecret() {
        assertEquals("Basic dXNlcjpzM2NyZXQtdmFsdWU=", SA.authorizationHeader()); // base64("user:s3cret-value")
        assertEquals(OptionalLong.of(42), SA.knownProjectId());
    }

    @Test
    void projectSecretIsBasicSecretColon() {
        Credentials c = new Credentials.ProjectSecret("abc123", OptionalLong.empty());
        assertEquals("Basic YWJjMTIzOg==", c.authorizationHeader()); // base64("abc123:")
        assertEquals(OptionalLong.empty(), c.knownProjectId());
    }

    @Test
    void toStringNeverShowsSecrets() {
        String sa = SA.toString();
        assertFalse(sa.contains("s3cret"), sa);
        assertTrue(sa.contains("user"), sa);
        String ps = new Credentials.ProjectSecret("abc123", OptionalLong.of(9)).toString();
        assertFalse(ps.contains("abc123"), ps);
        String settings = ClientSettings.of(SA, Region.US, "ua").toString();
        assertFalse(settings.contains("s3cret"), settings);
    }

    @Test
    void backoffGrowsWithJitterAndIsCapped() {
        RetryPolicy p = new RetryPolicy(10, Duration.ofMillis(100), Duration.ofMillis(1000), Duration.ofMinutes(1));
        for (int i = 0; i < 50; i++) {
            Duration first = p.backoff(1);
            assertTrue(first.toMillis() >= 50 && first.toMillis() <= 100, first.toString());
            Duration third = p.backoff(3);
            assertTrue(third.toMillis() >= 200 && third.toMillis() <= 400, third.toString());
            Duration late = p.backoff(30);
            assertTrue(late.toMillis() >= 500 && late.toMillis() <= 1000, late.toString());
        }
        assertEquals(8, RetryPolicy.defaults().maxAttempts());
    }

    @Test
    void exportQueryRejectsAnInvertedWindow() {
        assertThrows(IllegalArgumentException.class,
                () -> ExportQuery.of(LocalDate.of(2024, 2, 1), LocalDate.of(2024, 1, 1)));
        assertEquals("2024-01-01..2024-01-02", ExportQuery.of(LocalDate.of(2024, 1, 1), LocalDate.of(2024, 1, 2)).window());
        assertEquals(List.of(), ExportQuery.of(LocalDate.of(2024, 1, 1), LocalDate.of(2024, 1, 1)).events());
    }
}
