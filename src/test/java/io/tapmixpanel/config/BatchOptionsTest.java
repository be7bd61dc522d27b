package io.tapmixpanel.config;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** docs/batch.md "BATCH messages": batch_config as the Meltano SDK lays it out, with the tap's defaults. */
class BatchOptionsTest {
    @TempDir
    Path dir;

    private TapConfig load(String batchConfig) throws IOException {
        Path p = dir.resolve("c.json");
        Files.writeString(p, "{\"api_secret\":\"s\",\"start_date\":\"2024-01-01\",\"batch_config\":" + batchConfig + "}");
        return ConfigLoader.load(List.of(p));
    }

    @Test
    void withoutBatchConfigRecordsStayRecordMessages() throws IOException {
        Path p = dir.resolve("plain.json");
        Files.writeString(p, "{\"api_secret\":\"s\",\"start_date\":\"2024-01-01\"}");
        assertTrue(ConfigLoader.load(List.of(p)).batch().isEmpty());
    }

    @Test
    void compressionDefaultsToGzipAndBatchSizeToTheSdks() throws IOException {
        BatchOptions b = load("{\"encoding\":{\"format\":\"jsonl\"},\"storage\":{\"root\":\"" + dir.toUri() + "\"}}")
                .batch().orElseThrow();
        assertTrue(b.gzip());
        assertEquals("gzip", b.compression());
        assertEquals(10_000, b.batchSize());
        assertEquals("", b.prefix());
        assertEquals(dir.toAbsolutePath().normalize(), b.root());
    }

    @Test
    void noneCompressionAPrefixAndABatchSizeAreRead() throws IOException {
        BatchOptions b = load("{\"encoding\":{\"format\":\"jsonl\",\"compression\":\"none\"},\"storage\":{\"root\":\""
                + dir.toUri() + "\",\"prefix\":\"mp-\"},\"batch_size\":500}").batch().orElseThrow();
        assertEquals("none", b.compression());
        assertEquals("mp-", b.prefix());
        assertEquals(500, b.batchSize());
    }

    @Test
    void aRootWithoutASlashAfterFileColonSlashSlashIsRelativeAsInTheSdk() throws IOException {
        Path here = Path.of("").toAbsolutePath();
        Path rel = Files.createDirectories(here.resolve("target").resolve("batch-options-test"));
        BatchOptions b = load("{\"encoding\":{\"format\":\"jsonl\"},\"storage\":{\"root\":\"file://target/batch-options-test\"}}")
                .batch().orElseThrow();
        assertEquals(rel, b.root());
    }

    @Test
    void aRootThatIsAFileIsRefusedNamingTheKey() throws IOException {
        Path f = Files.writeString(dir.resolve("not-a-folder"), "x");
        ConfigException e = assertThrows(ConfigException.class,
                () -> load("{\"encoding\":{\"format\":\"jsonl\"},\"storage\":{\"root\":\"" + f.toUri() + "\"}}"));
        assertTrue(e.getMessage().contains("batch_config.storage.root: "), e.getMessage());
    }
}
