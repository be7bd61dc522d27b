package io.tapmixpanel.mixpanel;

import static com.github.tomakehurst.wiremock.client.WireMock.absent;
import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.equalToJson;
import static com.github.tomakehurst.wiremock.client.WireMock.exactly;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.anyUrl;
import static com.github.tomakehurst.wiremock.client.WireMock.anyRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathMatching;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;

/** Pins the exact request of every endpoint (method, path, query, auth, body) and how its answer is read. */
class MixpanelClientRequestsTest extends WireMockSupport {

    private static final LocalDate FROM = LocalDate.of(2024, 1, 1);
    private static final LocalDate TO = LocalDate.of(2024, 1, 30);

    @Test
    void exportWithServiceAccountSendsProjectIdDatesEventsWhereAndGzip() {
        wm.stubFor(get(urlPathEqualTo("/api/2.0/export")).willReturn(aResponse().withStatus(200)
                .withHeader("Content-Type", "text/plain")
                .withBody("{\"event\":\"a\",\"properties\":{\"time\":1}}\n")));
        RecordingConsumer c = new RecordingConsumer();
        client(SERVICE_ACCOUNT).export(new ExportQuery(FROM, TO, List.of("Signed Up", "Purchase"),
                Optional.of("properties[\"$time\"]>=datetime(1623860880)"), true), c);

        wm.verify(exactly(1), getRequestedFor(urlPathEqualTo("/api/2.0/export"))
                .withQueryParam("project_id", equalTo(Long.toString(PROJECT)))
                .withQueryParam("from_date", equalTo("2024-01-01"))
                .withQueryParam("to_date", equalTo("2024-01-30"))
                .withQueryParam("event", equalTo("[\"Signed Up\",\"Purchase\"]"))
                .withQueryParam("where", equalTo("properties[\"$time\"]>=datetime(1623860880)"))
                .withHeader("Authorization", equalTo(SA_AUTH))
                .withHeader("Accept-Encoding", equalTo("gzip"))
                .withHeader("User-Agent", equalTo("tap-mixpanel/test")));
        assertEquals(1, c.events().size());
        assertEquals(List.of(1), c.attempts);
    }

    @Test
    void exportWithProjectSecretSendsNoProjectIdNoEventFilterAndNoGzipWhenOff() {
        wm.stubFor(get(urlPathEqualTo("/api/2.0/export")).willReturn(aResponse().withStatus(200).withBody("")));
        RecordingConsumer c = new RecordingConsumer();
        client(PROJECT_SECRET).export(new ExportQuery(FROM, FROM, List.of(), Optional.empty(), false), c);

        wm.verify(exactly(1), getRequestedFor(urlPathEqualTo("/api/2.0/export"))
                .withQueryParam("project_id", absent())
                .withQueryParam("event", absent())
                .withQueryParam("where", absent())
                .withQueryParam("from_date", equalTo("2024-01-01"))
                .withQueryParam("to_date", equalTo("2024-01-01"))
                .withHeader("Authorization", equalTo(SECRET_AUTH))
                .withHeader("Accept-Encoding", absent()));
        assertTrue(c.events().isEmpty(), "an empty body is zero events");
    }

    @Test
    void projectSecretWithProjectIdStillSendsNoProjectIdToQueryEndpoints() {
        wm.stubFor(get(urlPathEqualTo("/api/2.0/funnels/list")).willReturn(okJson("[]")));
        client(new Credentials.ProjectSecret(API_SECRET, OptionalLong.of(77))).funnels();
        wm.verify(getRequestedFor(urlPathEqualTo("/api/2.0/funnels/list")).withQueryParam("project_id", absent())
                .withHeader("Authorization", equalTo(SECRET_AUTH)));
    }

