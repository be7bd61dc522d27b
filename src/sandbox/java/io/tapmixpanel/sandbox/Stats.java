package io.tapmixpanel.sandbox;

import com.fasterxml.jackson.core.JsonProcessingException;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The ground truth, {@code GET /sandbox/stats} (docs/sandbox.md "Ground truth"), no auth: what was generated,
 * and what export serves at the clock's "now" (all of it on the real clock, so that body never changes).
 */
final class Stats {
    private final Project project;
    private final SandboxClock clock;
    private final AppApi app;

    Stats(Project project, SandboxClock clock, AppApi app) {
        this.project = project;
        this.clock = clock;
        this.app = app;
    }

    byte[] body() {
        long state = clock.state();
        long upToMs = SandboxClock.visibleUpToMs(state);
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("events", project.totalEvents);
        Map<String, Object> perDay = new LinkedHashMap<>();
        for (Project.Day d : project.dayData) perDay.put(d.date.toString(), d.count);
        m.put("events_per_day", perDay);
        m.put("profiles", project.profiles.size());
        m.put("funnels", project.funnels.size());
        m.put("funnel_days", (long) project.funnels.size() * project.days);
        m.put("revenue_days", project.revenue.size());
        m.put("annotations", project.annotations.size());
        m.put("cohorts", project.cohorts.size());
        m.put("cohort_members", project.cohortMembers());
        m.put("cohort_members_without_profile", project.cohortMembersWithoutProfile());
        m.put("now", state == SandboxClock.REAL ? null : Instant.ofEpochMilli(state).toString());
        long late = 0, visible = 0, visibleLate = 0;
        Map<String, Object> visiblePerDay = new LinkedHashMap<>();
        for (Project.Day d : project.dayData) {
            Project.Day v = d.visibleAt(upToMs);
            late += d.lateCount;
            visible += v.count;
            visibleLate += v.lateCount;
            visiblePerDay.put(d.date.toString(), v.count);
        }
        m.put("late_events", late);
        m.put("visible_events", visible);
        m.put("visible_events_per_day", visiblePerDay);
        m.put("visible_late_events", visibleLate);
        m.putAll(app.governanceCounts());
        try {
            return Responses.JSON.writeValueAsBytes(m);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }

    void serve(Request q) throws IOException {
        Responses.send(q, 200, "application/json", body());
    }
}
