package io.tapmixpanel.sandbox;

import com.fasterxml.jackson.core.JsonProcessingException;

import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Map;

/** The ground truth, {@code GET /sandbox/stats} (docs/sandbox.md "Ground truth"): built once, no auth. */
final class Stats {
    final byte[] body;

    Stats(Project project) throws JsonProcessingException {
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
        body = Responses.JSON.writeValueAsBytes(m);
    }

    void serve(Request q) throws IOException {
        Responses.send(q, 200, "application/json", body);
    }
}
