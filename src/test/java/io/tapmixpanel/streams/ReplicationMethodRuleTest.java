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
        assertEquals(INCREMENTAL, StreamId.EXPORT.replicationMethod(entry("export", "FULL_TABLE")));
        assertEquals(INCREMENTAL, StreamId.FUNNELS.replicationMethod(entry("funnels", null)));
        assertEquals(INCREMENTAL, StreamId.REVENUE.replicationMethod(entry("revenue", "FULL_TABLE")));
        assertEquals(FULL_TABLE, StreamId.ANNOTATIONS.replicationMethod(entry("annotations", "INCREMENTAL")));
        assertEquals(FULL_TABLE, StreamId.COHORTS.replicationMethod(entry("cohorts", "INCREMENTAL")));
        assertEquals(FULL_TABLE, StreamId.COHORT_MEMBERS.replicationMethod(entry("cohort_members", "INCREMENTAL")));
    }

    @Test
    void engageIsFullTableUnlessTheCatalogAsksForIncremental() throws Exception {
        assertEquals(FULL_TABLE, StreamId.ENGAGE.replicationMethod(entry("engage", null)));
        assertEquals(FULL_TABLE, StreamId.ENGAGE.replicationMethod(entry("engage", "FULL_TABLE")));
        assertEquals(FULL_TABLE, StreamId.ENGAGE.replicationMethod(entry("engage", "LOG_BASED")));
        assertEquals(INCREMENTAL, StreamId.ENGAGE.replicationMethod(entry("engage", "INCREMENTAL")));
        assertEquals(INCREMENTAL, StreamId.ENGAGE.replicationMethod(entry("engage", "incremental")));
    }
}
