package io.tapmixpanel.log;

import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collection;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * The tap's only logger: one line per message on stderr, prefixed with the level, as Singer taps do
 * ({@code INFO METRIC: {...}}). stdout is reserved for Singer messages, so nothing here ever touches it.
 *
 * <p>Every message passes through here, so here is where two promises of README "Command line" are kept
 * whatever a message quotes (a config value, a file name, a server's error body, an exception's text):
 * <ul>
 *   <li>one message is one line: line breaks and other control characters are written as escapes
 *       ({@code \n}, {@code \r}, other ones as backslash-u escapes; tabs are kept), so a quoted value can neither split the CRITICAL line nor drive the
 *       terminal. Only a DEBUG message may span lines (a stack trace), and then each line has the prefix;</li>
 *   <li>no secret is printed: the configured secrets ({@link #redactSecrets}) and the HTTP Basic forms a server
 *       may echo back are replaced by {@code ***} at every level, stack traces included.</li>
 * </ul>
 */
public final class Log {
    public enum Level { DEBUG, INFO, WARNING, ERROR, CRITICAL }

    /** What a secret is replaced with. */
    public static final String REDACTED = "***";

    /**
     * Shorter forms are not redacted: they would garble every message (a 1-character test secret would turn
     * every "s" into ***), and Mixpanel's secrets are 32 characters.
     */
    static final int MIN_REDACTED_LENGTH = 4;

    private static volatile Level threshold = Level.INFO;
    private static volatile PrintStream err = System.err;
    private static volatile List<String> secrets = List.of();

    private Log() {}

    public static void setLevel(Level level) { threshold = level; }

    public static boolean isDebug() { return threshold == Level.DEBUG; }

    /** Parses a level name (case-insensitive; WARN is accepted for WARNING). */
    public static Level parseLevel(String name) {
        String n = name.trim().toUpperCase(Locale.ROOT);
        if (n.equals("WARN")) return Level.WARNING;
        if (n.equals("FATAL")) return Level.CRITICAL;
        return Level.valueOf(n);
    }

    /** For tests: capture what the tap writes to stderr. */
    public static void redirect(PrintStream stream) { err = stream; }

    /**
     * The secrets of this run's config, replacing those of an earlier one: from now on each of them, and each
     * HTTP Basic credential made of them ({@code base64(secret)}, {@code base64(secret:)} and
     * {@code base64(user:secret)} for each of {@code users}), is {@link #REDACTED} in every message. The Basic
     * forms are matched with their {@code =} padding and without it, so that a server that escapes the padding
     * (as backslash-u003d) or drops it is caught too.
     */
    public static void redactSecrets(Collection<String> secretValues, Collection<String> users) {
        Set<String> forms = new LinkedHashSet<>();
        for (String s : secretValues) {
            if (s == null || s.isEmpty()) continue;
            forms.add(s);
            forms.add(s.strip());
            List<String> credentials = new ArrayList<>(List.of(s, s + ":"));
            for (String u : users) {
                if (u != null && !u.isEmpty()) credentials.add(u + ":" + s);
            }
            for (String c : credentials) {
                String b = Base64.getEncoder().encodeToString(c.getBytes(StandardCharsets.UTF_8));
                forms.add(b);
                forms.add(b.replace("=", ""));
            }
        }
        List<String> kept = new ArrayList<>();
        for (String f : forms) if (f.length() >= MIN_REDACTED_LENGTH) kept.add(f);
        kept.sort(Comparator.comparingInt(String::length).reversed()); // a longer form may contain a shorter one
        secrets = List.copyOf(kept);
    }

    /**
     * {@code text} with the configured secrets replaced by {@link #REDACTED}. Every message is redacted when
     * logged; callers that shorten outside text (an error body cut to 500 characters) redact it first, so that
     * no cut leaves half a secret behind.
     */
    public static String redact(String text) {
        if (text == null) return null;
        String out = text;
        for (String s : secrets) {
            if (out.contains(s)) out = out.replace(s, REDACTED);
        }
        return out;
    }

    /** {@code text} on one line: control characters (line breaks, escape sequences; not tabs) written as escapes. */
    public static String oneLine(String text) {
        int i = 0;
        int n = text.length();
        while (i < n && !isControl(text.charAt(i))) i++;
        if (i == n) return text;
        StringBuilder sb = new StringBuilder(n + 16).append(text, 0, i);
        for (; i < n; i++) {
            char c = text.charAt(i);
            if (!isControl(c)) {
                sb.append(c);
                continue;
            }
            switch (c) {
                case '\n' -> sb.append("\\n");
                case '\r' -> sb.append("\\r");
                default -> sb.append(String.format(Locale.ROOT, "\\u%04x", (int) c));
            }
        }
        return sb.toString();
    }

    private static boolean isControl(char c) {
        return (c < 0x20 && c != '\t') || (c >= 0x7f && c <= 0x9f) || c == '\u2028' || c == '\u2029';
    }

    public static void debug(String fmt, Object... args) { log(Level.DEBUG, fmt, args); }
    public static void info(String fmt, Object... args) { log(Level.INFO, fmt, args); }
    public static void warning(String fmt, Object... args) { log(Level.WARNING, fmt, args); }
    public static void error(String fmt, Object... args) { log(Level.ERROR, fmt, args); }
    public static void critical(String fmt, Object... args) { log(Level.CRITICAL, fmt, args); }

    public static void log(Level level, String fmt, Object... args) {
        if (level.ordinal() < threshold.ordinal()) return;
        String msg = redact(args.length == 0 ? fmt : String.format(Locale.ROOT, fmt, args));
        PrintStream out = err;
        synchronized (out) {
            if (level == Level.DEBUG && msg.indexOf('\n') >= 0) {
                for (String line : msg.split("\r?\n", -1)) print(out, level, line);
            } else {
                print(out, level, msg);
            }
            out.flush();
        }
    }

    private static void print(PrintStream out, Level level, String line) {
        out.print(level.name());
        out.print(' ');
        out.println(oneLine(line));
    }
}