    @Test
    void engageFirstPagePostsFormWithFiltersAndReadsThePage() {
        wm.stubFor(post(urlPathEqualTo("/api/2.0/engage")).willReturn(okJson("""
                {"page":0,"page_size":1000,"session_id":"1234567890-EXAMPL","status":"ok","total":2,
                 "results":[{"$distinct_id":"d1","$properties":{"$email":"a@example.com"}},
                            {"$distinct_id":"d2","$properties":{"plan":"pro"}}]}""")));
        EngagePage page = client(SERVICE_ACCOUNT).engage(new EngageQuery(
                Optional.of("properties[\"$last_seen\"] >= \"2024-02-01T00:00:00\""), List.of("$email", "plan"),
                Optional.empty(), 0, OptionalInt.of(1000), OptionalLong.empty()));

        wm.verify(exactly(1), postRequestedFor(urlPathEqualTo("/api/2.0/engage"))
                .withQueryParam("project_id", equalTo(Long.toString(PROJECT)))
                .withHeader("Authorization", equalTo(SA_AUTH))
                .withHeader("Content-Type", equalTo("application/x-www-form-urlencoded; charset=UTF-8"))
                .withRequestBody(equalTo("where=properties%5B%22%24last_seen%22%5D+%3E%3D+%222024-02-01T00%3A00%3A00%22"
                        + "&output_properties=%5B%22%24email%22%2C%22plan%22%5D&page=0&page_size=1000")));
        assertEquals(0, page.page());
        assertEquals(1000, page.pageSize());
        assertEquals(Optional.of("1234567890-EXAMPL"), page.sessionId());
        assertEquals(OptionalLong.of(2), page.total());
        assertEquals(2, page.results().size());
        assertEquals("d1", page.results().get(0).get("$distinct_id").asText());
        assertFalse(page.isFull());
    }

    @Test
    void engageLaterPageOfACohortSendsSessionIdAndFilterByCohort() {
        wm.stubFor(post(urlPathEqualTo("/api/2.0/engage")).willReturn(okJson(
                "{\"page\":3,\"page_size\":2,\"session_id\":\"S-1\",\"status\":\"ok\",\"results\":[]}")));
        EngagePage page = client(PROJECT_SECRET).engage(new EngageQuery(Optional.empty(), List.of(),
                Optional.of("S-1"), 3, OptionalInt.empty(), OptionalLong.of(1000)));

        wm.verify(exactly(1), postRequestedFor(urlPathEqualTo("/api/2.0/engage"))
                .withQueryParam("project_id", absent())
                .withHeader("Authorization", equalTo(SECRET_AUTH))
                .withFormParam("session_id", equalTo("S-1"))
                .withFormParam("page", equalTo("3"))
                .withFormParam("filter_by_cohort", equalToJson("{\"id\":1000}")));
        assertEquals(3, page.page());
        assertEquals(OptionalLong.empty(), page.total());
        assertTrue(page.results().isEmpty());
    }

    @Test
    void engageSendsIncludeAllUsersExactlyWhenTheQueryGivesIt() {
        wm.stubFor(post(urlPathEqualTo("/api/2.0/engage")).willReturn(okJson(
                "{\"page\":0,\"page_size\":1000,\"session_id\":\"S-1\",\"status\":\"ok\",\"results\":[]}")));
        EngageQuery members = new EngageQuery(Optional.empty(), List.of("$distinct_id"), Optional.empty(), 0,
                OptionalInt.empty(), OptionalLong.of(1000));
        client(PROJECT_SECRET).engage(members.includingAllUsers(true));
        client(PROJECT_SECRET).engage(members.includingAllUsers(true).page(1, "S-1"));
        client(PROJECT_SECRET).engage(members.includingAllUsers(false));
        client(PROJECT_SECRET).engage(members);

        wm.verify(exactly(2), postRequestedFor(urlPathEqualTo("/api/2.0/engage"))
                .withFormParam("include_all_users", equalTo("true")));
        wm.verify(exactly(1), postRequestedFor(urlPathEqualTo("/api/2.0/engage"))
                .withFormParam("page", equalTo("1")).withFormParam("include_all_users", equalTo("true")));
        wm.verify(exactly(1), postRequestedFor(urlPathEqualTo("/api/2.0/engage"))
                .withFormParam("include_all_users", equalTo("false")));
        wm.verify(exactly(1), postRequestedFor(urlPathEqualTo("/api/2.0/engage"))
                .withFormParam("include_all_users", absent()));
    }

    @Test
    void engagePropertiesMapsNamesToReportedTypes() {
        wm.stubFor(get(urlPathEqualTo("/api/2.0/engage/properties")).willReturn(okJson("""
                {"status":"ok","results":{"$browser":{"count":124,"type":"string"},"$is_active":{"count":412,"type":"boolean"},
                 "untyped":{"count":1}}}""")));
        Map<String, String> props = client(SERVICE_ACCOUNT).engageProperties();
        wm.verify(getRequestedFor(urlPathEqualTo("/api/2.0/engage/properties"))
                .withQueryParam("limit", equalTo("2000"))
                .withQueryParam("project_id", equalTo(Long.toString(PROJECT)))
                .withHeader("Authorization", equalTo(SA_AUTH)));
        assertEquals(Map.of("$browser", "string", "$is_active", "boolean", "untyped", "string"), props);
        assertEquals(List.of("$browser", "$is_active", "untyped"), List.copyOf(props.keySet()), "order kept");
    }

