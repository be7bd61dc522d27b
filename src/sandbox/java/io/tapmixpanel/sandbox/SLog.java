package io.tapmixpanel.sandbox;

/** The sandbox's own tiny stderr logger (it shares no code with the tap). */
final class SLog {
    private SLog() {}

    static volatile boolean debug = "debug".equalsIgnoreCase(System.getenv("MIXPANEL_SANDBOX_LOG"));

    static void info(String msg) { System.err.println("mixpanel-sandbox INFO " + msg); }

    static void warn(String msg) { System.err.println("mixpanel-sandbox WARNING " + msg); }

    static void debug(String msg) { if (debug) System.err.println("mixpanel-sandbox DEBUG " + msg); }
}
