package io.tapmixpanel.streams;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.tapmixpanel.singer.Catalog;
import io.tapmixpanel.singer.CatalogEntry;
import org.junit.jupiter.api.Test;

import static io.tapmixpanel.singer.ReplicationMethod.FULL_TABLE;
import static io.tapmixpanel.singer.ReplicationMethod.INCREMENTAL;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The one rule for "is this stream incremental" (docs/streams.md "Streams"): a stream with one sensible method always uses
 * it, whatever the catalog asks; engage does what the catalog asks, FULL_TABLE when it asks nothing.
 */
class ReplicationMethodRuleTest {
    private static CatalogEntry entry(String stream, String method) throws Exception {
        String md = method == null ? "[]"
                : "[{\"breadcrumb\":[],\"metadata\":{\"replication-method\":\"" + method + "\"}}]";
        return Catalog.parse(new ObjectMapper().readTree("{\"streams\":[{\"tap_stream_id\":\"" + stream
                + "\",\"schema\":{},\"metadata\":" + md + "}]}"), "catalog.json").streams().get(0);
    }

    @Test
    void aStreamWithAFixedMethodIgnoresTheCatalog() throws Exception {
        assertEquals(INCREMENTAL, StreamRegistry.of("export").replicationMethod(entry("export", "FULL_TABLE")));
        assertEquals(INCREMENTAL, StreamRegistry.of("funnels").replicationMethod(entry("funnels", null)));
        assertEquals(INCREMENTAL, StreamRegistry.of("revenue").replicationMethod(entry("revenue", "FULL_TABLE")));
        assertEquals(FULL_TABLE, StreamRegistry.of("annotations").replicationMethod(entry("annotations", "INCREMENTAL")));
        assertEquals(FULL_TABLE, StreamRegistry.of("cohorts").replicationMethod(entry("cohorts", "INCREMENTAL")));
        assertEquals(FULL_TABLE, StreamRegistry.of("cohort_members").replicationMethod(entry("cohort_members", "INCREMENTAL")));
    }

    @Test
    void engageIsFullTableUnlessTheCatalogAsksForIncremental() throws Exception {
        assertEquals(FULL_TABLE, StreamRegistry.of("engage").replicationMethod(entry("engage", null)));
        assertEquals(FULL_TABLE, StreamRegistry.of("engage").replicationMethod(entry("engage", "FULL_TABLE")));
        assertEquals(FULL_TABLE, StreamRegistry.of("engage").replicationMethod(entry("engage", "LOG_BASED")));
        assertEquals(INCREMENTAL, StreamRegistry.of("engage").replicationMethod(entry("engage", "INCREMENTAL")));
        assertEquals(INCREMENTAL, StreamRegistry.of("engage").replicationMethod(entry("engage", "incremental")));
    }
}