    @Test
    void topEventPropertiesAreTheFieldNamesOfTheAnswer() {
        wm.stubFor(get(urlPathEqualTo("/api/2.0/events/properties/top"))
                .willReturn(okJson("{\"ad version\":{\"count\":295},\"user type\":{\"count\":91}}")));
        MixpanelClient c = client(SERVICE_ACCOUNT);
        assertEquals(List.of("ad version", "user type"), c.topEventProperties());
        wm.verify(getRequestedFor(urlPathEqualTo("/api/2.0/events/properties/top"))
                .withQueryParam("limit", equalTo("2000")).withQueryParam("event", absent())
                .withQueryParam("project_id", equalTo(Long.toString(PROJECT))));
    }

    @Test
    void lexiconSchemasComeFromTheAppApiWithTheProjectInThePath() {
        wm.stubFor(get(urlPathEqualTo("/api/app/projects/" + PROJECT + "/schemas")).willReturn(okJson("""
                {"status":"ok","results":[{"entityType":"event","name":"Added To Cart",
                  "schemaJson":{"properties":{"item_id":{"type":"integer"},"coupon":{"type":["string","null"]}}}},
                 {"entityType":"profile","name":"$user","schemaJson":{"properties":{"plan":{"type":"string"}}}}]}""")));
        List<LexiconSchema> schemas = client(SERVICE_ACCOUNT).lexiconSchemas();
        wm.verify(getRequestedFor(urlPathEqualTo("/api/app/projects/" + PROJECT + "/schemas"))
                .withQueryParam("project_id", absent())
                .withHeader("Authorization", equalTo(SA_AUTH)));
        assertEquals(2, schemas.size());
        assertEquals("event", schemas.get(0).entityType());
        assertEquals("Added To Cart", schemas.get(0).name());
        assertEquals("integer", schemas.get(0).schemaJson().at("/properties/item_id/type").asText());
        assertEquals("profile", schemas.get(1).entityType());
    }

    @Test
    void withoutProjectIdLexiconAndMeAreEmptyWithoutAnyRequest() {
        MixpanelClient c = client(PROJECT_SECRET);
        assertFalse(c.hasProjectId());
        assertEquals(List.of(), c.lexiconSchemas());
        assertEquals(Optional.empty(), c.me());
        assertEquals(0, wm.getAllServeEvents().size());
    }

    @Test
    void meDescribesTheConfiguredProject() {
        wm.stubFor(get(urlPathEqualTo("/api/app/me")).willReturn(okJson("""
                {"status":"ok","results":{"projects":{"100":{"name":"Other","timezone":"UTC"},
                  "2526451":{"name":"Alpha","timezone":"US/Pacific","domain":"eu.mixpanel.com"}}}}""")));
        Optional<ProjectInfo> me = client(SERVICE_ACCOUNT).me();
        wm.verify(getRequestedFor(urlPathEqualTo("/api/app/me")).withHeader("Authorization", equalTo(SA_AUTH)));
        assertEquals(Optional.of(new ProjectInfo(PROJECT, "Alpha", "US/Pacific", "eu.mixpanel.com")), me);
        assertEquals(Region.EU, me.get().region());
    }

    @Test
    void meIsEmptyWhenTheAccountDoesNotListTheProject() {
        wm.stubFor(get(urlPathEqualTo("/api/app/me")).willReturn(okJson("{\"status\":\"ok\",\"results\":{\"projects\":{}}}")));
        assertEquals(Optional.empty(), client(SERVICE_ACCOUNT).me());
    }

