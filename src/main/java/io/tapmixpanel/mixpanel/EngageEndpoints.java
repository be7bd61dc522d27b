package io.tapmixpanel.mixpanel;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.io.JsonEOFException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tapmixpanel.mixpanel.http.ApiErrors;
import io.tapmixpanel.mixpanel.http.ApiFamily;
import io.tapmixpanel.mixpanel.http.ApiRequest;
import io.tapmixpanel.mixpanel.http.MixpanelJson;
import io.tapmixpanel.mixpanel.http.RetryableFailure;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * The engage endpoints of the query API: pages of user (or group) profiles, read in one streaming pass and
 * parsed only when written, and the profile properties discovery types the engage schema from.
 */
final class EngageEndpoints {
    private final ApiCalls calls;

    EngageEndpoints(ApiCalls calls) {
        this.calls = calls;
    }

    /** One page of profiles: POST form-encoded to {@code /api/2.0/engage} ({@code project_id} in the query). */
    EngagePage engage(EngageQuery q) {
        Map<String, String> form = new LinkedHashMap<>();
        q.where().ifPresent(w -> form.put("where", w));
        if (!q.outputProperties().isEmpty()) form.put("output_properties", ApiCalls.json(q.outputProperties()));
        q.sessionId().ifPresent(s -> form.put("session_id", s));
        form.put("page", Integer.toString(q.page()));
        q.pageSize().ifPresent(n -> form.put("page_size", Integer.toString(n)));
        q.filterByCohort().ifPresent(id -> form.put("filter_by_cohort", "{\"id\":" + id + "}"));
        q.dataGroupId().ifPresent(id -> form.put("data_group_id", Long.toString(id)));
        q.includeAllUsers().ifPresent(all -> form.put("include_all_users", Boolean.toString(all)));
        String label = "engage page " + q.page()
                + (q.filterByCohort().isPresent() ? " of cohort " + q.filterByCohort().getAsLong() : "")
                + (q.dataGroupId().isPresent() ? " of group key " + q.dataGroupId().getAsLong() : "");
        ApiRequest req = ApiRequest.post(ApiFamily.QUERY, calls.settings.apiRoot(), "/api/2.0/engage")
                .query(calls.queryApiParams()).form(form)
                .endpoint("engage").label(label).acceptGzip(true).sessionFollowUp(q.sessionId().isPresent());
        return calls.transport.execute(req, (body, attempt) -> engagePage(req, q, body.readAllBytes()));
    }

    /**
     * Reads an engage body's page fields and counts its profiles in one streaming pass, without building them: the
     * profiles are parsed from the kept bytes when the page is written ({@link EngagePage#results()}). The pass checks
     * the whole body, so a body cut short is retried and one that is not valid JSON fails here, as for any answer.
     */
    private static EngagePage engagePage(ApiRequest req, EngageQuery q, byte[] body) throws RetryableFailure {
        JsonNode page = null;
        JsonNode pageSize = null;
        JsonNode session = null;
        JsonNode total = null;
        JsonNode notArray = null;
        int profiles = -1;
        int resultsField = -1; // which "results" field counts: the last one, as in a tree of the body
        try (JsonParser p = MixpanelJson.MAPPER.createParser(body)) {
            JsonToken first = p.nextToken();
            if (first == null) throw ApiErrors.unexpected(req, "empty body");
            if (first != JsonToken.START_OBJECT) {
                p.skipChildren(); // invalid or cut-short JSON is reported as such first
                throw ApiErrors.unexpected(req, "not a JSON object");
            }
            for (int field = 0; p.nextToken() == JsonToken.FIELD_NAME; field++) {
                String name = p.currentName();
                JsonToken value = p.nextToken();
                if (name.equals("results") && value == JsonToken.START_ARRAY) {
                    int n = 0;
                    for (JsonToken t = p.nextToken(); t != JsonToken.END_ARRAY; t = p.nextToken()) {
                        if (t == JsonToken.START_OBJECT) n++; // anything else in the array is not a profile
                        p.skipChildren();
                    }
                    profiles = n;
                    resultsField = field;
                    notArray = null;
                    continue;
                }
                JsonNode v = MixpanelJson.MAPPER.readTree(p);
                switch (name) {
                    case "results" -> notArray = v;
                    case "page" -> page = v;
                    case "page_size" -> pageSize = v;
                    case "session_id" -> session = v;
                    case "total" -> total = v;
                    default -> { }
                }
            }
        } catch (JsonEOFException e) {
            throw new RetryableFailure("response cut short (" + e.getOriginalMessage() + ")", Optional.empty(),
                    attempts -> new MixpanelApiException(req.label() + ": the response was cut short on every one of "
                            + attempts + " attempts", 200, "", req.describe(), e));
        } catch (JsonProcessingException e) {
            throw new MixpanelApiException(req.label() + ": the response of " + req.describe()
                    + " is not valid JSON: " + e.getOriginalMessage(), 200, "", req.describe(), e);
        } catch (IOException e) {
            throw new UncheckedIOException(e); // a byte array does not fail to read
        }
        if (notArray != null || profiles < 0) throw ApiErrors.unexpected(req, "no results array");
        int field = resultsField;
        int size = profiles;
        return EngagePage.parsedWhenRead(
                page == null ? q.page() : page.asInt(q.page()),
                pageSize == null ? q.pageSize().orElse(1000) : pageSize.asInt(q.pageSize().orElse(1000)),
                session != null && !session.isNull() && !session.asText().isEmpty() ? Optional.of(session.asText()) : q.sessionId(),
                total != null && total.canConvertToLong() ? OptionalLong.of(total.asLong()) : OptionalLong.empty(),
                size, () -> profiles(body, field, size));
    }

    /** The profile objects of the {@code field}-th top-level field of a body {@link #engagePage} has checked. */
    private static List<ObjectNode> profiles(byte[] body, int field, int size) {
        List<ObjectNode> out = new ArrayList<>(size);
        try (JsonParser p = MixpanelJson.MAPPER.createParser(body)) {
            p.nextToken();
            for (int f = 0; f < field; f++) {
                p.nextToken();
                p.nextToken();
                p.skipChildren();
            }
            p.nextToken();
            p.nextToken();
            for (JsonToken t = p.nextToken(); t != JsonToken.END_ARRAY; t = p.nextToken()) {
                if (t == JsonToken.START_OBJECT) out.add(MixpanelJson.MAPPER.readTree(p));
                else p.skipChildren();
            }
        } catch (IOException e) {
            throw new UncheckedIOException("engage body changed after it was checked", e);
        }
        return out;
    }

    /** Profile property name → reported type ({@code string, number, boolean, datetime, object, list}); "string" when none is reported. */
    Map<String, String> engageProperties() {
        ApiRequest req = calls.queryApi("/api/2.0/engage/properties").query("limit", "2000")
                .endpoint("engage/properties").label("engage properties");
        JsonNode results = calls.fetchObject(req).path("results");
        if (!results.isObject()) throw ApiErrors.unexpected(req, "no results object");
        Map<String, String> types = new LinkedHashMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = results.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            types.put(e.getKey(), e.getValue().path("type").asText("string"));
        }
        return types;
    }
}
