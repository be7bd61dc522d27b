package io.tapmixpanel.sandbox;

import com.fasterxml.jackson.databind.JsonNode;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The profile endpoints of the query API (docs/sandbox.md "Endpoints"): {@code engage} (filters, paging with a
 * deterministic session id, {@code total} on page 0 only; {@code data_group_id} for the group profiles of a group key;
 * with {@code filter_by_cohort}, the cohort's members without a profile too unless {@code include_all_users=false})
 * and {@code engage/properties}.
 */
final class EngageApi {
    private static final Pattern SEEN_CLAUSE = Pattern.compile(
        "\\s*properties\\s*\\[\\s*\"\\$last_seen\"\\s*\\]\\s*(>=|<=|==|>|<)\\s*(?:\"([^\"]*)\"|datetime\\s*\\(\\s*(?:\"([^\"]*)\"|(-?\\d+))\\s*\\))\\s*");

    private final SandboxOptions opt;
    private final Project project;
    private final Governance gov;

    EngageApi(SandboxOptions opt, Project project, Governance gov) {
        this.opt = opt;
        this.project = project;
        this.gov = gov;
    }

    void engage(Request q) throws IOException {
        List<String[]> seen = new ArrayList<>();
        String where = q.p("where");
        if (where != null && !where.isBlank()) {
            for (String clause : Request.andClauses(where)) {
                Matcher m = SEEN_CLAUSE.matcher(clause);
                if (!m.matches())
                    throw new ApiError(400, "unsupported where expression (the sandbox supports properties[\"$last_seen\"] "
                        + "compared with a \"yyyy-mm-ddThh:mm:ss\" string, clauses joined with 'and'): " + clause.trim());
                String v = m.group(2) != null ? m.group(2) : m.group(3) != null ? m.group(3) : Project.fmt(Long.parseLong(m.group(4)));
                seen.add(new String[] {m.group(1), v});
            }
        }
        Long group = null;
        List<Project.Profile> profiles = project.profiles;
        String dg = q.p("data_group_id");
        if (dg != null && !dg.isBlank()) {
            try { group = Long.parseLong(dg.trim()); } catch (NumberFormatException e) { throw new ApiError(400, "data_group_id must be an integer: " + dg); }
            profiles = gov.groupProfiles.get(group);
            if (profiles == null) throw new ApiError(400, "data_group_id " + group + " is not a group key of this project");
        }
        Project.Cohort cohort = null;
        String fbc = q.p("filter_by_cohort");
        if (fbc != null && !fbc.isBlank()) {
            JsonNode n;
            try { n = Responses.JSON.readTree(fbc); } catch (IOException e) { n = null; }
            if (n == null || !n.isObject() || !n.has("id") || !n.get("id").canConvertToLong())
                throw new ApiError(400, "filter_by_cohort must be a JSON object like {\"id\": 1000}: " + fbc);
            long id = n.get("id").asLong();
            for (Project.Cohort c : project.cohorts) if (c.id == id) cohort = c;
            if (cohort == null) throw new ApiError(400, "cohort " + id + " does not exist");
            // the sandbox's cohorts are cohorts of users
            if (group != null) throw new ApiError(400, "cohort " + id + " is not a cohort of data group " + group);
        }
        // The API's default is true: a cohort's members without a user profile are listed too.
        boolean allUsers = true;
        String iau = q.p("include_all_users");
        if (iau != null && !iau.isBlank()) {
            if (iau.trim().equalsIgnoreCase("true")) allUsers = true;
            else if (iau.trim().equalsIgnoreCase("false")) allUsers = false;
            else throw new ApiError(400, "include_all_users must be true or false: " + iau);
        }
        Set<String> ids = null;
        if (q.p("distinct_id") != null && !q.p("distinct_id").isEmpty()) ids = Set.of(q.p("distinct_id"));
        if (q.p("distinct_ids") != null && !q.p("distinct_ids").isEmpty()) ids = q.stringSet("distinct_ids");
        Set<String> output = q.stringSet("output_properties");
        int page = q.intParam("page", 0, 0, Integer.MAX_VALUE);
        int pageSize = q.intParam("page_size", 1000, 1, 100_000);
        String sid = sessionId(where, cohort, ids, group, allUsers);
        String given = q.p("session_id");
        if (page > 0 && (given == null || given.isEmpty())) throw new ApiError(400, "session_id is required when page > 0");
        if (given != null && !given.isEmpty() && !given.equals(sid))
            throw new ApiError(400, "session_id is invalid or has expired (repeat the same filters as page 0)");

        // Unfiltered, the profiles (never changed once generated) are the listing: copying a million of them for
        // every page would make the sandbox, not the tap, the bottleneck of bench/engage.sh.
        List<Project.Profile> matched = profiles;
        if (cohort != null || ids != null || !seen.isEmpty()) {
            matched = new ArrayList<>();
            for (int i = 0; i < profiles.size(); i++) {
                Project.Profile p = profiles.get(i);
                if (cohort != null && !cohort.memberSet.get(i)) continue;
                if (ids != null && !ids.contains(p.distinctId)) continue;
                if (!seenMatches(p.lastSeen, seen)) continue;
                matched.add(p);
            }
            // no $last_seen without a profile: a where on it leaves them out
            if (cohort != null && allUsers && seen.isEmpty()) {
                for (Project.Profile p : cohort.withoutProfile) if (ids == null || ids.contains(p.distinctId)) matched.add(p);
            }
        }
        List<Object> results = new ArrayList<>();
        // --engage-first-page-without-total N: page 0 holds N profiles at most, and the pages after it follow on
        int first = opt.engageFirstPageWithoutTotal > 0 ? Math.min(opt.engageFirstPageWithoutTotal, pageSize) : pageSize;
        long from = page == 0 ? 0 : first + (long) (page - 1) * pageSize;
        long upTo = from + (page == 0 ? first : pageSize);
        for (long i = from; i < Math.min(matched.size(), upTo); i++) {
            Project.Profile p = matched.get((int) i);
            Map<String, Object> r = new LinkedHashMap<>();
            r.put("$distinct_id", p.distinctId);
            Map<String, Object> props = new LinkedHashMap<>();
            for (Map.Entry<String, Object> e : p.props.entrySet())
                if (output == null || output.contains(e.getKey())) props.put(e.getKey(), e.getValue());
            r.put("$properties", props);
            results.add(r);
        }
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("page", page);
        m.put("page_size", pageSize);
        m.put("session_id", sid);
        m.put("status", "ok");
        if (page == 0 && opt.engageFirstPageWithoutTotal == 0) m.put("total", matched.size());
        m.put("results", results);
        Responses.json(q, m);
    }

    private static boolean seenMatches(String v, List<String[]> clauses) {
        for (String[] c : clauses) {
            int cmp = v.compareTo(c[1]);
            boolean ok;
            switch (c[0]) {
                case ">=": ok = cmp >= 0; break;
                case ">": ok = cmp > 0; break;
                case "<=": ok = cmp <= 0; break;
                case "<": ok = cmp < 0; break;
                default: ok = cmp == 0; break;
            }
            if (!ok) return false;
        }
        return true;
    }

    /** Deterministic: the same filters on the same project always get the same session id. */
    private String sessionId(String where, Project.Cohort cohort, Set<String> ids, Long group, boolean allUsers) {
        String key = opt.seed + "|" + (where == null ? "" : where.trim()) + "|" + (cohort == null ? "" : cohort.id)
            + "|" + (ids == null ? "" : new TreeSet<>(ids)) + (group == null ? "" : "|group " + group)
            + (cohort == null || allUsers ? "" : "|profiles only");
        long h = Project.mix(opt.seed, key.hashCode());
        StringBuilder sb = new StringBuilder().append(1_700_000_000L + Math.floorMod(h, 100_000_000L)).append('-');
        long x = h >>> 20;
        for (int i = 0; i < 6; i++) { sb.append((char) ('A' + Math.floorMod(x, 26))); x /= 26; }
        return sb.toString();
    }

    void properties(Request q) throws IOException {
        Map<String, long[]> counts = new LinkedHashMap<>();
        Map<String, String> types = new LinkedHashMap<>();
        for (Project.Profile p : project.profiles) {
            for (Map.Entry<String, Object> e : p.props.entrySet()) {
                counts.computeIfAbsent(e.getKey(), k -> new long[1])[0]++;
                types.putIfAbsent(e.getKey(), Project.profileType(e.getKey(), e.getValue()));
            }
        }
        int limit = q.intParam("limit", Integer.MAX_VALUE, 1, Integer.MAX_VALUE);
        List<String> names = new ArrayList<>(counts.keySet());
        names.sort(Comparator.comparingLong((String k) -> -counts.get(k)[0]).thenComparing(k -> k));
        Map<String, Object> results = new LinkedHashMap<>();
        for (String k : names) {
            if (results.size() >= limit) break;
            Map<String, Object> v = new LinkedHashMap<>();
            v.put("count", counts.get(k)[0]);
            v.put("type", types.get(k));
            results.put(k, v);
        }
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("status", "ok");
        m.put("results", results);
        Responses.json(q, m);
    }
}