    @Test
    void funnelListAndFunnelDaysInDateOrderWithoutOverall() {
        wm.stubFor(get(urlPathEqualTo("/api/2.0/funnels/list"))
                .willReturn(okJson("[{\"funnel_id\":7509,\"name\":\"Signup funnel\"},{\"funnel_id\":8,\"name\":\"Other\"}]")));
        wm.stubFor(get(urlPathEqualTo("/api/2.0/funnels")).willReturn(okJson("""
                {"meta":{"dates":["2016-09-12","2016-09-13"]},
                 "data":{"2016-09-13":{"steps":[{"count":2}],"analysis":{"completion":2}},
                         "$overall":{"steps":[],"analysis":{}},
                         "2016-09-12":{"steps":[{"count":32688,"avg_time":null},{"count":20524}],
                                       "analysis":{"completion":20524,"starting_amount":32688,"steps":2,"worst":1}}}}""")));
        MixpanelClient c = client(SERVICE_ACCOUNT);
        assertEquals(List.of(new Funnel(7509, "Signup funnel"), new Funnel(8, "Other")), c.funnels());
        List<FunnelDay> days = c.funnel(7509, LocalDate.of(2016, 9, 12), LocalDate.of(2016, 9, 13));

        wm.verify(getRequestedFor(urlPathEqualTo("/api/2.0/funnels/list"))
                .withQueryParam("project_id", equalTo(Long.toString(PROJECT))).withHeader("Authorization", equalTo(SA_AUTH)));
        wm.verify(getRequestedFor(urlPathEqualTo("/api/2.0/funnels"))
                .withQueryParam("project_id", equalTo(Long.toString(PROJECT)))
                .withQueryParam("funnel_id", equalTo("7509"))
                .withQueryParam("unit", equalTo("day"))
                .withQueryParam("from_date", equalTo("2016-09-12"))
                .withQueryParam("to_date", equalTo("2016-09-13")));
        assertEquals(2, days.size());
        assertEquals(LocalDate.of(2016, 9, 12), days.get(0).date());
        assertEquals(2, days.get(0).steps().size());
        assertTrue(days.get(0).steps().get(0).get("avg_time").isNull());
        assertEquals(20524, days.get(0).analysis().get("completion").asInt());
        assertEquals(LocalDate.of(2016, 9, 13), days.get(1).date());
    }

    @Test
    void revenueDaysWithoutOverall() {
        wm.stubFor(get(urlPathEqualTo("/api/2.0/engage/revenue")).willReturn(okJson("""
                {"computed_at":"2021-07-03T12:43:48.889421+00:00","status":"ok","results":{
                  "$overall":{"amount":0.0,"count":124,"paid_count":0},
                  "2021-06-02":{"amount":12.5,"count":3,"paid_count":1},
                  "2021-06-01":{"amount":0.0,"count":124,"paid_count":0}}}""")));
        List<RevenueDay> days = client(PROJECT_SECRET).revenue(LocalDate.of(2021, 6, 1), LocalDate.of(2021, 6, 2));
        wm.verify(getRequestedFor(urlPathEqualTo("/api/2.0/engage/revenue"))
                .withQueryParam("unit", equalTo("day"))
                .withQueryParam("from_date", equalTo("2021-06-01"))
                .withQueryParam("to_date", equalTo("2021-06-02"))
                .withQueryParam("project_id", absent())
                .withHeader("Authorization", equalTo(SECRET_AUTH)));
        assertEquals(2, days.size());
        assertEquals(LocalDate.of(2021, 6, 1), days.get(0).date());
        assertEquals(124, days.get(0).count().asInt());
        assertEquals(12.5, days.get(1).amount().asDouble());
        assertEquals(1, days.get(1).paidCount().asInt());
    }

    @Test
    void annotationsUseTheV2AppApiWhenTheProjectIsKnown() {
        wm.stubFor(get(urlPathEqualTo("/api/app/projects/" + PROJECT + "/annotations")).willReturn(okJson("""
                {"status":"ok","results":[{"id":12,"date":"2022-02-15 12:00:00","description":"Release",
                  "user":{"id":7,"first_name":"John","last_name":"Smith"},"tags":[{"id":3,"name":"release"}]}]}""")));
        List<Annotation> a = client(SERVICE_ACCOUNT).annotations(FROM, TO);
        wm.verify(getRequestedFor(urlPathEqualTo("/api/app/projects/" + PROJECT + "/annotations"))
                .withQueryParam("fromDate", equalTo("2024-01-01"))
                .withQueryParam("toDate", equalTo("2024-01-30"))
                .withHeader("Authorization", equalTo(SA_AUTH)));
        assertEquals(1, a.size());
        assertEquals(12, a.get(0).raw().get("id").asLong());
        assertEquals("Release", a.get(0).raw().get("description").asText());
        assertEquals("release", a.get(0).raw().at("/tags/0/name").asText());
    }

