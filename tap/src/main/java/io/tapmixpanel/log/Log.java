package io.tapmixpanel.log;

import java.io.PrintStream;
import java.util.Locale;

/**
 * The tap's only logger: one line per message on stderr, prefixed with the level, as Singer taps do
 * ({@code INFO METRIC: {...}}). stdout is reserved for Singer messages, so nothing here ever touches it.
 * Secrets must never be passed in; callers log request paths without credentials.
 */
public final class Log {
    public enum Level { DEBUG, INFO, WARNING, ERROR, CRITICAL }

    private static volatile Level threshold = Level.INFO;
    private static volatile PrintStream err = System.err;

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

    public static void debug(String fmt, Object... args) { log(Level.DEBUG, fmt, args); }
    public static void info(String fmt, Object... args) { log(Level.INFO, fmt, args); }
    public static void warning(String fmt, Object... args) { log(Level.WARNING, fmt, args); }
    public static void error(String fmt, Object... args) { log(Level.ERROR, fmt, args); }
    public static void critical(String fmt, Object... args) { log(Level.CRITICAL, fmt, args); }

    public static void log(Level level, String fmt, Object... args) {
        if (level.ordinal() < threshold.ordinal()) return;
        String msg = args.length == 0 ? fmt : String.format(Locale.ROOT, fmt, args);
        PrintStream out = err;
        synchronized (out) {
            out.print(level.name());
            out.print(' ');
            out.println(msg);
            out.flush();
        }
    }
}
