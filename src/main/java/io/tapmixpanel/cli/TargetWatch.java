package io.tapmixpanel.cli;

import io.tapmixpanel.log.Log;
import io.tapmixpanel.singer.WholeLineOutput;

import java.nio.file.Path;
import java.util.Set;

/**
 * Notices a target that exited while the tap has nothing to write (docs/reliability.md "Reliability"): waiting on a slow server
 * or a retry backoff, the tap would only learn it at its next write, possibly after tens of minutes of retries. Writing
 * to find out is not possible (a zero-byte write to a pipe never fails, and any byte would reach a live target), so
 * on Linux a daemon thread looks, every {@link #PERIOD_MILLIS}, for the processes that hold the read end of stdout's
 * pipe. It starts from the readers it can see; when every one of them has dropped the pipe (exited, or closed it) and
 * two scans of all processes in a row find no other, the target is gone: the tap stops as for a closed pipe, exit 1.
 *
 * <p>It never guesses: a reader it cannot see (another user's process, another PID namespace, as with a container's
 * output) leaves the watch off from the start, and a reader whose descriptors became unreadable counts as present.
 * It is off when stdout is not a pipe (a file cannot close; a closed terminal sends SIGHUP) and where there is no
 * {@code /proc} (macOS, Windows): the tap then learns of a closed target at its next write.
 */
final class TargetWatch implements Runnable {
    static final long PERIOD_MILLIS = 2000;

    private final PipeReaders procs;
    private final String pipe;
    private final WholeLineOutput out;
    private Set<Long> readers;

    private TargetWatch(PipeReaders procs, String pipe, Set<Long> readers, WholeLineOutput out) {
        this.procs = procs;
        this.pipe = pipe;
        this.readers = readers;
        this.out = out;
    }

    /** Starts watching when stdout (fd 1) is a pipe whose reader this process can see. */
    static void start(WholeLineOutput out) {
        PipeReaders procs = new PipeReaders(Path.of("/proc"));
        procs.pipeOf(1).ifPresent(pipe -> {
            Thread t = new Thread(() -> {
                // not at start-up, where the scan (~20-90 ms of CPU) would slow every short run
                try {
                    Thread.sleep(PERIOD_MILLIS);
                } catch (InterruptedException e) {
                    return;
                }
                Set<Long> readers = procs.readers(pipe, procs.processes());
                if (readers.isEmpty()) {
                    Log.debug("target watch off: no visible process reads stdout (%s)", pipe);
                    return;
                }
                new TargetWatch(procs, pipe, readers, out).run();
            }, "tap-mixpanel-target-watch");
            t.setDaemon(true);
            t.start();
        });
    }

    @Override
    public void run() {
        int emptyScans = 0;
        while (!out.stopping() && !out.targetClosed()) {
            try {
                Thread.sleep(PERIOD_MILLIS);
            } catch (InterruptedException e) {
                return;
            }
            if (stillRead()) {
                emptyScans = 0;
                continue;
            }
            // The known readers dropped it; a child may have inherited it: look everywhere, twice (a process forked
            // while the first scan listed /proc is in the second).
            Set<Long> found = procs.readers(pipe, procs.processes());
            if (!found.isEmpty()) {
                readers = found;
                emptyScans = 0;
            } else if (++emptyScans == 2 && !out.targetClosed()) {
                ProcessStop.stop("the target closed its input (no process reads stdout any more)", ExitCode.FAILURE.code());
                return;
            }
        }
    }

    private boolean stillRead() {
        for (long pid : readers) {
            if (procs.holds(pid, pipe) != PipeReaders.Holds.NO) return true;
        }
        return false;
    }
}