    @Test
    void annotationsUseTheLegacyApiWithAProjectSecretAlone() {
        wm.stubFor(get(urlPathEqualTo("/api/2.0/annotations")).willReturn(okJson("""
                {"annotations":[{"id":640999,"project_id":2117889,"date":"2021-06-16 00:00:00","description":"Looks good"}]}""")));
        List<Annotation> a = client(PROJECT_SECRET).annotations(FROM, TO);
        wm.verify(getRequestedFor(urlPathEqualTo("/api/2.0/annotations"))
                .withQueryParam("from_date", equalTo("2024-01-01"))
                .withQueryParam("to_date", equalTo("2024-01-30"))
                .withHeader("Authorization", equalTo(SECRET_AUTH)));
        assertEquals(640999, a.get(0).raw().get("id").asLong());
        assertEquals("2021-06-16 00:00:00", a.get(0).raw().get("date").asText());
        assertEquals(2117889, a.get(0).raw().get("project_id").asLong());
    }

    @Test
    void aProjectSecretWithAProjectIdStillReadsTheLegacyAnnotationsAndNeverTheServiceAccountOnlyAppApi() {
        // Mixpanel's annotations spec declares security: ServiceAccount only: a project secret gets 401 there.
        wm.stubFor(get(urlPathEqualTo("/api/2.0/annotations")).willReturn(okJson("{\"annotations\":[]}")));
        assertTrue(client(new Credentials.ProjectSecret(API_SECRET, OptionalLong.of(77))).annotations(FROM, TO).isEmpty());
        wm.verify(getRequestedFor(urlPathEqualTo("/api/2.0/annotations")).withQueryParam("project_id", absent())
                .withHeader("Authorization", equalTo(SECRET_AUTH)));
        wm.verify(0, getRequestedFor(urlPathMatching("/api/app/.*")));
    }

    @Test
    void aProjectSecretWithAProjectIdAsksNeitherAppMeNorTheLexiconSchemas() {
        MixpanelClient c = client(new Credentials.ProjectSecret(API_SECRET, OptionalLong.of(77)));
        assertTrue(c.me().isEmpty());
        assertTrue(c.lexiconSchemas().isEmpty());
        wm.verify(0, anyRequestedFor(anyUrl()));
    }

    @Test
    void cohortsArePostedAsTheSpecSaysAndKeepEveryField() {
        wm.stubFor(post(urlPathEqualTo("/api/2.0/cohorts/list")).willReturn(okJson("""
                [{"count":150,"is_visible":1,"description":"d","created":"2019-03-19 23:49:51","project_id":1,"id":1000,"name":"Cohort One"}]""")));
        List<Cohort> cohorts = client(SERVICE_ACCOUNT).cohorts();
        wm.verify(exactly(1), postRequestedFor(urlPathEqualTo("/api/2.0/cohorts/list"))
                .withQueryParam("project_id", equalTo(Long.toString(PROJECT))).withHeader("Authorization", equalTo(SA_AUTH)));
        assertEquals(1, cohorts.size());
        assertEquals(OptionalLong.of(1000), cohorts.get(0).id());
        assertEquals("Cohort One", cohorts.get(0).raw().get("name").asText());
        assertEquals(150, cohorts.get(0).raw().get("count").asInt());
        assertEquals("2019-03-19 23:49:51", cohorts.get(0).raw().get("created").asText());
    }

    @Test
    void eachOverrideSendsItsFamilyToItsOwnBaseUrlWithPathPrefixKept() {
        wm.stubFor(get(urlPathEqualTo("/exp/api/2.0/export")).willReturn(aResponse().withStatus(200).withBody("")));
        wm.stubFor(get(urlPathEqualTo("/q/api/2.0/funnels/list")).willReturn(okJson("[]")));
        wm.stubFor(get(urlPathEqualTo("/app/api/app/me")).willReturn(okJson("{\"results\":{\"projects\":{}}}")));
        ClientSettings s = new ClientSettings(SERVICE_ACCOUNT, Region.EU, Optional.of(URI.create(base() + "/q/")),
                Optional.of(URI.create(base() + "/exp")), Optional.of(URI.create(base() + "/app")),
                java.time.Duration.ofSeconds(5), 2, "ua", FAST_RETRIES);
        MixpanelClient c = client(s, HttpListener.NOOP);
        c.export(ExportQuery.of(FROM, FROM), new RecordingConsumer());
        c.funnels();
        c.me();
        wm.verify(exactly(1), getRequestedFor(urlPathEqualTo("/exp/api/2.0/export")));
        wm.verify(exactly(1), getRequestedFor(urlPathEqualTo("/q/api/2.0/funnels/list")));
        wm.verify(exactly(1), getRequestedFor(urlPathEqualTo("/app/api/app/me")));
    }
}
