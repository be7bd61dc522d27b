package io.tapmixpanel.mixpanel;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tapmixpanel.log.Log;
import io.tapmixpanel.mixpanel.http.ApiErrors;
import io.tapmixpanel.mixpanel.http.ApiRequest;
import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The query API's reports and lists ({@code /api/2.0/...}): saved funnels and their days, revenue by day, cohorts,
 * and the top event properties discovery names export's columns from. Lists asked for more than once in a run
 * (funnels, cohorts) are kept for the client's life.
 */
final class QueryEndpoints {
    private final ApiCalls calls;
    private final AtomicReference<List<Funnel>> funnels = new AtomicReference<>();
    private final AtomicReference<List<Cohort>> cohorts = new AtomicReference<>();

    QueryEndpoints(ApiCalls calls) {
        this.calls = calls;
    }

    /** Event property names across all events ({@code events/properties/top?limit=2000}). */
    List<String> topEventProperties() {
        ApiRequest req = calls.queryApi("/api/2.0/events/properties/top").query("limit", "2000")
                .endpoint("events/properties/top").label("event properties");
        JsonNode n = calls.fetchObject(req);
        List<String> names = new ArrayList<>(n.size());
        n.fieldNames().forEachRemaining(names::add);
        return names;
    }

    /**
     * Saved funnels ({@code funnels/list}). The answer is kept for the client's life (one run): the plan logged before
     * syncing and the funnels stream read it once. A failure is not kept.
     */
    List<Funnel> funnels() {
        return ApiCalls.kept(funnels, this::fetchFunnels);
    }

    private List<Funnel> fetchFunnels() {
        ApiRequest req = calls.queryApi("/api/2.0/funnels/list").endpoint("funnels/list").label("funnel list");
        JsonNode n = calls.fetchJson(req);
        if (!n.isArray()) throw ApiErrors.unexpected(req, "not a JSON array");
        List<Funnel> out = new ArrayList<>(n.size());
        for (JsonNode f : n) out.add(new Funnel(f.path("funnel_id").asLong(), f.path("name").asText("")));
        return List.copyOf(out);
    }

    /** One funnel by day over the inclusive range, in date order, without the {@code $overall} summary. */
    List<FunnelDay> funnel(long funnelId, LocalDate from, LocalDate to) {
        ApiRequest req = calls.queryApi("/api/2.0/funnels")
                .query("funnel_id", Long.toString(funnelId)).query("unit", "day").query(ApiCalls.dateRange(from, to))
                .endpoint("funnels").label("funnel " + funnelId + " " + from + ".." + to);
        JsonNode data = calls.fetchObject(req).path("data");
        if (data.isMissingNode() || data.isNull()) return List.of();
        if (!data.isObject()) throw ApiErrors.unexpected(req, "data is not an object");
        TreeMap<LocalDate, JsonNode> days = byDay(req, data);
        List<FunnelDay> out = new ArrayList<>(days.size());
        days.forEach((date, day) -> out.add(new FunnelDay(date, day.path("steps"), day.path("analysis"))));
        return out;
    }

    /** Revenue by day ({@code engage/revenue?unit=day}), in date order, without {@code $overall}. */
    List<RevenueDay> revenue(LocalDate from, LocalDate to) {
        ApiRequest req = calls.queryApi("/api/2.0/engage/revenue").query("unit", "day").query(ApiCalls.dateRange(from, to))
                .endpoint("engage/revenue").label("revenue " + from + ".." + to);
        JsonNode results = calls.fetchObject(req).path("results");
        if (results.isMissingNode() || results.isNull()) return List.of();
        if (!results.isObject()) throw ApiErrors.unexpected(req, "results is not an object");
        TreeMap<LocalDate, JsonNode> days = byDay(req, results);
        List<RevenueDay> out = new ArrayList<>(days.size());
        days.forEach((date, day) -> out.add(new RevenueDay(date, day.path("amount"), day.path("count"), day.path("paid_count"))));
        return out;
    }

    /**
     * Cohorts ({@code cohorts/list}) with every field Mixpanel sent, kept for the client's life (one run) like
     * {@link #funnels()}: the plan, cohorts and cohort_members share one answer.
     */
    List<Cohort> cohorts() {
        return ApiCalls.kept(cohorts, this::fetchCohorts);
    }

    private List<Cohort> fetchCohorts() {
        // POST, as Mixpanel's spec and its own client send it (the older GET is still answered, but is not the API).
        ApiRequest req = calls.queryApiPost("/api/2.0/cohorts/list").endpoint("cohorts/list").label("cohort list");
        JsonNode n = calls.fetchJson(req);
        if (!n.isArray()) throw ApiErrors.unexpected(req, "not a JSON array");
        List<Cohort> out = new ArrayList<>(n.size());
        for (JsonNode c : n) {
            if (c instanceof ObjectNode o) out.add(new Cohort(o));
        }
        return List.copyOf(out);
    }
    private static TreeMap<LocalDate, JsonNode> byDay(ApiRequest req, JsonNode object) {
        TreeMap<LocalDate, JsonNode> days = new TreeMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = object.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            if (e.getKey().startsWith("$")) continue; // $overall: a summary, not a day
            try {
                days.put(LocalDate.parse(e.getKey()), e.getValue());
            } catch (DateTimeParseException notADay) {
                Log.warning("%s", req.label() + ": ignoring key '" + e.getKey() + "', not a yyyy-mm-dd day");
            }
        }
        return days;
    }
}
