package io.tapmixpanel.sandbox;

import com.fasterxml.jackson.databind.JsonNode;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The report endpoints of the query API (docs/sandbox.md "Endpoints"): {@code funnels/list}, {@code funnels},
 * {@code engage/revenue} (a per-day report like funnels, despite its path), the legacy {@code annotations},
 * {@code cohorts/list}, {@code events/properties/top} and {@code events/names}.
 */
final class ReportsApi {
    private final SandboxOptions opt;
    private final Project project;
    private final SandboxClock clock;

    ReportsApi(SandboxOptions opt, Project project, SandboxClock clock) {
        this.opt = opt;
        this.project = project;
        this.clock = clock;
    }

    /** Today in the project's timezone, whose days the query API's reports are in (docs/sandbox.md "Endpoints"). */
    private LocalDate today() { return SandboxClock.today(clock.state(), opt.timezone); }

    void funnelList(Request q) throws IOException {
        List<Object> out = new ArrayList<>();
        for (Project.Funnel f : project.funnels) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("funnel_id", f.id);
            m.put("name", f.name);
            out.add(m);
        }
        Responses.json(q, out);
    }

    void funnel(Request q) throws IOException {
        String fid = q.p("funnel_id");
        if (fid == null || fid.isEmpty()) throw new ApiError(400, "funnel_id is a required parameter");
        Project.Funnel funnel = null;
        for (Project.Funnel f : project.funnels) if (Long.toString(f.id).equals(fid.trim())) funnel = f;
        if (funnel == null) throw new ApiError(400, "funnel_id " + fid + " does not exist");
        LocalDate[] range = q.dateRangeUpToToday("from_date", "to_date", true, today());
        int[] w = project.dayWindow(range);
        List<String> dates = new ArrayList<>();
        Map<String, Object> data = new LinkedHashMap<>();
        int steps = funnel.steps.length;
        long[] sum = new long[steps];
        long[] timeSum = new long[steps];
        for (int d = w[0]; d <= w[1]; d++) {
            String date = project.startDate.plusDays(d).toString();
            dates.add(date);
            long[] c = new long[steps];
            long[] t = new long[steps];
            for (int s = 0; s < steps; s++) {
                c[s] = funnel.counts[d][s];
                t[s] = funnel.avgTime[d][s];
                sum[s] += c[s];
                timeSum[s] += c[s] * t[s];
            }
            data.put(date, funnelDay(funnel, c, t));
        }
        if (!dates.isEmpty()) {
            long[] avg = new long[steps];
            for (int s = 0; s < steps; s++) avg[s] = sum[s] == 0 ? 0 : Math.round((double) timeSum[s] / sum[s]);
            data.put("$overall", funnelDay(funnel, sum, avg));
        }
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("meta", Map.of("dates", dates));
        m.put("data", data);
        Responses.json(q, m);
    }

    private static Map<String, Object> funnelDay(Project.Funnel f, long[] counts, long[] avgTime) {
        List<Object> steps = new ArrayList<>();
        long fromStart = 0;
        int worst = 1;
        double worstRatio = Double.MAX_VALUE;
        for (int s = 0; s < counts.length; s++) {
            Map<String, Object> st = new LinkedHashMap<>();
            st.put("count", counts[s]);
            if (s == 0) {
                st.put("avg_time", null);
                st.put("avg_time_from_start", null);
                st.put("step_conv_ratio", 1);
                st.put("overall_conv_ratio", 1);
            } else {
                fromStart += avgTime[s];
                double step = counts[s - 1] == 0 ? 0 : round4((double) counts[s] / counts[s - 1]);
                st.put("avg_time", avgTime[s]);
                st.put("avg_time_from_start", fromStart);
                st.put("step_conv_ratio", step);
                st.put("overall_conv_ratio", counts[0] == 0 ? 0 : round4((double) counts[s] / counts[0]));
                if (step < worstRatio) { worstRatio = step; worst = s; }
            }
            st.put("goal", f.steps[s]);
            st.put("event", f.steps[s]);
            if (f.customEventId != 0) {
                // A funnel ending on a custom event: Mixpanel marks each step, and the custom one carries its id,
                // and such a funnel's steps come with their time-to-convert histograms.
                boolean custom = s == counts.length - 1;
                st.put("custom_event", custom);
                if (custom) st.put("custom_event_id", f.customEventId);
                if (s > 0) {
                    st.put("time_buckets_from_start", timeBuckets(fromStart, counts[s]));
                    st.put("time_buckets_from_prev", timeBuckets(avgTime[s], counts[s]));
                }
            }
            steps.add(st);
        }
        Map<String, Object> analysis = new LinkedHashMap<>();
        analysis.put("completion", counts[counts.length - 1]);
        analysis.put("starting_amount", counts[0]);
        analysis.put("steps", counts.length);
        analysis.put("worst", worst);
        Map<String, Object> day = new LinkedHashMap<>();
        day.put("steps", steps);
        day.put("analysis", analysis);
        return day;
    }

    /**
     * A step's time-to-convert histogram {@code {lower, higher, buckets[]}}: seconds from 0 to twice the average, in
     * four buckets whose counts add up to the step's count.
     */
    private static Map<String, Object> timeBuckets(long avgSeconds, long count) {
        long[] buckets = {count / 4, count / 2 - count / 4, count / 8, 0};
        buckets[3] = count - buckets[0] - buckets[1] - buckets[2];
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("lower", 0);
        m.put("higher", 2 * avgSeconds);
        m.put("buckets", List.of(buckets[0], buckets[1], buckets[2], buckets[3]));
        return m;
    }

    private static double round4(double v) { return Math.round(v * 10_000) / 10_000.0; }

    void revenue(Request q) throws IOException {
        LocalDate[] range = q.dateRangeUpToToday("from_date", "to_date", true, today());
        int[] w = project.dayWindow(range);
        Map<String, Object> results = new LinkedHashMap<>();
        long amount = 0, count = 0, paid = 0;
        for (int d = w[0]; d <= w[1]; d++) {
            Project.Revenue r = project.revenue.get(d);
            amount += r.amountCents;
            count += r.count;
            paid += r.paidCount;
        }
        if (w[0] <= w[1]) results.put("$overall", revenueEntry(amount, count, paid));
        for (int d = w[0]; d <= w[1]; d++) {
            Project.Revenue r = project.revenue.get(d);
            results.put(r.date.toString(), revenueEntry(r.amountCents, r.count, r.paidCount));
        }
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("computed_at", project.endDate + "T12:00:00.000000+00:00");
        m.put("status", "ok");
        m.put("results", results);
        Responses.json(q, m);
    }

    private static Map<String, Object> revenueEntry(long cents, long count, long paid) {
        Map<String, Object> e = new LinkedHashMap<>();
        e.put("amount", cents / 100.0);
        e.put("count", count);
        e.put("paid_count", paid);
        return e;
    }

    void legacyAnnotations(Request q) throws IOException {
        LocalDate[] range = q.dateRangeUpToToday("from_date", "to_date", false, today());
        List<Object> list = new ArrayList<>();
        for (Project.Annotation a : project.annotationsIn(range)) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("id", a.id);
            m.put("project_id", opt.projectId);
            m.put("date", a.date);
            m.put("description", a.description);
            list.add(m);
        }
        Responses.json(q, Map.of("annotations", list));
    }

    void cohortList(Request q) throws IOException {
        List<Object> out = new ArrayList<>();
        for (Project.Cohort c : project.cohorts) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("count", c.count());
            m.put("is_visible", 1);
            m.put("description", c.description);
            m.put("created", c.created);
            m.put("project_id", opt.projectId);
            m.put("id", c.id);
            m.put("name", c.name);
            out.add(m);
        }
        Responses.json(q, out);
    }

    void eventPropertiesTop(Request q) throws IOException {
        String event = q.p("event");
        // Mixpanel's spec marks `event` required; production servers answer without it (docs/sandbox.md "Flags")
        if (opt.strictPropertiesTop && (event == null || event.isEmpty())) throw new ApiError(400, "'event' is a required parameter");
        long[] counts = new long[EventTable.PROPERTIES.length];
        if (event == null || event.isEmpty()) {
            System.arraycopy(project.eventPropCounts, 0, counts, 0, counts.length);
        } else {
            int e = EventTable.eventIndex(event);
            if (e >= 0) {
                for (Project.Day d : project.dayData) {
                    for (int i = 0; i < d.count; i++) if (d.name[i] == e) countLine(d, i, counts);
                }
            }
        }
        int limit = q.intParam("limit", Integer.MAX_VALUE, 1, Integer.MAX_VALUE);
        List<Integer> ids = new ArrayList<>();
        for (int i = 0; i < counts.length; i++) if (counts[i] > 0) ids.add(i);
        ids.sort(Comparator.comparingLong((Integer i) -> -counts[i]).thenComparing(i -> EventTable.PROPERTIES[i].name()));
        Map<String, Object> m = new LinkedHashMap<>();
        for (int i : ids) {
            if (m.size() >= limit) break;
            m.put(EventTable.PROPERTIES[i].name(), Map.of("count", counts[i]));
        }
        Responses.json(q, m);
    }

    /** Counts the property keys of one event line (slow path for events/properties/top?event=). */
    private static void countLine(Project.Day d, int i, long[] counts) {
        String line = new String(d.raw, d.lineStart[i], d.lineStart[i + 1] - d.lineStart[i], StandardCharsets.UTF_8);
        try {
            JsonNode props = Responses.JSON.readTree(line).get("properties");
            for (Iterator<String> it = props.fieldNames(); it.hasNext(); ) {
                int id = EventTable.propertyId(it.next());
                if (id >= 0) counts[id]++;
            }
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    void eventNames(Request q) throws IOException {
        int limit = q.intParam("limit", 255, 1, Integer.MAX_VALUE);
        String[] names = EventTable.EVENT_NAMES;
        List<Integer> ids = new ArrayList<>();
        for (int i = 0; i < names.length; i++) if (project.eventNameCounts[i] > 0) ids.add(i);
        ids.sort(Comparator.comparingLong((Integer i) -> -project.eventNameCounts[i]).thenComparing(i -> names[i]));
        List<String> out = new ArrayList<>();
        for (int i : ids) if (out.size() < limit) out.add(names[i]);
        Responses.json(q, out);
    }
}
