/**
 * Mixpanel's HTTP APIs for the tap, knowing nothing of Singer or of config files: {@link
 * io.tapmixpanel.mixpanel.MixpanelClient} built from a {@link io.tapmixpanel.mixpanel.ClientSettings} value. The
 * client is a small facade over endpoint families (export, engage, query API, project info, governance), which
 * say what to ask and what the answers mean; two sub-packages do the rest:
 *
 * <ul>
 *   <li>{@code mixpanel.http}: how a request travels, as a chain of links with one job each (retry with backoff,
 *       the hourly-budget wait, the limiter, the status classifier, one attempt). It uses the client's public
 *       values (settings, credentials, errors, the listener) and nothing of the endpoints or of export.</li>
 *   <li>{@code mixpanel.export}: reading a raw-export body, with the byte-level
 *       {@link io.tapmixpanel.mixpanel.export.ExportScanner} over the (gzip) stream, inflated ahead on a thread of
 *       its own; the consumer gets each event, validated whole, as an {@link
 *       io.tapmixpanel.mixpanel.export.ExportEvent} (a view on the body's bytes, no tree). A body that does not end
 *       on a whole record is discarded and fetched again.</li>
 * </ul>
 *
 * <ul>
 *   <li>Hosts: {@link io.tapmixpanel.mixpanel.Region} picks {@code data(-eu|-in).mixpanel.com} for export and
 *       {@code (eu.|in.)mixpanel.com} for the query and app APIs; each family can be overridden. Without its own
 *       override, the app API follows the query API override (one host serves both).</li>
 *   <li>Auth: service account {@code Basic base64(user:secret)} plus {@code project_id} on export and query
 *       requests; project secret {@code Basic base64(secret:)} and no {@code project_id} there, even when a
 *       project id is configured (it only enables the app API, whose paths carry the id).</li>
 *   <li>Retries: 429 (Retry-After honoured), 408, 5xx except 501/505, connection failures, timeouts and bodies
 *       cut short, with exponential backoff and equal jitter, bounded by {@link
 *       io.tapmixpanel.mixpanel.RetryPolicy}; each retry logged at WARNING with its cause and reported to the
 *       {@link io.tapmixpanel.mixpanel.HttpListener}. Unknown hosts and TLS handshake failures are not retried.</li>
 *   <li>Limits: a per-family semaphore (export 100, query 5, app 5, lexicon 5) inside the tap's own maximum,
 *       plus start-rate gates (export 3/s, lexicon 5/min); no sleep below the limits.</li>
 * </ul>
 */
package io.tapmixpanel.mixpanel;
