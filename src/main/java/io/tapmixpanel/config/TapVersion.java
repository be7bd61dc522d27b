package io.tapmixpanel.config;

import java.io.IOException;
import java.io.InputStream;
import java.util.Properties;

/** The tap's version, filtered into a resource by Maven at build time. */
public final class TapVersion {
    private static final String VERSION = load();

    private TapVersion() {}

    public static String get() { return VERSION; }

    private static String load() {
        try (InputStream in = TapVersion.class.getResourceAsStream("/tap-mixpanel-version.properties")) {
            if (in == null) return "dev";
            Properties p = new Properties();
            p.load(in);
            String v = p.getProperty("version", "dev");
            return v.startsWith("${") ? "dev" : v;
        } catch (IOException e) {
            return "dev";
        }
    }
}
