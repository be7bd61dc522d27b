package io.tapmixpanel.cli;

import io.tapmixpanel.log.Log;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** An Error anywhere (out of memory, a stack overflow) ends the run like any failure: one CRITICAL line, exit 1. */
class MainTest {
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    @BeforeEach
    void capture() {
        Log.redirect(new PrintStream(err, true, StandardCharsets.UTF_8));
    }

    @AfterEach
    void restore() {
        Log.redirect(System.err);
        Log.setLevel(Log.Level.INFO);
    }

    private static OutputStream throwing(Error e) {
        return new OutputStream() {
            @Override
            public void write(int b) {
                throw e;
            }

            @Override
            public void write(byte[] b, int off, int len) {
                throw e;
            }
        };
    }

    private List<String> lines() {
        return err.toString(StandardCharsets.UTF_8).lines().toList();
    }

    @Test
    void outOfMemoryIsOneCriticalLineSayingHowToGiveMoreHeapAndExitsOne() {
        int code = Main.run(new Cli(throwing(new OutOfMemoryError("Java heap space")), Map.of()), new String[]{"--version"});
        assertEquals(1, code);
        List<String> lines = lines();
        assertEquals(1, lines.size(), lines::toString);
        assertTrue(lines.get(0).startsWith("CRITICAL out of memory (Java heap space): give the JVM more heap, e.g. "
                + "TAP_MIXPANEL_JAVA_OPTS=-Xmx2g"), lines.get(0));
    }

    @Test
    void anyOtherErrorIsOneCriticalLineTooWithTheStackTraceOnlyInDebug() {
        int code = Main.run(new Cli(throwing(new StackOverflowError()), Map.of()), new String[]{"--version"});
        assertEquals(1, code);
        assertEquals(List.of("CRITICAL internal error: java.lang.StackOverflowError (run with --log-level debug for the "
                + "stack trace)"), lines());

        err.reset();
        code = Main.run(new Cli(throwing(new StackOverflowError()), Map.of()), new String[]{"--log-level", "debug", "--version"});
        assertEquals(1, code);
        assertTrue(lines().size() > 2 && lines().stream().skip(1).allMatch(l -> l.startsWith("DEBUG ")), lines()::toString);
    }
}
