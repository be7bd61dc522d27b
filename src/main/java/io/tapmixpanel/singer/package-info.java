/**
 * A small Singer library that knows nothing of Mixpanel: {@link io.tapmixpanel.singer.SingerWriter} (messages on
 * one buffered stdout), {@link io.tapmixpanel.singer.Catalog} / {@link io.tapmixpanel.singer.CatalogEntry} /
 * {@link io.tapmixpanel.singer.Metadata} (discovery output, reading, selection rules),
 * {@link io.tapmixpanel.singer.State} (bookmarks: reads ours, singer-io's plain strings and single-key objects;
 * writes ours, with partitions) and {@link io.tapmixpanel.singer.SchemaGuard} (keeps each stream's SCHEMA true to
 * its RECORDs by widening), {@link io.tapmixpanel.singer.ReplicationMethod}, and {@link io.tapmixpanel.singer.Json},
 * the tap's one reader of JSON files. Errors are unchecked types: a catalog or state that cannot be used is a
 * {@link io.tapmixpanel.singer.SingerInputException} naming the file and JSON path
 * ({@link io.tapmixpanel.singer.CatalogException}, {@link io.tapmixpanel.singer.StateException}); a target that
 * closed its input is a {@link io.tapmixpanel.singer.TargetClosedException}.
 */
package io.tapmixpanel.singer;
