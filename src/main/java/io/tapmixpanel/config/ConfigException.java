package io.tapmixpanel.config;

/**
 * A problem with the user's config: names the file(s), the key and what is wrong, in one line.
 * The cli turns it into exit code 2. Messages never contain a secret value.
 */
public class ConfigException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public ConfigException(String file, String key, String problem) {
        super(format(file, key, problem));
    }

    private static String format(String file, String key, String problem) {
        StringBuilder sb = new StringBuilder("config ").append(file).append(": ");
        if (key != null && !key.isEmpty()) sb.append(key).append(": ");
        return sb.append(problem).toString();
    }
}
