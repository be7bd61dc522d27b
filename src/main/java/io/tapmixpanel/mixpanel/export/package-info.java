/**
 * Reading a raw-export body: the byte-level {@link io.tapmixpanel.mixpanel.export.ExportScanner} (measured, see
 * docs/performance.md), the gzip read-ahead, and how a body that cannot be trusted is told apart (cut short or
 * malformed) by {@link io.tapmixpanel.mixpanel.export.ExportReader}. Knows nothing of the endpoints.
 */
package io.tapmixpanel.mixpanel.export;
