package io.tapmixpanel.mixpanel;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Objects;
import java.util.OptionalLong;

/**
 * How the tap authenticates: a service account (recommended) or a legacy project API secret.
 * {@link #toString()} never shows a secret, so a credential can be logged or put in an exception safely.
 */
public sealed interface Credentials permits Credentials.ServiceAccount, Credentials.ProjectSecret {

    /** The project id, when known: always for a service account, optionally for a project secret (where only error messages name it). */
    OptionalLong knownProjectId();

    /** The value of the {@code Authorization} header. Never log it. */
    String authorizationHeader();

    /** Short, secret-free name of the auth method, for error messages. */
    String describe();

    /** HTTP Basic {@code username:secret}; export and query endpoints also get {@code project_id}. */
    record ServiceAccount(String username, String secret, long projectId) implements Credentials {
        public ServiceAccount {
            Objects.requireNonNull(username, "username");
            Objects.requireNonNull(secret, "secret");
        }

        @Override public OptionalLong knownProjectId() { return OptionalLong.of(projectId); }

        @Override public String authorizationHeader() { return basic(username + ":" + secret); }

        @Override public String describe() { return "service account " + username; }

        @Override public String toString() {
            return "ServiceAccount[username=" + username + ", secret=***, projectId=" + projectId + "]";
        }
    }

    /**
     * HTTP Basic with the secret as user name and an empty password ({@code base64(secret:)}). A project id is
     * optional and only named in error messages: the app API (Lexicon schemas, annotations v2, /me) accepts
     * service accounts only, so a project secret is never sent there. Mixpanel retires project secrets on 2027-03-03.
     */
    record ProjectSecret(String secret, OptionalLong projectId) implements Credentials {
        public ProjectSecret {
            Objects.requireNonNull(secret, "secret");
            Objects.requireNonNull(projectId, "projectId");
        }

        @Override public OptionalLong knownProjectId() { return projectId; }

        @Override public String authorizationHeader() { return basic(secret + ":"); }

        @Override public String describe() { return "project API secret"; }

        @Override public String toString() {
            return "ProjectSecret[secret=***, projectId=" + (projectId.isPresent() ? projectId.getAsLong() : "none") + "]";
        }
    }

    private static String basic(String userColonPassword) {
        return "Basic " + Base64.getEncoder().encodeToString(userColonPassword.getBytes(StandardCharsets.UTF_8));
    }
}
