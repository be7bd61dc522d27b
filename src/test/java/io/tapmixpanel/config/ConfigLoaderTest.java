package io.tapmixpanel.config;

import io.tapmixpanel.mixpanel.Credentials;
import io.tapmixpanel.mixpanel.Region;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ConfigLoaderTest {
    @TempDir
    Path dir;

    private Path write(String name, String json) throws IOException {
        Path p = dir.resolve(name);
        Files.writeString(p, json);
        return p;
    }

    private TapConfig load(String json) throws IOException {
        return ConfigLoader.load(List.of(write("c.json", json)));
    }

    private ConfigException error(String json) throws IOException {
        Path p = write("c.json", json);
        return assertThrows(ConfigException.class, () -> ConfigLoader.load(List.of(p)));
    }

    @Test
    void minimalProjectSecretConfigGetsEveryDefault() throws IOException {
        TapConfig c = load("{\"api_secret\":\"s3cr3t\",\"start_date\":\"2024-01-01T00:00:00Z\"}");
        assertTrue(c.authAndHosts().credentials() instanceof Credentials.ProjectSecret);
        assertEquals(Region.US, c.authAndHosts().region());
        assertEquals(5, c.windows().attributionWindow());
        assertEquals(30, c.windows().dateWindowSize());
        assertTrue(c.selectPropertiesByDefault());
        assertTrue(c.output().activateVersion(), "docs/activate-version.md \"ACTIVATE_VERSION\": on by default");
        assertFalse(c.export().timeInProjectTimezone());
        assertTrue(c.export().gzip());
        assertEquals(Duration.ofSeconds(300), c.http().requestTimeout());
        assertEquals(HttpOptions.DEFAULT_MAX_CONCURRENT_REQUESTS, c.http().maxConcurrentRequests());
        assertTrue(c.http().userAgent().startsWith("tap-mixpanel/"));
        assertTrue(c.windows().projectTimezone().isEmpty());
        assertTrue(c.windows().endDate().isEmpty());
        assertEquals(List.of(), c.export().events());
    }

    @Test
    void stringFormsOfNumbersAndBooleansAreAccepted() throws IOException {
        TapConfig c = load("{\"api_secret\":\"s\",\"start_date\":\"2024-01-01\",\"attribution_window\":\"7\","
                + "\"date_window_size\":\"10\",\"select_properties_by_default\":\"false\",\"request_timeout\":\"60\","
                + "\"export_time_in_project_timezone\":\"TRUE\",\"project_id\":\"42\",\"max_concurrent_requests\":\"3\"}");
        assertEquals(7, c.windows().attributionWindow());
        assertEquals(10, c.windows().dateWindowSize());
        assertFalse(c.selectPropertiesByDefault());
        assertTrue(c.export().timeInProjectTimezone());
        assertEquals(Duration.ofSeconds(60), c.http().requestTimeout());
        assertEquals(3, c.http().maxConcurrentRequests());
        assertEquals(42L, ((Credentials.ProjectSecret) c.authAndHosts().credentials()).projectId().getAsLong());
        assertEquals(LocalDate.of(2024, 1, 1), c.windows().startDate().localDate(ZoneId.of("UTC")));
    }

    @Test
    void activateVersionFalseInEitherFormTurnsItOffAndAnythingElseIsNamed() throws IOException {
        String base = "\"api_secret\":\"s\",\"start_date\":\"2024-01-01\",";
        assertFalse(load("{" + base + "\"activate_version\":false}").output().activateVersion());
        assertFalse(load("{" + base + "\"activate_version\":\"false\"}").output().activateVersion());
        assertEquals("config " + dir.resolve("c.json") + ": activate_version: 'sometimes' is not true or false",
                error("{" + base + "\"activate_version\":\"sometimes\"}").getMessage());
    }

    @Test
    void serviceAccountNeedsProjectId() throws IOException {
        TapConfig c = load("{\"service_account_username\":\"u\",\"service_account_secret\":\"p\",\"project_id\":7,\"start_date\":\"2024-01-01\"}");
        assertEquals(new Credentials.ServiceAccount("u", "p", 7), c.authAndHosts().credentials());
        ConfigException e = error("{\"service_account_username\":\"u\",\"service_account_secret\":\"p\",\"start_date\":\"2024-01-01\"}");
        assertEquals("config " + dir.resolve("c.json") + ": project_id: required with a service account", e.getMessage());
    }

    @Test
    void bothAuthMethodsAreAnError() throws IOException {
        ConfigException e = error("{\"api_secret\":\"topsecret\",\"service_account_username\":\"u\",\"service_account_secret\":\"p\",\"project_id\":1,\"start_date\":\"2024-01-01\"}");
        assertTrue(e.getMessage().contains("use exactly one auth method"), e.getMessage());
        assertFalse(e.getMessage().contains("topsecret"));
    }

    @Test
    void neitherAuthMethodIsAnError() throws IOException {
        ConfigException e = error("{\"start_date\":\"2024-01-01\"}");
        assertTrue(e.getMessage().contains("no credentials: set api_secret"), e.getMessage());
    }

    @Test
    void missingStartDateNamesTheKey() throws IOException {
        ConfigException e = error("{\"api_secret\":\"s\"}");
        assertTrue(e.getMessage().endsWith("c.json: start_date: required (an RFC 3339 date-time like 2024-01-01T00:00:00Z, or 2024-01-01)"), e.getMessage());
    }

    @Test
    void badValuesNameFileKeyAndValue() throws IOException {
        String base = "\"api_secret\":\"s\",\"start_date\":\"2024-01-01\",";
        assertEquals("config " + dir.resolve("c.json") + ": region: 'MARS' is not one of US, EU, IN",
                error("{" + base + "\"region\":\"MARS\"}").getMessage());
        assertTrue(error("{" + base + "\"project_timezone\":\"Mars/Base\"}").getMessage()
                .contains("project_timezone: 'Mars/Base' is not an IANA time zone"));
        assertTrue(error("{" + base + "\"date_window_size\":\"thirty\"}").getMessage()
                .contains("date_window_size: 'thirty' is not a whole number"));
        assertTrue(error("{" + base + "\"date_window_size\":0}").getMessage()
                .contains("date_window_size: '0' is out of range (1 to 3650)"));
        assertTrue(error("{" + base + "\"attribution_window\":-1}").getMessage()
                .contains("attribution_window: '-1' is out of range"));
        assertTrue(error("{" + base + "\"select_properties_by_default\":\"maybe\"}").getMessage()
                .contains("select_properties_by_default: 'maybe' is not true or false"));
        assertTrue(error("{\"api_secret\":\"s\",\"start_date\":\"yesterday\"}").getMessage()
                .contains("start_date: 'yesterday' is not an RFC 3339 date-time"));
        assertTrue(error("{\"api_secret\":\"s\",\"start_date\":\"1999-12-31\"}").getMessage()
                .contains("is before 2000"));
        assertTrue(error("{" + base + "\"end_date\":\"2023-01-01\"}").getMessage()
                .contains("end_date: '2023-01-01' is before start_date '2024-01-01'"));
        assertTrue(error("{" + base + "\"api_base_url\":\"ftp://x\"}").getMessage()
                .contains("api_base_url: 'ftp://x' is not an http(s) URL"));
        assertTrue(error("{" + base + "\"export_events\":42}").getMessage()
                .contains("export_events: '42' is not a list of event names or a comma-separated string"));
    }

    @Test
    void aSecretOfTheWrongTypeIsNotEchoed() throws IOException {
        ConfigException e = error("{\"api_secret\":{\"x\":\"hunter2\"},\"start_date\":\"2024-01-01\"}");
        assertEquals("config " + dir.resolve("c.json") + ": api_secret: (hidden) is not a string", e.getMessage());
    }

    @Test
    void unreadableAndMalformedFilesAreNamed() throws IOException {
        Path missing = dir.resolve("nope.json");
        ConfigException e = assertThrows(ConfigException.class, () -> ConfigLoader.load(List.of(missing)));
        assertEquals("config " + missing + ": cannot read: no such file", e.getMessage());
        ConfigException bad = error("{\"api_secret\": \"s\",\n \"start_date\": }");
        assertTrue(bad.getMessage().startsWith("config " + dir.resolve("c.json") + ": malformed JSON at line 2"), bad.getMessage());
        assertTrue(error("[1,2]").getMessage().endsWith("must be a JSON object, found array"));
        assertTrue(error("").getMessage().endsWith("is empty, expected a JSON object"));
    }

    @Test
    void laterConfigFilesWinKeyByKey() throws IOException {
        Path a = write("a.json", "{\"api_secret\":\"s\",\"start_date\":\"2024-01-01\",\"date_window_size\":10}");
        Path b = write("b.json", "{\"date_window_size\":\"2\",\"region\":\"eu\"}");
        TapConfig c = ConfigLoader.load(List.of(a, b));
        assertEquals(2, c.windows().dateWindowSize());
        assertEquals(Region.EU, c.authAndHosts().region());
        ConfigException e = assertThrows(ConfigException.class,
                () -> ConfigLoader.load(List.of(a, write("d.json", "{\"region\":\"XX\"}"))));
        assertTrue(e.getMessage().startsWith("config " + dir.resolve("d.json") + ": region:"), e.getMessage());
    }

    @Test
    void legacyEuResidencyMeansEu() throws IOException {
        assertEquals(Region.EU, load("{\"api_secret\":\"s\",\"start_date\":\"2024-01-01\",\"eu_residency\":\"true\"}").authAndHosts().region());
        assertEquals(Region.EU, load("{\"api_secret\":\"s\",\"start_date\":\"2024-01-01\",\"eu_residency_server\":true}").authAndHosts().region());
        assertEquals(Region.US, load("{\"api_secret\":\"s\",\"start_date\":\"2024-01-01\",\"eu_residency\":false}").authAndHosts().region());
    }

    @Test
    void exportEventsAcceptListOrCommaString() throws IOException {
        assertEquals(List.of("A", "B c"), load("{\"api_secret\":\"s\",\"start_date\":\"2024-01-01\",\"export_events\":\"A, B c\"}").export().events());
        assertEquals(List.of("A", "B"), load("{\"api_secret\":\"s\",\"start_date\":\"2024-01-01\",\"export_events\":[\"A\",\"B\"]}").export().events());
    }

    @Test
    void emptyStringsMeanNotSet() throws IOException {
        TapConfig c = load("{\"api_secret\":\"s\",\"start_date\":\"2024-01-01\",\"end_date\":\"\",\"project_timezone\":\"\",\"service_account_username\":\"\"}");
        assertTrue(c.windows().endDate().isEmpty());
        assertTrue(c.windows().projectTimezone().isEmpty());
    }

    @Test
    void hourlyBudgetsDefaultToMixpanelsSixtyPerHourAndNoWorkspace() throws IOException {
        TapConfig c = load("{\"api_secret\":\"s\",\"start_date\":\"2024-01-01\"}");
        assertEquals(60, c.http().exportRequestsPerWindow());
        assertEquals(60, c.http().queryRequestsPerWindow());
        assertEquals(Duration.ofSeconds(3600), c.http().rateLimitWindow());
        assertTrue(c.authAndHosts().workspaceId().isEmpty());
    }

    @Test
    void hourlyBudgetsWindowAndWorkspaceAreRead() throws IOException {
        TapConfig c = load("{\"service_account_username\":\"u\",\"service_account_secret\":\"p\",\"project_id\":7,"
                + "\"start_date\":\"2024-01-01\",\"export_requests_per_hour\":\"400\",\"query_requests_per_hour\":8,"
                + "\"rate_limit_window_seconds\":15,\"workspace_id\":\"3141\"}");
        assertEquals(400, c.http().exportRequestsPerWindow());
        assertEquals(8, c.http().queryRequestsPerWindow());
        assertEquals(Duration.ofSeconds(15), c.http().rateLimitWindow());
        assertEquals(3141L, c.authAndHosts().workspaceId().getAsLong());
    }

    @Test
    void badBudgetsWindowsAndWorkspacesNameFileKeyAndValue() throws IOException {
        String base = "\"service_account_username\":\"u\",\"service_account_secret\":\"p\",\"project_id\":7,\"start_date\":\"2024-01-01\",";
        String file = "config " + dir.resolve("c.json") + ": ";
        assertEquals(file + "query_requests_per_hour: '0' is out of range (1 to 1000000)",
                error("{" + base + "\"query_requests_per_hour\":0}").getMessage());
        assertEquals(file + "export_requests_per_hour: 'many' is not a whole number",
                error("{" + base + "\"export_requests_per_hour\":\"many\"}").getMessage());
        assertEquals(file + "rate_limit_window_seconds: '-5' is out of range (1 to 86400)",
                error("{" + base + "\"rate_limit_window_seconds\":-5}").getMessage());
        assertEquals(file + "workspace_id: 'main' is not a whole number",
                error("{" + base + "\"workspace_id\":\"main\"}").getMessage());
        assertEquals(file + "workspace_id: '0' must be a positive number",
                error("{" + base + "\"workspace_id\":0}").getMessage());
    }

    @Test
    void aWorkspaceIdWithAProjectSecretIsIgnored() throws IOException {
        TapConfig c = load("{\"api_secret\":\"s\",\"start_date\":\"2024-01-01\",\"workspace_id\":5}");
        assertTrue(c.authAndHosts().workspaceId().isEmpty());
    }

    @Test
    void editDistanceFindsLikelyTypos() {
        assertEquals(1, ConfigLoader.editDistance("atribution_window", "attribution_window"));
        assertTrue(ConfigLoader.editDistance("some_other_tool_key", "start_date") > 2);
    }

    private static final String BASE = "\"api_secret\":\"s3cr3t\",\"start_date\":\"2024-01-01\",";

    @Test
    void baseUrlsWithAPortOutOfRangeUserInfoAQueryOrAFragmentAreRefusedNamingTheKey() throws IOException {
        String[][] cases = {
                {"api_base_url", "http://127.0.0.1:99999", "has port '99999', which is not a port number (1 to 65535)"},
                {"api_base_url", "http://127.0.0.1:0", "has port '0'"},
                {"export_base_url", "https://127.0.0.1:123456789012", "has port '123456789012'"},
                {"app_base_url", "http://127.0.0.1:", "has port ''"},
                {"api_base_url", "https://proxy.example/mixpanel?project_id=1", "has a query ('?...')"},
                {"export_base_url", "https://proxy.example/?", "has a query"},
                {"app_base_url", "https://proxy.example/#top", "has a fragment ('#...')"},
                {"api_base_url", "http://admin:hunter2-pw@127.0.0.1:8080", "'http://***@127.0.0.1:8080' has a user name or password in it"},
                {"export_base_url", "http://token@127.0.0.1", "'http://***@127.0.0.1' has a user name or password"},
        };
        for (String[] c : cases) {
            String msg = error("{" + BASE + "\"" + c[0] + "\":\"" + c[1] + "\"}").getMessage();
            assertTrue(msg.contains(c[0] + ": ") && msg.contains(c[2]), () -> c[1] + ": " + msg);
            assertFalse(msg.contains("hunter2") || msg.contains("token@"), msg);
        }
    }

    @Test
    void baseUrlsWithAPortAndAPathPrefixAreKept() throws IOException {
        TapConfig c = load("{" + BASE + "\"api_base_url\":\"http://127.0.0.1:65535/mixpanel/\","
                + "\"export_base_url\":\"https://[::1]:8443\",\"app_base_url\":\"https://eu.mixpanel.com\"}");
        assertEquals("http://127.0.0.1:65535/mixpanel", c.authAndHosts().apiBaseUrl().orElseThrow().toString());
        assertEquals(8443, c.authAndHosts().exportBaseUrl().orElseThrow().getPort());
        assertEquals("eu.mixpanel.com", c.authAndHosts().appBaseUrl().orElseThrow().getHost());
    }

    @Test
    void aStartDateAfterTheYear9999IsRefused() throws IOException {
        assertTrue(error("{\"api_secret\":\"s\",\"start_date\":\"+10000-01-01T00:00:00Z\"}").getMessage()
                .contains("start_date: '+10000-01-01T00:00:00Z' is after the year 9999"));
    }

    @Test
    void aStartDateInTheFutureWarnsOnceOnOneLine() throws IOException {
        java.io.ByteArrayOutputStream err = new java.io.ByteArrayOutputStream();
        io.tapmixpanel.log.Log.redirect(new java.io.PrintStream(err, true, java.nio.charset.StandardCharsets.UTF_8));
        try {
            load("{\"api_secret\":\"s\",\"start_date\":\"2999-01-01\"}");
            load("{\"api_secret\":\"s\",\"start_date\":\"2999-01-01T00:00:00Z\"}");
            load("{\"api_secret\":\"s\",\"start_date\":\"2024-01-01\"}");
        } finally {
            io.tapmixpanel.log.Log.redirect(System.err);
        }
        List<String> lines = err.toString(java.nio.charset.StandardCharsets.UTF_8).lines().toList();
        assertEquals(2, lines.size(), lines::toString);
        assertTrue(lines.get(0).startsWith("WARNING config ") && lines.get(0).contains(
                "start_date '2999-01-01' is in the future: streams without a bookmark have nothing to read"), lines.get(0));
    }

    @Test
    void aStartDateThatIsTodaySomewhereDoesNotWarn() throws IOException {
        java.io.ByteArrayOutputStream err = new java.io.ByteArrayOutputStream();
        io.tapmixpanel.log.Log.redirect(new java.io.PrintStream(err, true, java.nio.charset.StandardCharsets.UTF_8));
        try {
            load("{\"api_secret\":\"s\",\"start_date\":\"" + LocalDate.now(java.time.ZoneOffset.MAX) + "\"}");
        } finally {
            io.tapmixpanel.log.Log.redirect(System.err);
        }
        assertEquals("", err.toString(java.nio.charset.StandardCharsets.UTF_8));
    }

    @Test
    void aConfigFileOverTheSizeLimitIsRefusedBeforeItIsRead() throws IOException {
        Path big = dir.resolve("target-output.json");
        try (java.io.RandomAccessFile f = new java.io.RandomAccessFile(big.toFile(), "rw")) {
            f.setLength(100L << 20); // sparse: no disk used, and reading it would take 100 MB of heap
        }
        ConfigException e = assertThrows(ConfigException.class, () -> ConfigLoader.load(List.of(big)));
        assertTrue(e.getMessage().startsWith("config " + big + ": cannot read: it is 100 MB, over the limit of 64 MB"),
                e.getMessage());
    }
}
