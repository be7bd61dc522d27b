package io.tapmixpanel.mixpanel;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tapmixpanel.mixpanel.http.ApiErrors;
import io.tapmixpanel.mixpanel.http.ApiFamily;
import io.tapmixpanel.mixpanel.http.ApiRequest;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.atomic.AtomicReference;

/**
 * What the app API says of the project ({@code /api/app/me}: name, timezone, workspaces) and its annotations
 * (app API v2, or the legacy query endpoint when only a project secret is at hand). The app API accepts service
 * accounts only (Mixpanel's specs: {@code security: ServiceAccount}), so a project secret is never sent there
 * (docs/migrating.md "Project secrets retire on 2027-03-03").
 */
final class ProjectEndpoints {
    private final ApiCalls calls;
    private final AtomicReference<JsonNode> meResults = new AtomicReference<>();

    ProjectEndpoints(ApiCalls calls) {
        this.calls = calls;
    }

    /** {@code results} of {@code /api/app/me}, kept for the client's life (timezone lookup and governance scope share it). */
    JsonNode meResults() {
        return ApiCalls.kept(meResults, () -> {
            ApiRequest req = ApiRequest.get(ApiFamily.APP, calls.settings.appRoot(), "/api/app/me")
                    .endpoint("me").label("project info");
            return calls.fetchObject(req).path("results");
        });
    }

    /**
     * The configured project as {@code /api/app/me} describes it; empty without a service account (no call) or
     * when the account does not list the project. HTTP errors propagate.
     */
    Optional<ProjectInfo> me() {
        if (!(calls.settings.credentials() instanceof Credentials.ServiceAccount sa)) return Optional.empty();
        OptionalLong project = OptionalLong.of(sa.projectId());
        JsonNode p = meResults().path("projects").path(Long.toString(project.getAsLong()));
        if (!p.isObject()) return Optional.empty();
        return Optional.of(new ProjectInfo(project.getAsLong(), p.path("name").asText(""),
                p.path("timezone").asText(""), p.path("domain").asText("")));
    }

    /**
     * Annotations of the inclusive date range: from the app API v2 with a service account (it has user and
     * tags), else from the legacy {@code /api/2.0/annotations}, the one a project secret may read. Every field is kept.
     */
    List<Annotation> annotations(LocalDate from, LocalDate to) {
        if (calls.settings.credentials() instanceof Credentials.ServiceAccount sa) {
            return annotations(from, to, OptionalLong.of(sa.projectId()));
        }
        return annotations(from, to, OptionalLong.empty());
    }

    private List<Annotation> annotations(LocalDate from, LocalDate to, OptionalLong project) {
        ApiRequest req;
        String arrayField;
        if (project.isPresent()) {
            Map<String, String> p = new LinkedHashMap<>();
            p.put("fromDate", from.toString());
            p.put("toDate", to.toString());
            req = ApiRequest.get(ApiFamily.APP, calls.settings.appRoot(), "/api/app/projects/" + project.getAsLong() + "/annotations")
                    .query(p);
            arrayField = "results";
        } else {
            req = calls.queryApi("/api/2.0/annotations").query(ApiCalls.dateRange(from, to));
            arrayField = "annotations";
        }
        req = req.endpoint("annotations").label("annotations " + from + ".." + to);
        JsonNode array = calls.fetchObject(req).path(arrayField);
        if (!array.isArray()) throw ApiErrors.unexpected(req, "no " + arrayField + " array");
        List<Annotation> out = new ArrayList<>(array.size());
        for (JsonNode a : array) {
            if (a instanceof ObjectNode o) out.add(new Annotation(o));
        }
        return out;
    }
}
