/**
 * Where a sync's records go (docs/batch.md "BATCH messages"): one {@link io.tapmixpanel.output.Output} with two
 * implementations, {@link io.tapmixpanel.output.RecordLines} (RECORD messages on stdout) and
 * {@link io.tapmixpanel.output.BatchFiles} (JSON Lines files announced by BATCH messages, with batch_config). It sits
 * between the streams, which decide what a stream's records look like, and the Singer library
 * ({@link io.tapmixpanel.singer.SingerWriter}), which writes messages and knows nothing of Mixpanel.
 */
package io.tapmixpanel.output;
