/**
 * The export stream (docs/streams.md "Streams"): its date windows and watermark across runs, and the byte-level
 * renderer that turns export events into RECORD lines in spools or BATCH files. Only the stream registry uses it;
 * the code the streams share stays in {@code io.tapmixpanel.streams}.
 */
package io.tapmixpanel.streams.export;
