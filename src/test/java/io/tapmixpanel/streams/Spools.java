package io.tapmixpanel.streams;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.channels.Channels;
import java.nio.charset.StandardCharsets;

/** Tests read a finished spool through its channel, as the stdout writer does (the file has no name any more). */
final class Spools {
    private Spools() {}

    /** The spool's text; frees it. */
    static String text(ExportSpool.Spool spool) throws IOException {
        try {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            spool.channel().position(0);
            Channels.newInputStream(spool.channel()).transferTo(out);
            return out.toString(StandardCharsets.UTF_8);
        } finally {
            spool.release();
        }
    }
}
