package io.tapmixpanel.mixpanel.http;

/** How the client waits: {@link Thread#sleep} in a run, a fake clock's step in tests. Interruptible either way. */
@FunctionalInterface
interface Sleeper {
    Sleeper REAL = nanos -> {
        if (nanos > 0) Thread.sleep(nanos / 1_000_000, (int) (nanos % 1_000_000));
    };

    void sleep(long nanos) throws InterruptedException;
}
