package io.tapmixpanel.sync;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tapmixpanel.discovery.Discovery;
import io.tapmixpanel.singer.Catalog;
import io.tapmixpanel.singer.CatalogEntry;
import io.tapmixpanel.singer.CatalogException;
import io.tapmixpanel.singer.Metadata;
import io.tapmixpanel.streams.StreamRegistry;
import io.tapmixpanel.streams.TapStream;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/**
 * A catalog may only ask what its streams can do (docs/streams.md "Streams"): each replication method and key it names,
 * wherever it names them, must be one its stream has; anything else is a catalog error naming the key and the
 * stream, found before the sync starts.
 */
class SyncInputsTest {
    private static final ObjectMapper M = new ObjectMapper();

    private static Catalog catalog(String stream, String streamMetadata, String topLevel) throws Exception {
        return Catalog.parse(M.readTree(("{'streams':[{'tap_stream_id':'" + stream + "','schema':{}" + topLevel
                + ",'metadata':[{'breadcrumb':[],'metadata':" + streamMetadata + "}]}]}").replace('\'', '"')), "c.json");
    }

    private static String problem(String stream, String streamMetadata) throws Exception {
        return problem(stream, streamMetadata, "");
    }

    private static String problem(String stream, String streamMetadata, String topLevel) throws Exception {
        Catalog c = catalog(stream, streamMetadata, topLevel);
        return assertThrows(CatalogException.class, () -> SyncInputs.checkStreams(c, "c.json")).getMessage();
    }

    private static void accepted(String stream, String streamMetadata) throws Exception {
        Catalog c = catalog(stream, streamMetadata, "");
        assertDoesNotThrow(() -> SyncInputs.checkStreams(c, "c.json"), stream + " " + streamMetadata);
    }

    @Test
    void aReplicationMethodThisTapDoesNotHaveIsACatalogError() throws Exception {
        assertEquals("c.json: streams[0].metadata[breadcrumb=[]].replication-method: 'LOG_BASED' is not supported: stream"
                + " engage is FULL_TABLE or INCREMENTAL", problem("engage", "{'replication-method':'LOG_BASED'}"));
        assertEquals("c.json: streams[0].metadata[breadcrumb=[]].replication-method: 'LOG_BASED' is not supported: stream"
                + " export is always INCREMENTAL", problem("export", "{'replication-method':'LOG_BASED'}"));
    }

    @Test
    void aMethodTheStreamCannotDoIsACatalogErrorNotSilentlyReplaced() throws Exception {
        assertEquals("c.json: streams[0].metadata[breadcrumb=[]].replication-method: 'FULL_TABLE' is not supported: stream"
                + " export is always INCREMENTAL", problem("export", "{'replication-method':'FULL_TABLE'}"));
        assertEquals("c.json: streams[0].metadata[breadcrumb=[]].replication-method: 'FULL_TABLE' is not supported: stream"
                + " revenue is always INCREMENTAL", problem("revenue", "{'replication-method':'FULL_TABLE'}"));
        assertEquals("c.json: streams[0].metadata[breadcrumb=[]].replication-method: 'INCREMENTAL' is not supported: stream"
                + " annotations is always FULL_TABLE", problem("annotations", "{'replication-method':'INCREMENTAL'}"));
        assertEquals("c.json: streams[0].metadata[breadcrumb=[]].replication-method: 'incremental' is not supported: stream"
                + " cohort_members is always FULL_TABLE", problem("cohort_members", "{'replication-method':'incremental'}"));
    }

    @Test
    void theForcedAndTheTopLevelMethodAreCheckedToo() throws Exception {
        assertEquals("c.json: streams[0].metadata[breadcrumb=[]].forced-replication-method: 'LOG_BASED' is not supported:"
                + " stream engage is FULL_TABLE or INCREMENTAL", problem("engage", "{'forced-replication-method':'LOG_BASED'}"));
        assertEquals("c.json: streams[0].replication_method: 'FULL_TABLE' is not supported: stream funnels is always"
                + " INCREMENTAL", problem("funnels", "{}", ",'replication_method':'FULL_TABLE'"));
        assertEquals("c.json: streams[0].replication_method: 'LOG_BASED' is not supported: stream engage is FULL_TABLE"
                + " or INCREMENTAL", problem("engage", "{'replication-method':'INCREMENTAL'}", ",'replication_method':'LOG_BASED'"));
    }

    @Test
    void methodsTheStreamHasAreAcceptedInAnyCase() throws Exception {
        accepted("engage", "{'replication-method':'INCREMENTAL'}");
        accepted("engage", "{'replication-method':'full_table'}");
        accepted("export", "{'replication-method':'incremental','forced-replication-method':'INCREMENTAL'}");
        accepted("cohorts", "{'replication-method':'FULL_TABLE'}");
        accepted("funnels", "{'replication-method':null}");
    }

    @Test
    void aReplicationKeyTheStreamDoesNotHaveIsACatalogError() throws Exception {
        assertEquals("c.json: streams[0].metadata[breadcrumb=[]].replication-key: 'updated' is not a replication key of"
                + " stream engage (valid: mp_reserved_last_seen)",
                problem("engage", "{'replication-method':'INCREMENTAL','replication-key':'updated'}"));
        assertEquals("c.json: streams[0].metadata[breadcrumb=[]].replication-key: '$last_seen' is not a replication key of"
                + " stream engage (valid: mp_reserved_last_seen)", problem("engage", "{'replication-key':'$last_seen'}"));
        assertEquals("c.json: streams[0].metadata[breadcrumb=[]].replication-key: 'date' is not a replication key of"
                + " stream annotations (it has none)", problem("annotations", "{'replication-key':'date'}"));
        assertEquals("c.json: streams[0].replication_key: 'mp_processing_time_ms' is not a replication key of stream"
                + " export (valid: time)", problem("export", "{}", ",'replication_key':'mp_processing_time_ms'"));
        accepted("engage", "{'replication-method':'INCREMENTAL','replication-key':'mp_reserved_last_seen'}");
        accepted("export", "{'replication-key':'time'}");
        accepted("funnels", "{'replication-key':'date'}");
    }

    @Test
    void aDiscoveredCatalogWithEveryStreamSelectedPasses() {
        List<CatalogEntry> entries = new ArrayList<>();
        for (TapStream id : StreamRegistry.inSyncOrder()) {
            ObjectNode schema = Discovery.staticSchema(id);
            entries.add(new CatalogEntry(id.id(), schema, id.keyProperties(),
                    Metadata.forStream(schema, id.keyProperties(), id.validReplicationKeys(), id.forcedReplicationMethod())));
        }
        Catalog c = new Catalog(entries).selectAll();
        assertDoesNotThrow(() -> SyncInputs.checkStreams(c, "c.json"));
    }
}
