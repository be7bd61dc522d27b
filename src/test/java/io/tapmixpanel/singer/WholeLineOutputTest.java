package io.tapmixpanel.singer;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** docs/reliability.md "Reliability": a stop (a signal, a target gone) ends stdout on a whole line and lets nothing out after it. */
class WholeLineOutputTest {
    @TempDir
    Path dir;

    @Test
    void aStopDuringASpoolAppendFinishesTheCurrentLineAndWritesNothingMore() throws Exception {
        String line = "{\"type\":\"RECORD\",\"stream\":\"export\",\"record\":{\"x\":\"" + "a".repeat(980) + "\"}}\n";
        Path spool = dir.resolve("spool.jsonl");
        Files.writeString(spool, line.repeat(1000)); // ~1 MB: four pieces; the first ends inside a line
        assertTrue(WholeLineOutput.TRANSFER_PIECE % line.length() != 0);

        ByteArrayOutputStream sent = new ByteArrayOutputStream();
        CompletableFuture<Boolean> stopped = new CompletableFuture<>();
        WholeLineOutput[] out = new WholeLineOutput[1];
        OutputStream raw = new OutputStream() {
            @Override public void write(int b) { sent.write(b); }

            @Override public void write(byte[] b, int off, int len) {
                sent.write(b, off, len);
                if (!stopped.isDone() && out[0].stopping() == false && sent.size() >= WholeLineOutput.TRANSFER_PIECE) {
                    // the signal arrives while the first piece is going out
                    Thread stopper = new Thread(() -> stopped.complete(out[0].stop(10_000)));
                    stopper.start();
                    while (!out[0].stopping()) Thread.onSpinWait();
                }
            }
        };
        out[0] = new WholeLineOutput(raw);
        Thread writer = new Thread(() -> {
            try (FileChannel ch = FileChannel.open(spool)) {
                out[0].transferLines(ch, ch.size());
                out[0].write("{\"type\":\"STATE\",\"value\":{}}\n".getBytes(StandardCharsets.UTF_8));
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        writer.setDaemon(true); // it parks for good once the output is stopped, as the process would end then
        writer.start();
        assertTrue(stopped.get(10, TimeUnit.SECONDS), "the stop saw the output at a line's end");
        String text = sent.toString(StandardCharsets.UTF_8);
        assertTrue(text.endsWith("\n"), "ends on a whole line");
        assertTrue(text.length() > WholeLineOutput.TRANSFER_PIECE && text.length() < 2 * WholeLineOutput.TRANSFER_PIECE, "" + text.length());
        assertEquals(0, text.length() % line.length(), "whole lines only");
        assertTrue(!text.contains("STATE"), "nothing after the stop");
        writer.join(200);
        assertTrue(writer.isAlive(), "the writer stays parked, silent");
    }
}
