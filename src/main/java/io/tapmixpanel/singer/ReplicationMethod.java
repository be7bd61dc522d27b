package io.tapmixpanel.singer;

import java.util.Locale;
import java.util.Optional;

/** The Singer replication methods this tap knows: a stream is read whole every run, or from its bookmark on. */
public enum ReplicationMethod {
    FULL_TABLE, INCREMENTAL;

    /** A catalog's spelling of a method, in any case; empty for one this tap does not know (LOG_BASED...). */
    public static Optional<ReplicationMethod> parse(String text) {
        for (ReplicationMethod m : values()) {
            if (m.name().equals(text.toUpperCase(Locale.ROOT))) return Optional.of(m);
        }
        return Optional.empty();
    }
}
