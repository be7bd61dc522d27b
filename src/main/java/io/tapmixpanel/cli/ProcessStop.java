package io.tapmixpanel.cli;

import io.tapmixpanel.log.Log;
import io.tapmixpanel.singer.WholeLineOutput;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandleProxies;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Ends the process from outside the sync (docs/reliability.md "Reliability"): on SIGTERM, SIGINT or SIGHUP (a scheduler's
 * timeout, Ctrl-C, a closed terminal), and when the target watch finds that nobody reads stdout any more. Either way
 * stdout is stopped between two lines (a line being written is finished), one line is logged naming the cause and the
 * last STATE that reached stdout, and the process halts with 128 + the signal's number (143, 130, 129), or 1 for a
 * target gone. Export spools need no cleanup: their files have no name (docs/reliability.md "Reliability").
 *
 * <p>Why sun.misc.Signal: the JDK has no supported API that tells which signal ended the process. A shutdown hook
 * runs on all three signals alike (and on every System.exit), and while it runs the sync threads go on writing, so it
 * could neither name the signal nor stop stdout at a line's end before the JVM exits. {@code sun.misc.Signal} is
 * the API the JDK keeps, in the {@code jdk.unsupported} module, for exactly this. javac's "internal proprietary API"
 * warning cannot be suppressed (and the build fails on warnings), so the class is reached by name. Where it is
 * missing (a runtime built without {@code jdk.unsupported}), the JVM's own handling stays: exit 143/130/129, no log
 * line; stdout still only ever holds whole lines up to the moment of the signal. A signal that was ignored when the
 * tap started (nohup) stays ignored: the JVM keeps it so.
 */
final class ProcessStop {
    /** How long a stop waits for a write under way to reach its line's end (a target may have stopped reading). */
    static final long LINE_WAIT_MILLIS = 800;

    private static final AtomicBoolean STOPPING = new AtomicBoolean();
    private static volatile WholeLineOutput stdout;
    /** Set once main is exiting on its own: a signal then changes nothing. */
    private static volatile boolean exiting;

    private ProcessStop() {}

    /** Handles TERM, INT and HUP from now on. */
    static void install(WholeLineOutput out) {
        stdout = out;
        try {
            Class<?> signal = Class.forName("sun.misc.Signal");
            Class<?> handlerType = Class.forName("sun.misc.SignalHandler");
            MethodHandles.Lookup lookup = MethodHandles.publicLookup();
            MethodHandle create = lookup.findConstructor(signal, MethodType.methodType(void.class, String.class));
            MethodHandle handle = lookup.findStatic(signal, "handle", MethodType.methodType(handlerType, signal, handlerType));
            MethodHandle name = lookup.findVirtual(signal, "getName", MethodType.methodType(String.class));
            MethodHandle number = lookup.findVirtual(signal, "getNumber", MethodType.methodType(int.class));
            MethodHandle onSignal = MethodHandles.lookup().findStatic(ProcessStop.class, "onSignal",
                    MethodType.methodType(void.class, Object.class, MethodHandle.class, MethodHandle.class));
            MethodHandle target = MethodHandles.insertArguments(onSignal, 1, name, number).asType(MethodType.methodType(void.class, signal));
            Object handler = MethodHandleProxies.asInterfaceInstance(handlerType, target);
            for (String s : List.of("TERM", "INT", "HUP")) {
                handle.invoke(create.invoke(s), handler);
            }
        } catch (Throwable e) {
            Log.debug("signals keep the JVM's default handling: %s", e.toString());
        }
    }

    private static void onSignal(Object signal, MethodHandle name, MethodHandle number) throws Throwable {
        stop("SIG" + (String) name.invoke(signal), 128 + (int) number.invoke(signal));
    }

    /** Main is about to exit with its own code: a late signal leaves it alone. */
    static void exiting() {
        exiting = true;
    }

    /**
     * Stops stdout at a line's end, logs {@code why} with the last STATE written, and halts with {@code code}. A second
     * call (the same signal twice, Ctrl-C pressed again) halts at once.
     */
    static void stop(String why, int code) {
        if (exiting) return;
        if (!STOPPING.compareAndSet(false, true)) Runtime.getRuntime().halt(code);
        WholeLineOutput out = stdout;
        boolean whole = out == null || out.stop(LINE_WAIT_MILLIS);
        String state = out == null ? "" : out.lastState().map(s -> "the last STATE written, safe to resume from: " + s)
                .orElse("no STATE was written yet (rerun with the same --state)");
        Log.critical("%s: stopping (exit %d); %s%s", why, code, state,
                whole ? "" : "; stdout may end in the middle of a line (the target was not reading)");
        Runtime.getRuntime().halt(code);
    }
}
