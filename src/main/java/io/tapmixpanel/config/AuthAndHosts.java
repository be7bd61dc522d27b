package io.tapmixpanel.config;

import io.tapmixpanel.log.Log;
import io.tapmixpanel.mixpanel.Credentials;
import io.tapmixpanel.mixpanel.Region;

import java.net.URI;
import java.util.Locale;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * Who the tap is and where it talks to (README "Configuration", authentication): the credentials, the
 * data-residency region, the optional host overrides of each API family, and the Data Views workspace that
 * service-account query calls name.
 */
public record AuthAndHosts(Credentials credentials, Region region, Optional<URI> apiBaseUrl,
                           Optional<URI> exportBaseUrl, Optional<URI> appBaseUrl, OptionalLong workspaceId) {

    static AuthAndHosts read(RawConfig c) {
        Credentials credentials = credentials(c);
        return new AuthAndHosts(credentials, region(c),
                c.url(Setting.API_BASE_URL), c.url(Setting.EXPORT_BASE_URL), c.url(Setting.APP_BASE_URL),
                workspaceId(c, credentials));
    }

    /** Mixpanel asks it of service accounts only; a project secret already names its project's data. */
    private static OptionalLong workspaceId(RawConfig c, Credentials credentials) {
        OptionalLong id = c.optionalLong(Setting.WORKSPACE_ID);
        if (id.isPresent() && !(credentials instanceof Credentials.ServiceAccount)) {
            Log.warning("config %s: workspace_id is only sent with a service account; ignored with api_secret",
                    c.fileOf(Setting.WORKSPACE_ID));
            return OptionalLong.empty();
        }
        return id;
    }

    private static Credentials credentials(RawConfig c) {
        Optional<String> secret = c.string(Setting.API_SECRET);
        Optional<String> user = c.string(Setting.SERVICE_ACCOUNT_USERNAME);
        Optional<String> saSecret = c.string(Setting.SERVICE_ACCOUNT_SECRET);
        OptionalLong projectId = c.optionalLong(Setting.PROJECT_ID);
        boolean serviceAccount = user.isPresent() || saSecret.isPresent();
        if (secret.isPresent() && serviceAccount) {
            throw new ConfigException(c.source(), "api_secret",
                    "both api_secret and a service account (service_account_username/service_account_secret) are set; use exactly one auth method");
        }
        if (secret.isPresent()) return new Credentials.ProjectSecret(secret.get(), projectId);
        if (!serviceAccount) {
            throw new ConfigException(c.source(), null,
                    "no credentials: set api_secret, or service_account_username + service_account_secret + project_id");
        }
        if (user.isEmpty()) throw new ConfigException(c.source(), "service_account_username", "required with service_account_secret");
        if (saSecret.isEmpty()) throw new ConfigException(c.source(), "service_account_secret", "required with service_account_username");
        if (projectId.isEmpty()) throw new ConfigException(c.source(), "project_id", "required with a service account");
        return new Credentials.ServiceAccount(user.get(), saSecret.get(), projectId.getAsLong());
    }

    private static Region region(RawConfig c) {
        Optional<String> region = c.string(Setting.REGION);
        boolean legacyEu = c.bool(Setting.EU_RESIDENCY) || c.bool(Setting.EU_RESIDENCY_SERVER);
        if (region.isEmpty()) return legacyEu ? Region.EU : Region.US;
        Region r;
        try {
            r = Region.valueOf(region.get().trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new ConfigException(c.fileOf(Setting.REGION), "region", "'" + region.get() + "' is not one of US, EU, IN");
        }
        if (legacyEu && r != Region.EU) {
            throw new ConfigException(c.source(), "region",
                    "region is " + r + " but eu_residency/eu_residency_server is true; remove one of them");
        }
        return r;
    }
}
