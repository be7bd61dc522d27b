package io.tapmixpanel.output;

import io.tapmixpanel.config.BatchOptions;

import java.io.FileOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;
import java.util.zip.Deflater;
import java.util.zip.GZIPOutputStream;

/**
 * One BATCH file being written (docs/batch.md "BATCH messages"): JSON Lines, one bare record per line (not a RECORD
 * message, as the Meltano SDK's targets read them), gzip-compressed unless compression is none. It is written as
 * {@code <name>.part} and gets its final name only once complete and on disk (fsynced), just before its BATCH
 * message (renamed, then the folder fsynced): a file a BATCH message names is always whole, and a run killed
 * leaves only {@code .part} files besides the announced ones.
 * Not thread-safe: one writer.
 */
final class BatchFile {
    /** One run's files share an id, numbered in the order they are opened. */
    private static final String RUN = UUID.randomUUID().toString();
    private static final AtomicLong NUMBER = new AtomicLong();

    private final Path part;
    private final FileOutputStream file;
    private final OutputStream out;

    private BatchFile(Path part, FileOutputStream file, OutputStream out) {
        this.part = part;
        this.file = file;
        this.out = out;
    }

    static BatchFile open(BatchOptions options, String stream) {
        String name = options.prefix() + "tap-mixpanel--" + stream + "-" + RUN + "-" + NUMBER.incrementAndGet()
                + (options.gzip() ? ".json.gz" : ".jsonl");
        Path part = options.root().resolve(name + ".part");
        FileOutputStream file = null;
        try {
            file = new FileOutputStream(part.toFile());
            // The fastest level: on export JSON zlib's level 6 compresses at half its speed (84 against 171 MB/s
            // of CPU) for files a quarter smaller, and compression is already most of a BATCH run's extra CPU
            // (docs/performance.md "Performance").
            OutputStream out = options.gzip() ? new GzipLevel(file, Deflater.BEST_SPEED) : file;
            return new BatchFile(part, file, out);
        } catch (IOException e) {
            if (file != null) {
                try { file.close(); } catch (IOException ignored) { /* failing anyway */ }
            }
            throw new UncheckedIOException("cannot create BATCH file " + part + " (batch_config.storage.root): "
                    + e.getMessage(), e);
        }
    }

    /** Where the records go; the caller buffers (writes of one record at a time would be slow). */
    OutputStream out() { return out; }

    /**
     * Completes the file, fsynced, still under its {@code .part} name, which it keeps until {@link #publish} (just
     * before its BATCH message): export windows finish their files ahead of their turn, and a run killed meanwhile
     * must not leave whole-looking files that no message names.
     */
    Path finish() {
        try {
            if (out instanceof GZIPOutputStream gz) gz.finish(); // the trailer, without closing the file yet
            out.flush();
            file.getChannel().force(true);
            // closes the file and ends the Deflater: left to the GC, a run's ~270 KB of zlib state per file added up
            // to tens of MB of resident memory (docs/performance.md "Performance")
            out.close();
        } catch (IOException e) {
            delete();
            throw new UncheckedIOException("cannot write BATCH file " + part + ": " + e.getMessage(), e);
        }
        return part;
    }

    /** Gives a finished file its final name, on disk, and returns its {@code file://} URL for a manifest. */
    static String publish(Path part) {
        String name = part.getFileName().toString();
        Path path = part.resolveSibling(name.substring(0, name.length() - ".part".length()));
        try {
            Files.move(part, path, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot rename BATCH file " + part + ": " + e.getMessage(), e);
        }
        try (FileChannel dir = FileChannel.open(path.getParent(), StandardOpenOption.READ)) {
            dir.force(true); // the rename itself on disk
        } catch (IOException ignored) {
            // some file systems cannot open a folder for fsync; the file's bytes are on disk already
        }
        return path.toUri().toString();
    }

    /** Removes the unfinished file (an attempt discarded, a stream failed before its BATCH message). */
    void delete() {
        try {
            out.close();
        } catch (IOException ignored) {
            // deleting it anyway
        }
        try {
            Files.deleteIfExists(part);
        } catch (IOException ignored) {
            // a .part left behind is named as such
        }
    }

    /** A gzip stream at a chosen level (GZIPOutputStream has no such constructor). */
    private static final class GzipLevel extends GZIPOutputStream {
        GzipLevel(OutputStream file, int level) throws IOException {
            super(file, 1 << 16);
            def.setLevel(level);
        }
    }
}
