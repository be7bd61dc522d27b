package io.tapmixpanel.streams.export;

import io.tapmixpanel.output.BatchFiles;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;

/**
 * The export renderer's output: a byte buffer in front of a spool file holding one window's RECORD lines, and
 * that file's life (docs/performance.md "Performance"): opened per attempt, dropped when the attempt is discarded or the
 * renderer abandoned, handed over as an open channel, positioned anywhere, when the window was read whole. Writers
 * make room with {@link #ensure(int)}, then put bytes without further checks. Not thread-safe: one per renderer.
 *
 * <p>The file's name is removed as soon as it is open (docs/reliability.md "Reliability"): the data lives as long as the open
 * channel, so however the process ends (a signal, SIGKILL, a crash) the kernel frees it and nothing is left in the
 * temp folder; windows can be hundreds of MB, and repeated timeouts would otherwise fill the disk. Where an open
 * file cannot be unlinked (Windows), it is deleted by name when dropped.
 *
 * <p>With batch_config there is no spool file: the buffer goes out to the window's BATCH files, which the output
 * writes in its storage folder (docs/batch.md "BATCH messages"), written there once, compressed on the way, never copied
 * again; {@link #nextFile()} starts the next file of the window, {@link #closeBatch} hands the files over.
 */
final class ExportSpool {
    private static final int OUT = 1 << 18;
    private static final VarHandle LONGS = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);
    private static final VarHandle INTS = MethodHandles.byteArrayViewVarHandle(int[].class, ByteOrder.LITTLE_ENDIAN);

    private final Path dir;
    /** The output that writes the window's BATCH files (batch_config), else null. */
    private final BatchFiles batch;
    private final String stream;
    /** The current attempt's BATCH files (batch_config), else null. */
    private BatchFiles.Window window;
    private FileChannel file;
    /** The file's name while it still has one (it could not be unlinked while open). */
    private Path path;
    private byte[] out = new byte[OUT];
    private ByteBuffer outBuffer = ByteBuffer.wrap(out);
    private int n;
    /**
     * Where the record being written starts in {@link #out} when it may still be dropped (bytes before it are whole
     * records), else -1: only a renderer that filters events marks its records, so no other pays for keeping them.
     */
    private int recordStart = -1;

    ExportSpool(Path dir) {
        this.dir = dir;
        this.batch = null;
        this.stream = null;
    }

    /** A spool writing {@code stream}'s records into the BATCH files {@code batch} opens. */
    ExportSpool(BatchFiles batch, String stream) {
        this.dir = null;
        this.batch = batch;
        this.stream = stream;
    }

    /** Starts an empty spool file, dropping the one of an earlier attempt. */
    void open() {
        delete();
        if (batch != null) {
            n = 0;
            recordStart = -1;
            window = batch.openWindow(stream);
            return;
        }
        Path p;
        try {
            p = Files.createTempFile(dir, "tap-mixpanel-export-", ".jsonl");
        } catch (IOException e) {
            throw new UncheckedIOException(spoolProblem("cannot create an export spool file in " + dir, e), e);
        }
        try {
            // READ and WRITE only, not TRUNCATE_EXISTING: ext4 (auto_da_alloc) flushes a file opened with O_TRUNC to
            // disk when it is closed, which stalled the sync for ~1 s per window switch; untruncated, it stays in the
            // page cache.
            file = FileChannel.open(p, StandardOpenOption.READ, StandardOpenOption.WRITE);
        } catch (IOException e) {
            deleteQuietly(p);
            throw new UncheckedIOException(spoolProblem("cannot open an export spool file in " + dir, e), e);
        }
        try {
            Files.delete(p);
            path = null;
        } catch (IOException e) {
            path = p; // deleted by name once dropped
        }
        n = 0;
        recordStart = -1;
    }

    /** Marks the start of a record, which {@link #dropRecord()} can still take back. */
    void startRecord() {
        recordStart = n;
    }

    /** Takes back everything written since {@link #startRecord()}. */
    void dropRecord() {
        if (recordStart < 0) throw new IllegalStateException("no record was started");
        n = recordStart;
    }

    /** Between two records: completes the BATCH file (fsynced) and starts the next one. */
    void nextFile() throws IOException {
        flush();
        window.next();
    }

    /**
     * Writes out what is buffered and completes the last BATCH file, or deletes it when {@code lastIsEmpty}; the
     * attempt's files now belong to the caller.
     */
    List<Path> closeBatch(boolean lastIsEmpty) {
        try {
            flush();
        } catch (IOException e) {
            delete();
            throw new UncheckedIOException(e);
        }
        BatchFiles.Window w = window;
        window = null;
        return w.finish(lastIsEmpty);
    }

    /** Writes out what is buffered; the open file now belongs to the caller, who frees it with {@link Spool#release()}. */
    Spool close() {
        try {
            flush();
        } catch (IOException e) {
            throw new UncheckedIOException(e.getMessage(), e);
        }
        Spool s = new Spool(file, path);
        file = null;
        path = null;
        return s;
    }

    /** A finished spool: its open file, and its name if it still has one. */
    record Spool(FileChannel channel, Path path) {
        /** Frees the file. */
        void release() {
            try {
                channel.close();
            } catch (IOException ignored) {
                // closing a file only read from; nothing to lose
            }
            if (path != null) deleteQuietly(path);
        }
    }

    /** Throws away the buffer and the file, if any. */
    void delete() {
        if (batch != null) {
            n = 0;
            recordStart = -1;
            if (window != null) window.delete(); // never named by a BATCH message: harmless
            window = null;
            return;
        }
        if (file == null) return;
        n = 0;
        recordStart = -1;
        new Spool(file, path).release();
        file = null;
        path = null;
    }

    /** Deletes a file this class wrote, if it is still there; a failure leaves a harmless file behind. */
    static void deleteQuietly(Path p) {
        try {
            Files.deleteIfExists(p);
        } catch (IOException ignored) {
            // a temp file left behind is not worth failing the run
        }
    }

    private void flush() throws IOException {
        writeOut(n);
        n = 0;
        recordStart = -1;
    }

    /** Writes the first {@code len} buffered bytes to the file. */
    private void writeOut(int len) throws IOException {
        if (len == 0) return;
        if (window != null) {
            window.write(out, 0, len);
            return;
        }
        try {
            ByteBuffer b = outBuffer;
            b.clear().limit(len);
            while (b.hasRemaining()) file.write(b);
        } catch (IOException e) {
            throw new IOException(spoolProblem("cannot write an export spool in " + dir, e), e);
        }
    }

    /**
     * Says that the folder is the temp folder export windows wait in, and what moves it: a bare "No space left on
     * device" or a path does not tell the user which setting to change (docs/performance.md "Performance").
     */
    private static String spoolProblem(String what, IOException e) {
        String why = e instanceof java.nio.file.NoSuchFileException ? "no such folder"
                : e instanceof java.nio.file.AccessDeniedException ? "permission denied"
                : String.valueOf(e.getMessage());
        return what + " (" + why + "): export windows wait there, in the temp folder (java.io.tmpdir); point TMPDIR "
                + "(bin/tap-mixpanel) or -Djava.io.tmpdir (in TAP_MIXPANEL_JAVA_OPTS) at a folder with room";
    }

    /**
     * Room for {@code len} more bytes in the buffer. While a record is marked, only the whole records before it are
     * written out; it moves to the front (so that it can still be dropped), and the buffer grows when it does not
     * leave room.
     */
    void ensure(int len) throws IOException {
        if (n + len <= out.length) return;
        if (recordStart < 0) {
            flush();
        } else {
            int partial = n - recordStart;
            writeOut(recordStart);
            System.arraycopy(out, recordStart, out, 0, partial);
            n = partial;
            recordStart = 0;
        }
        if (n + len > out.length) {
            out = java.util.Arrays.copyOf(out, Math.max(n + len, out.length * 2));
            outBuffer = ByteBuffer.wrap(out);
        }
    }

    /** One byte (room made by the caller). */
    void put(byte x) {
        out[n++] = x;
    }

    /** A whole array (room made by the caller). */
    void put(byte[] b) {
        copy(b, 0, b.length);
    }

    /**
     * Copies {@code len} bytes (room made by the caller). Names and values are mostly short, and System.arraycopy's
     * stub costs more than the copy there (~5% of the export CPU in an async-profiler run): up to 16 bytes go as two
     * overlapping 8-byte words (or 4-byte ones, or single bytes).
     */
    void copy(byte[] b, int from, int len) {
        byte[] o = out;
        int at = n;
        if (len >= 8) {
            if (len <= 16) {
                LONGS.set(o, at, (long) LONGS.get(b, from));
                LONGS.set(o, at + len - 8, (long) LONGS.get(b, from + len - 8));
            } else {
                System.arraycopy(b, from, o, at, len);
            }
        } else if (len >= 4) {
            INTS.set(o, at, (int) INTS.get(b, from));
            INTS.set(o, at + len - 4, (int) INTS.get(b, from + len - 4));
        } else {
            for (int i = 0; i < len; i++) o[at + i] = b[from + i];
        }
        n = at + len;
    }

    /** The first {@code len} chars, all ASCII, one byte each (room made by the caller). */
    void putAscii(char[] chars, int len) {
        byte[] o = out;
        int at = n;
        for (int k = 0; k < len; k++) o[at + k] = (byte) chars[k];
        n = at + len;
    }

    /**
     * Bytes {@code from..to} with a backslash before each {@code "} and {@code \}: raw JSON text as the body of a
     * JSON string (room for twice the length made by the caller).
     */
    void putEscaped(byte[] b, int from, int to) {
        byte[] o = out;
        int at = n;
        for (int i = from; i < to; i++) {
            byte x = b[i];
            if (x == '"' || x == '\\') o[at++] = '\\';
            o[at++] = x;
        }
        n = at;
    }
}
