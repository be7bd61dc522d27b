package io.tapmixpanel.cli;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Who holds the read end of a pipe, from a Linux {@code /proc} (docs/reliability.md "Reliability"): {@code /proc/<pid>/fd/<n>} is a
 * link to {@code pipe:[<inode>]} for both ends of an anonymous pipe, and {@code /proc/<pid>/fdinfo/<n>}'s
 * {@code flags} (octal open flags) tell them apart: the write end is opened write-only. A process whose descriptors
 * cannot be read (another user's) is {@link Holds#UNKNOWN}, never taken for one without the pipe.
 */
final class PipeReaders {
    enum Holds { YES, NO, UNKNOWN }

    private static final int O_ACCMODE = 3, O_WRONLY = 1;

    private final Path proc;

    PipeReaders(Path proc) {
        this.proc = proc;
    }

    /** The pipe {@code fd} of this process is, like {@code pipe:[1234]}; empty for a file, a terminal, a socket. */
    Optional<String> pipeOf(int fd) {
        try {
            String link = Files.readSymbolicLink(proc.resolve("self/fd/" + fd)).toString();
            return link.startsWith("pipe:[") ? Optional.of(link) : Optional.empty();
        } catch (IOException | UnsupportedOperationException e) {
            return Optional.empty();
        }
    }

    /** Every process of {@code /proc}. */
    List<Long> processes() {
        List<Long> pids = new ArrayList<>();
        try (DirectoryStream<Path> dirs = Files.newDirectoryStream(proc)) {
            for (Path d : dirs) {
                String name = d.getFileName().toString();
                if (!name.isEmpty() && name.chars().allMatch(Character::isDigit)) pids.add(Long.parseLong(name));
            }
        } catch (IOException e) {
            return List.of();
        }
        return pids;
    }

    /** The processes among {@code pids} that hold {@code pipe} open for reading. */
    Set<Long> readers(String pipe, Iterable<Long> pids) {
        Set<Long> found = new LinkedHashSet<>();
        for (long pid : pids) if (holds(pid, pipe) == Holds.YES) found.add(pid);
        return found;
    }

    /**
     * Whether {@code pid} holds {@code pipe} open for reading. A process that is gone, or a zombie (its descriptors
     * are closed), holds nothing.
     */
    Holds holds(long pid, String pipe) {
        Path dir = proc.resolve(Long.toString(pid));
        if (!Files.isDirectory(dir)) return Holds.NO;
        boolean unknown = false;
        try (DirectoryStream<Path> fds = Files.newDirectoryStream(dir.resolve("fd"))) {
            for (Path fd : fds) {
                String link;
                try {
                    link = Files.readSymbolicLink(fd).toString();
                } catch (IOException e) {
                    continue; // closed since the listing
                }
                if (!link.equals(pipe)) continue;
                switch (readable(dir.resolve("fdinfo").resolve(fd.getFileName().toString()))) {
                    case YES -> { return Holds.YES; }
                    case UNKNOWN -> unknown = true;
                    case NO -> { }
                }
            }
        } catch (java.nio.file.NoSuchFileException e) {
            return Holds.NO; // ended since the check above
        } catch (IOException e) {
            return Holds.UNKNOWN; // another user's process: cannot tell
        }
        return unknown ? Holds.UNKNOWN : Holds.NO;
    }

    private static Holds readable(Path fdinfo) {
        try {
            for (String line : Files.readAllLines(fdinfo)) {
                if (line.startsWith("flags:")) {
                    int flags = Integer.parseInt(line.substring("flags:".length()).trim(), 8);
                    return (flags & O_ACCMODE) == O_WRONLY ? Holds.NO : Holds.YES;
                }
            }
            return Holds.UNKNOWN;
        } catch (IOException | NumberFormatException e) {
            return Holds.UNKNOWN;
        }
    }
}
