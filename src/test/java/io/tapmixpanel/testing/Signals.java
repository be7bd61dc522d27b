package io.tapmixpanel.testing;

import java.io.IOException;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;

/** What the signal tests need to know of this test run. */
public final class Signals {
    private Signals() {}

    /**
     * Whether this JVM ignores signal {@code number} (from /proc/self/status): a build started in the background by a
     * non-interactive shell ignores SIGINT, and so do the processes it starts; the tap then keeps ignoring it too.
     */
    public static boolean ignored(int number) {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith("SigIgn:")) return new BigInteger(line.substring(7).trim(), 16).testBit(number - 1);
            }
        } catch (IOException | RuntimeException e) {
            return false; // no /proc (macOS): assume the usual
        }
        return false;
    }
}
