package io.tapmixpanel.sync;

import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import io.tapmixpanel.config.ConfigLoader;
import io.tapmixpanel.sandbox.Sandbox;
import io.tapmixpanel.sandbox.SandboxOptions;
import io.tapmixpanel.testing.TapHarness;
import io.tapmixpanel.testing.WireMockTestBase;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.any;
import static com.github.tomakehurst.wiremock.client.WireMock.anyUrl;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * docs/state.md "State": export reads UTC days, funnels project-timezone days, neither asks for a to_date after today in
 * its zone, and a bookmark resumes from the earlier reading of its day. A project at UTC+14 synced at 11:00 UTC,
 * when its own day is already tomorrow.
 */
class ExportDaysTest extends WireMockTestBase {
    private static final Clock AT_11_UTC = Clock.fixed(Instant.parse("2024-01-10T11:00:00Z"), ZoneOffset.UTC);

    @TempDir
    Path dir;

    private List<String> toDates(String path) {
        return wm.findAll(getRequestedFor(urlPathEqualTo(path))).stream().map(r -> r.queryParameter("to_date").firstValue()).distinct().toList();
    }

    private List<LoggedRequest> exports() {
        return wm.findAll(getRequestedFor(urlPathEqualTo("/api/2.0/export")));
    }

    private void sync(Sandbox s, Map<String, Object> settings, Optional<String> state) throws Exception {
        wm.stubFor(any(anyUrl()).willReturn(aResponse().proxiedFrom(s.baseUrl())));
        var c = TapHarness.config(s, base().toString(), settings);
        c.remove("end_date");
        c.put("start_date", "2024-01-08");
        c.put("project_timezone", "Etc/GMT-14");
        if (settings.containsKey("end_date")) c.put("end_date", settings.get("end_date").toString());
        Path config = TapHarness.write(dir, "config.json", c);
        Path catalog = TapHarness.write(dir, "catalog.json", TapHarness.select(TapHarness.discover(config), "export", "funnels"));
        Optional<Path> stateFile = state.map(v -> {
            Path p = dir.resolve("state.json");
            try {
                Files.writeString(p, v);
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
            return p;
        });
        wm.resetRequests();
        new Tap(ConfigLoader.load(List.of(config)), TapHarness.FAST, AT_11_UTC).sync(Optional.of(catalog), stateFile, new ByteArrayOutputStream());
    }

    private static Sandbox sandbox() throws Exception {
        return Sandbox.start(SandboxOptions.builder().port(0).events(100).days(5).endDate("2024-01-11").funnels(1).build());
    }

    @Test
    void exportEndsOnTodayInUtcAndFunnelsOnTodayInTheProjectTimezone() throws Exception {
        try (Sandbox s = sandbox()) {
            sync(s, Map.of("date_window_size", 30), Optional.empty());
            assertEquals(List.of("2024-01-10"), toDates("/api/2.0/export"));
            assertEquals(List.of("2024-01-11"), toDates("/api/2.0/funnels"));
        }
    }

    @Test
    void aFutureEndDateIsClampedToTodayWithOneWarning() throws Exception {
        try (Sandbox s = sandbox()) {
            sync(s, Map.of("date_window_size", 30, "end_date", "2030-01-01"), Optional.empty());
            assertEquals(List.of("2024-01-10"), toDates("/api/2.0/export"));
            assertEquals(List.of("2024-01-11"), toDates("/api/2.0/funnels"));
            List<String> warnings = log().lines().filter(l -> l.startsWith("WARNING end_date 2030-01-01 is after today")).toList();
            assertEquals(1, warnings.size(), log());
            assertTrue(warnings.get(0).contains("2024-01-10 in Z") && warnings.get(0).contains("2024-01-11 in Etc/GMT-14"), warnings.get(0));
        }
    }

    @Test
    void anExportBookmarkResumesFromTheEarlierOfItsUtcDayAndItsProjectDay() throws Exception {
        // 2024-01-08T12:00Z is the 9th at UTC+14: an earlier version read it as the 9th; the UTC day is the 8th
        String state = "{\"bookmarks\":{\"export\":{\"replication_key\":\"time\",\"replication_key_value\":\"2024-01-08T12:00:00Z\"}}}";
        try (Sandbox s = sandbox()) {
            sync(s, Map.of("date_window_size", 30, "attribution_window", 0), Optional.of(state));
            assertEquals(List.of("2024-01-08"), exports().stream().map(r -> r.queryParameter("from_date").firstValue()).distinct().toList());
        }
    }
}
