package io.tapmixpanel.mixpanel;

import io.tapmixpanel.log.Log;
import io.tapmixpanel.mixpanel.export.ExportConsumer;
import io.tapmixpanel.mixpanel.export.ExportCutShortException;
import io.tapmixpanel.mixpanel.export.ExportEvent;
import io.tapmixpanel.mixpanel.export.ExportFormatException;
import io.tapmixpanel.mixpanel.export.ExportReader;
import io.tapmixpanel.mixpanel.http.ApiFamily;
import io.tapmixpanel.mixpanel.http.ApiRequest;
import io.tapmixpanel.mixpanel.http.BodyHandler;
import io.tapmixpanel.mixpanel.http.RetryableFailure;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Raw export ({@code /api/2.0/export} on the data host): one window streamed through the byte-level
 * {@link ExportReader}, and the one-event sample {@code --test} uses. Decides what a bad body means for a window:
 * fetched again, given back to be split, or named with its line.
 */
final class ExportEndpoint {
    private final ApiCalls calls;

    ExportEndpoint(ApiCalls calls) {
        this.calls = calls;
    }

    /** See {@link MixpanelClient#export}. */
    void export(ExportQuery q, ExportConsumer consumer) {
        ApiRequest req = exportRequest(q, Map.of()).label("export " + q.window());
        calls.transport.execute(req, exportBody(req, q, consumer));
    }

    /** See {@link MixpanelClient#exportSample}. */
    long exportSample(ExportQuery q) {
        ApiRequest req = exportRequest(q, Map.of("limit", "1")).label("export sample " + q.window());
        long[] events = {0};
        calls.transport.execute(req, exportBody(req, q, new ExportConsumer() {
            @Override
            public void beginAttempt(int attempt) { events[0] = 0; }

            @Override
            public void onEvent(ExportEvent event) { events[0]++; }

            @Override
            public void discardAttempt(String reason) { events[0] = 0; }
        }));
        return events[0];
    }

    private ApiRequest exportRequest(ExportQuery q, Map<String, String> extra) {
        Map<String, String> params = new LinkedHashMap<>();
        params.put("from_date", q.from().toString());
        params.put("to_date", q.to().toString());
        if (!q.events().isEmpty()) params.put("event", ApiCalls.json(q.events()));
        q.where().ifPresent(w -> params.put("where", w));
        params.putAll(extra);
        return ApiRequest.get(ApiFamily.EXPORT, calls.settings.exportRoot(), "/api/2.0/export")
                .query(calls.serviceAccountParams()).query(params)
                .endpoint("export").acceptGzip(q.gzip());
    }

    /**
     * Reads one attempt's body into {@code consumer}. A body cut short or malformed is discarded and becomes a
     * retryable failure; when the retries run out, the cut-short one says how many times it happened and the
     * malformed one names the window and the line.
     */
    private static BodyHandler<Void> exportBody(ApiRequest req, ExportQuery q, ExportConsumer consumer) {
        int[] cutShort = {0};
        return (body, attempt) -> {
            consumer.beginAttempt(attempt);
            try {
                long events = ExportReader.read(body, consumer);
                Log.debug("%s", req.label() + ": " + events + " events");
                return null;
            } catch (ExportReader.AttemptFailed f) {
                consumer.discardAttempt(f.reason());
                if (f.kind() == ExportReader.AttemptFailed.Kind.CUT_SHORT) {
                    int times = ++cutShort[0];
                    // A long window that keeps ending early is cheaper to fetch in halves than to retry whole.
                    if (q.splittable() && times >= ExportQuery.CUTS_BEFORE_SPLIT) {
                        throw new ExportCutShortException(req.label() + ": the response was cut short " + times
                                + " times (last: " + f.reason() + ")", req.describe(), f);
                    }
                    throw new RetryableFailure("response cut short: " + f.reason(), Optional.empty(),
                            attempts -> q.splittable()
                                    ? new ExportCutShortException(req.label() + ": the response was cut short "
                                            + times + " times (last: " + f.reason() + ")", req.describe(), f)
                                    : new MixpanelApiException(req.label() + ": the response was cut short "
                                    + times + " times (last: " + f.reason() + "); gave up after " + attempts
                                    + " attempts", 0, "", req.describe(), f));
                }
                cutShort[0] = 0; // "in a row": a malformed body is a different trouble
                throw new RetryableFailure("malformed line " + f.line() + " (" + f.reason() + ")", Optional.empty(),
                        attempts -> new ExportFormatException(req.label() + ": line " + f.line()
                                + " of the response is not a valid event (" + f.reason() + "); still so after "
                                + attempts + " attempts", q.from(), q.to(), f.line(), req.describe(), f));
            }
        };
    }
}
