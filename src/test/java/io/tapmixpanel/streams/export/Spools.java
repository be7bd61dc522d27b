package io.tapmixpanel.streams.export;

import io.tapmixpanel.output.RecordLines;
import io.tapmixpanel.singer.SingerWriter;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.charset.StandardCharsets;

/** Tests read a finished spool through its channel, as the stdout writer does (the file has no name any more). */
final class Spools {
    private Spools() {}

    /** RECORD lines as the output of renderers whose spools a test reads itself (nothing reaches this output). */
    static RecordLines recordLines() {
        return new RecordLines(new SingerWriter(OutputStream.nullOutputStream()));
    }

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
