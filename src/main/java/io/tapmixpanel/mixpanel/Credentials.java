package io.tapmixpanel.mixpanel;

import java.util.OptionalLong;

/** The two ways to authenticate to Mixpanel. toString never reveals a secret. */
public sealed interface Credentials permits Credentials.ServiceAccount, Credentials.ProjectSecret {

    /** HTTP Basic user:secret, plus the project id on export and query endpoints. */
    record ServiceAccount(String username, String secret, long projectId) implements Credentials {
        @Override
        public String toString() {
            return "ServiceAccount[username=" + username + ", secret=***, projectId=" + projectId + "]";
        }
    }

    /** Legacy project API secret; a project id is optional and enables app-API features. */
    record ProjectSecret(String secret, OptionalLong projectId) implements Credentials {
        @Override
        public String toString() {
            return "ProjectSecret[secret=***, projectId=" + projectId + "]";
        }
    }
}
