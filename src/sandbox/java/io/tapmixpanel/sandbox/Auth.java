package io.tapmixpanel.sandbox;

import java.nio.charset.StandardCharsets;
import java.util.Base64;

/**
 * Checks a request's credentials and project (docs/sandbox.md "Credentials"): the project secret or the
 * service account on export/query (a service account must name the project), the service account only on the
 * app API, whose project (or workspace) id is in the path.
 */
final class Auth {
    private final SandboxOptions opt;
    private final Governance gov;

    Auth(SandboxOptions opt, Governance gov) {
        this.opt = opt;
        this.gov = gov;
    }

    /** Sets {@link Request#serviceAccount}, or throws 401/403/400. */
    void check(Request q) {
        String h = q.ex.getRequestHeaders().getFirst("Authorization");
        if (h == null || h.length() < 6 || !h.regionMatches(true, 0, "Basic ", 0, 6))
            throw new ApiError(401, "Unable to authenticate request: HTTP Basic credentials required");
        String decoded;
        try {
            decoded = new String(Base64.getDecoder().decode(h.substring(6).trim()), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            throw new ApiError(401, "Unable to authenticate request");
        }
        int c = decoded.indexOf(':');
        String user = c < 0 ? decoded : decoded.substring(0, c);
        String pass = c < 0 ? "" : decoded.substring(c + 1);
        if (c >= 0 && user.equals(opt.serviceAccountUser) && pass.equals(opt.serviceAccountSecret)) q.serviceAccount = true;
        else if (user.equals(opt.apiSecret) && pass.isEmpty()) q.serviceAccount = false;
        else throw new ApiError(401, "Unable to authenticate request");

        if (q.family == Request.Family.APP) {
            // Mixpanel's app API spec accepts service accounts only: a project secret is no credential there
            if (!q.serviceAccount) throw new ApiError(401, "Unable to authenticate request: this endpoint requires a service account");
            if (q.endpoint.startsWith("projects/")) {
                String id = q.endpoint.split("/")[1];
                if (!id.equals(Long.toString(opt.projectId))) throw new ApiError(403, "You do not have access to project " + id);
            }
            if (q.endpoint.startsWith("workspaces/")) {
                String id = q.endpoint.split("/")[1];
                if (!gov.hasWorkspace(id)) throw new ApiError(403, "You do not have access to workspace " + id);
            }
            return;
        }
        String pid = q.p("project_id");
        if (q.serviceAccount && (pid == null || pid.isEmpty()))
            throw new ApiError(400, "project_id is required when authenticating with a service account");
        if (pid != null && !pid.isEmpty() && !pid.trim().equals(Long.toString(opt.projectId)))
            throw new ApiError(403, "You do not have access to project_id: " + pid);
    }
}
