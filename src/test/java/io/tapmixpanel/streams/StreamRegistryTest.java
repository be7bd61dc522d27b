package io.tapmixpanel.streams;

import io.tapmixpanel.config.ConfigLoader;
import io.tapmixpanel.config.TapConfig;
import io.tapmixpanel.mixpanel.MixpanelApiException;
import io.tapmixpanel.mixpanel.PaymentRequiredException;
import io.tapmixpanel.singer.ReplicationMethod;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The registry is the one list of streams (docs/streams.md "Streams"): each stream once, in sync order, each saying how it is
 * probed and which failures skip it (docs/reliability.md "When a stream fails").
 */
class StreamRegistryTest {
    private static final List<String> SYNC_ORDER = List.of("export", "engage", "funnels", "revenue", "annotations",
            "cohorts", "cohort_members", "group_profiles", "lexicon_events", "lexicon_properties", "lexicon_tags",
            "schemas", "custom_properties", "custom_events", "drop_filters", "lookup_tables", "schema_enforcement",
            "data_volume_anomalies", "deletion_requests");
    private static final Set<String> GOVERNANCE = Set.copyOf(SYNC_ORDER.subList(8, SYNC_ORDER.size()));

    @TempDir
    Path dir;

    private static MixpanelApiException failure(int status, String apiMessage, String path) {
        return status == 402 ? new PaymentRequiredException("402", apiMessage, "GET " + path + "?x=1")
                : new MixpanelApiException(status + "", status, apiMessage, "GET " + path + "?x=1");
    }

    private static Optional<Skip.Kind> skip(String stream, int status, String apiMessage, String path) {
        return StreamRegistry.of(stream).skip(failure(status, apiMessage, path)).map(Skip::kind);
    }

    @Test
    void everyStreamIsListedOnceInSyncOrder() {
        List<String> ids = StreamRegistry.inSyncOrder().stream().map(TapStream::id).toList();
        assertEquals(SYNC_ORDER, ids);
        assertEquals(ids.size(), new HashSet<>(ids).size(), "ids are unique");
    }

    @Test
    void eachStreamIsFoundByItsIdAndHasASchemaFile() {
        for (TapStream s : StreamRegistry.inSyncOrder()) {
            assertSame(s, StreamRegistry.of(s.id()));
            assertNotNull(StaticSchemas.of(s.id()).get("properties"), s.id());
        }
        assertTrue(StreamRegistry.byId("events").isEmpty());
    }

    @Test
    void eachStreamHasAProbeForTest() throws Exception {
        Files.writeString(dir.resolve("c.json"), "{\"api_secret\":\"s\",\"start_date\":\"2024-01-01\",\"data_group_ids\":[7]}");
        TapConfig config = ConfigLoader.load(List.of(dir.resolve("c.json")));
        for (TapStream s : StreamRegistry.inSyncOrder()) {
            // the calls are described, not made: no client is needed to build them
            Probe p = s.probe(new Probe.Context(config, null, LocalDate.of(2024, 1, 9)));
            assertTrue(p.unavailable().isEmpty(), s.id());
            assertFalse(p.calls().isEmpty(), s.id());
        }
        List<String> keys = StreamRegistry.of("cohort_members").probe(new Probe.Context(config, null, LocalDate.of(2024, 1, 9)))
                .calls().stream().map(Probe.Call::key).toList();
        assertEquals(List.of("cohorts/list", "engage"), keys, "cohort_members needs what cohorts and engage need");
    }

    @Test
    void groupProfilesCannotBeProbedWithoutAGroupKey() throws Exception {
        Files.writeString(dir.resolve("c.json"), "{\"api_secret\":\"s\",\"start_date\":\"2024-01-01\"}");
        TapConfig config = ConfigLoader.load(List.of(dir.resolve("c.json")));
        TapStream groups = StreamRegistry.of("group_profiles");
        assertEquals(Optional.of("data_group_ids names no group key"),
                groups.probe(new Probe.Context(config, null, LocalDate.of(2024, 1, 9))).unavailable());
        assertFalse(groups.inScopeWithoutCatalog(config));
    }

    @Test
    void everyStreamIsSkippedOnA402() {
        for (TapStream s : StreamRegistry.inSyncOrder()) {
            assertFalse(s.skipRules().isEmpty(), s.id());
            assertEquals(Optional.of(Skip.Kind.PAYMENT_REQUIRED), skip(s.id(), 402, "", "/api/2.0/x"), s.id());
        }
    }

    @Test
    void governanceStreamsAreSkippedOn403And404AndNeedAServiceAccount() {
        for (TapStream s : StreamRegistry.inSyncOrder()) {
            boolean governance = GOVERNANCE.contains(s.id());
            assertEquals(governance, s.needsServiceAccount(), s.id());
            assertEquals(!governance, s.selectedByDefault(), s.id());
            assertEquals(governance ? Optional.of(Skip.Kind.FORBIDDEN) : Optional.empty(),
                    skip(s.id(), 403, "", "/api/app/projects/1/x"), s.id());
            if (governance) {
                assertEquals(Optional.of(ReplicationMethod.FULL_TABLE), s.forcedReplicationMethod(), s.id());
                assertEquals(Optional.of(Skip.Kind.NOT_FOUND), skip(s.id(), 404, "", "/api/app/projects/1/x"), s.id());
            }
        }
    }

    @Test
    void onlyTheUndocumentedEndpointsAreSkippedOnTheir404() {
        assertEquals(Optional.of(Skip.Kind.NOT_FOUND), skip("revenue", 404, "", "/api/2.0/engage/revenue"));
        assertEquals(Optional.of(Skip.Kind.NOT_FOUND), skip("annotations", 404, "", "/api/2.0/annotations"));
        assertEquals(Optional.empty(), skip("revenue", 404, "", "/api/2.0/engage"));
        assertEquals(Optional.empty(), skip("annotations", 404, "", "/api/app/projects/1/annotations"));
        assertEquals(Optional.empty(), skip("export", 404, "", "/api/2.0/export"));
        assertEquals(Optional.empty(), skip("engage", 404, "", "/api/2.0/engage"));
    }

    @Test
    void onlyRevenueIsSkippedOnATimeoutError() {
        assertEquals(Optional.of(Skip.Kind.TIMEOUT), skip("revenue", 400, "Timeout Error", "/api/2.0/engage/revenue"));
        assertEquals(Optional.empty(), skip("funnels", 400, "Timeout Error", "/api/2.0/funnels"));
        assertEquals(Optional.empty(), skip("revenue", 400, "bad date", "/api/2.0/engage/revenue"));
    }

    @Test
    void refusedCredentialsSkipNothing() {
        for (TapStream s : StreamRegistry.inSyncOrder()) {
            assertEquals(Optional.empty(), skip(s.id(), 401, "", "/api/app/projects/1/x"), s.id());
            assertEquals(Optional.empty(), skip(s.id(), 400, "Unable to authenticate request", "/api/2.0/engage/revenue"), s.id());
        }
    }
}
