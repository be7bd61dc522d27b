package io.tapmixpanel.mixpanel;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import io.tapmixpanel.mixpanel.http.ApiErrors;
import io.tapmixpanel.mixpanel.http.ApiFamily;
import io.tapmixpanel.mixpanel.http.ApiRequest;
import io.tapmixpanel.mixpanel.http.HttpTransport;
import io.tapmixpanel.mixpanel.http.MixpanelJson;
import java.time.LocalDate;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;

/**
 * What every endpoint family shares: the settings, the one {@link HttpTransport}, and how a request is addressed
 * for the configured credentials. {@code project_id} goes on export and query requests only for a service
 * account: that is what Mixpanel requires, and a project secret already names its project (sending an id that
 * does not match it could only turn a working config into a 403). App API paths carry the project id for both
 * kinds of credentials.
 */
final class ApiCalls {
    final ClientSettings settings;
    final HttpTransport transport;

    ApiCalls(ClientSettings settings, HttpTransport transport) {
        this.settings = settings;
        this.transport = transport;
    }

    Credentials credentials() { return settings.credentials(); }

    Map<String, String> serviceAccountParams() {
        if (settings.credentials() instanceof Credentials.ServiceAccount sa) {
            return Map.of("project_id", Long.toString(sa.projectId()));
        }
        return Map.of();
    }

    /**
     * {@code project_id} and, when set, the Data Views {@code workspace_id}, for a service account's query-API
     * calls (not export's: Mixpanel asks it of query calls only); nothing for a project secret.
     */
    Map<String, String> queryApiParams() {
        Map<String, String> p = serviceAccountParams();
        if (p.isEmpty() || settings.workspaceId().isEmpty()) return p;
        Map<String, String> all = new LinkedHashMap<>(p);
        all.put("workspace_id", Long.toString(settings.workspaceId().getAsLong()));
        return all;
    }

    /** A GET of the query API, {@code project_id} (and {@code workspace_id}) first when the credentials need them. */
    ApiRequest queryApi(String path) {
        return ApiRequest.get(ApiFamily.QUERY, settings.apiRoot(), path).query(queryApiParams());
    }

    /**
     * A POST of the query API, {@code project_id} (and {@code workspace_id}) in the query string as for {@link #queryApi}
     * and engage; its other parameters, if any, go in the form body.
     */
    ApiRequest queryApiPost(String path) {
        return ApiRequest.post(ApiFamily.QUERY, settings.apiRoot(), path).query(queryApiParams());
    }

    /** The JSON answer of {@code req}, whatever its shape. */
    JsonNode fetchJson(ApiRequest req) {
        return transport.fetchJson(req);
    }

    /** The JSON answer of {@code req}, which must be an object. */
    JsonNode fetchObject(ApiRequest req) {
        return requireObject(req, transport.fetchJson(req));
    }

    /** {@link #fetchObject} given one attempt only ({@link HttpTransport#fetchJsonOnce}). */
    JsonNode fetchObjectOnce(ApiRequest req) {
        return requireObject(req, transport.fetchJsonOnce(req));
    }

    static Map<String, String> dateRange(LocalDate from, LocalDate to) {
        Map<String, String> p = new LinkedHashMap<>();
        p.put("from_date", from.toString());
        p.put("to_date", to.toString());
        return p;
    }

    static String json(Object value) {
        try {
            return MixpanelJson.MAPPER.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException(e);
        }
    }

    static JsonNode requireObject(ApiRequest req, JsonNode n) {
        if (!n.isObject()) throw ApiErrors.unexpected(req, "not a JSON object");
        return n;
    }

    /** An answer read once per client: the kept answer, else a fetched one (kept unless fetching failed). */
    static <T> T kept(AtomicReference<T> answer, Supplier<T> fetch) {
        T known = answer.get();
        if (known != null) return known;
        T fetched = fetch.get();
        answer.compareAndSet(null, fetched);
        return answer.get();
    }
}
