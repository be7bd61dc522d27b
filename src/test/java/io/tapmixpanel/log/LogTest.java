package io.tapmixpanel.log;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Every message is one line and carries no configured secret, at every level (README "Command line"). */
class LogTest {
    private static final String SECRET = "0123456789abcdef-secret";
    private static final String USER = "sa-user.mp-service-account";
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    @BeforeEach
    void capture() {
        Log.redirect(new PrintStream(err, true, StandardCharsets.UTF_8));
        Log.setLevel(Log.Level.DEBUG);
    }

    @AfterEach
    void restore() {
        Log.redirect(System.err);
        Log.setLevel(Log.Level.INFO);
        Log.redactSecrets(List.of(), List.of());
    }

    private List<String> lines() {
        return err.toString(StandardCharsets.UTF_8).lines().toList();
    }

    private static String b64(String s) {
        return Base64.getEncoder().encodeToString(s.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void aNewlineOrAnEscapeSequenceInAQuotedValueDoesNotSplitOrColourTheLine() {
        Log.critical("config c.json: region: '%s' is not one of US, EU, IN", "EU\nCRITICAL forged\r\u001b[31m\u2028x");
        List<String> lines = lines();
        assertEquals(1, lines.size(), lines::toString);
        assertEquals("CRITICAL config c.json: region: 'EU\\nCRITICAL forged\\r\\u001b[31m\\u2028x' is not one of US, EU, IN",
                lines.get(0));
    }

    @Test
    void tabsAndPlainTextAreLeftAsTheyAre() {
        assertEquals("a\tb 'é' ✓", Log.oneLine("a\tb 'é' ✓"));
    }

    @Test
    void aDebugStackTraceKeepsItsLinesEachWithThePrefix() {
        Log.debug("%s", "java.lang.IllegalStateException: boom\n\tat a.B.c(B.java:1)\n\tat a.B.d(B.java:2)");
        List<String> lines = lines();
        assertEquals(3, lines.size(), lines::toString);
        assertTrue(lines.stream().allMatch(l -> l.startsWith("DEBUG ")), lines::toString);
        assertEquals("DEBUG \tat a.B.c(B.java:1)", lines.get(1));
    }

    @Test
    void theSecretAndEveryBasicFormOfItAreRedactedAtEveryLevel() {
        Log.redactSecrets(List.of(SECRET), List.of(USER));
        String[] forms = {SECRET, b64(SECRET), b64(SECRET + ":"), b64(USER + ":" + SECRET)};
        for (Log.Level level : Log.Level.values()) {
            for (String form : forms) Log.log(level, "bad header Basic %s (%s)", form, level);
        }
        String all = err.toString(StandardCharsets.UTF_8);
        for (String form : forms) {
            assertFalse(all.contains(form), () -> form + " printed:\n" + all);
            assertFalse(all.contains(form.replace("=", "")), () -> form + " printed without its padding:\n" + all);
        }
        assertEquals(4 * Log.Level.values().length, lines().size());
        assertTrue(lines().stream().allMatch(l -> l.contains("bad header Basic ***")), all);
    }

    @Test
    void aBasicFormWhosePaddingAServerEscapedIsRedactedToo() {
        Log.redactSecrets(List.of(SECRET), List.of());
        String escaped = b64(SECRET + ":").replace("=", "\\u003d");
        assertFalse(Log.redact("{\"error\":\"bad header Basic " + escaped + "\"}").contains(escaped.substring(0, 20)));
    }

    @Test
    void aNewConfigsSecretsReplaceTheOldOnes() {
        Log.redactSecrets(List.of("first-secret"), List.of());
        Log.redactSecrets(List.of("second-secret"), List.of());
        assertEquals("first-secret ***", Log.redact("first-secret second-secret"));
    }

    @Test
    void secretsTooShortToBeRealAreNotRedactedSoThatMessagesStayReadable() {
        Log.redactSecrets(List.of("s"), List.of("u"));
        assertEquals("stream sessions: 3 s", Log.redact("stream sessions: 3 s"));
    }
}
