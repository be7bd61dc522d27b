package io.tapmixpanel.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** docs/reliability.md "Reliability": who reads stdout's pipe, told from a /proc laid out as Linux does. */
class PipeReadersTest {
    @TempDir
    Path proc;

    private void fd(String pid, int fd, String link, String flags) throws IOException {
        Path dir = Files.createDirectories(proc.resolve(pid).resolve("fd"));
        Files.createSymbolicLink(dir.resolve(Integer.toString(fd)), Path.of(link));
        if (flags != null) {
            Path info = Files.createDirectories(proc.resolve(pid).resolve("fdinfo"));
            Files.writeString(info.resolve(Integer.toString(fd)), "pos:\t0\nflags:\t" + flags + "\nmnt_id:\t15\nino:\t42\n");
        }
    }

    @Test
    void theReadEndIsTheOneNotOpenedWriteOnly() throws IOException {
        fd("self", 1, "pipe:[42]", "01");
        fd("100", 0, "pipe:[42]", "0100000"); // the target: O_RDONLY|O_LARGEFILE
        fd("200", 1, "pipe:[42]", "0100001"); // another writer (stderr sent to the same pipe)
        fd("300", 0, "pipe:[7]", "0100000"); // another pipe
        fd("400", 3, "/var/log/x", "0100002");
        PipeReaders r = new PipeReaders(proc);
        assertEquals(Optional.of("pipe:[42]"), r.pipeOf(1));
        assertEquals(List.of(100L, 200L, 300L, 400L), r.processes().stream().sorted().toList());
        assertEquals(Set.of(100L), r.readers("pipe:[42]", r.processes()));
    }

    @Test
    void aProcessWhoseDescriptorsCannotBeReadIsUnknownNeverWithoutThePipe() throws IOException {
        Files.createDirectories(proc.resolve("500"));
        Files.writeString(proc.resolve("500/fd"), ""); // stands for another user's process: listing fails
        fd("600", 0, "pipe:[42]", null); // fdinfo unreadable
        PipeReaders r = new PipeReaders(proc);
        assertEquals(PipeReaders.Holds.UNKNOWN, r.holds(500, "pipe:[42]"));
        assertEquals(PipeReaders.Holds.UNKNOWN, r.holds(600, "pipe:[42]"));
    }

    @Test
    void aProcessThatEndedOrIsAZombieHoldsNothing() throws IOException {
        Files.createDirectories(proc.resolve("700/fd")); // a zombie: its descriptors are closed
        PipeReaders r = new PipeReaders(proc);
        assertEquals(PipeReaders.Holds.NO, r.holds(700, "pipe:[42]"));
        assertEquals(PipeReaders.Holds.NO, r.holds(800, "pipe:[42]"));
    }

    @Test
    void stdoutToAFileOrATerminalIsNotWatched() throws IOException {
        fd("self", 1, "/dev/pts/3", null);
        fd("self", 2, "/home/u/out.jsonl", null);
        PipeReaders r = new PipeReaders(proc);
        assertEquals(Optional.empty(), r.pipeOf(1));
        assertEquals(Optional.empty(), r.pipeOf(2));
    }
}
