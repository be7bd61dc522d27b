package io.tapmixpanel.sandbox;

import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.stream.IntStream;

/**
 * The generated project: events (cached export bodies per day, raw and deflated), profiles, funnels, revenue,
 * annotations and cohorts. Everything derives from the options (seed first), so the same options always give
 * byte-identical bodies. Days are days of the sandbox timezone. The events' names and properties, and how
 * each value is drawn, are the rows of {@link EventTable}.
 */
final class Project {
    static final DateTimeFormatter PROFILE_TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss");
    static final DateTimeFormatter ANNOTATION_TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss");

    // ---- the data ---------------------------------------------------------------------------------------
    final SandboxOptions opt;
    final ZoneId zone;
    final LocalDate startDate;
    final LocalDate endDate;
    final int days;
    final Day[] dayData;
    final long totalEvents;
    final long totalRawBytes;
    final long[] eventPropCounts = new long[EventTable.PROPERTIES.length];
    final long[] eventNameCounts = new long[EventTable.EVENT_NAMES.length];
    final List<Profile> profiles = new ArrayList<>();
    final List<Funnel> funnels = new ArrayList<>();
    final List<Revenue> revenue = new ArrayList<>();
    final List<Annotation> annotations = new ArrayList<>();
    final List<Cohort> cohorts = new ArrayList<>();

    /** One day of events in the sandbox timezone. Events are sorted by true UTC time. */
    static final class Day {
        LocalDate date;
        long startSec;
        long endSec;
        int count;
        byte[] raw;
        int[] lineStart;   // count + 1 entries
        int[] timeStart;   // offset of the digits of properties.time
        int[] timeLen;
        long[] utcMs;
        long[] encMs;      // what "time" encodes, in ms (UTC or legacy local wall clock)
        int[] procDelayMs; // mp_processing_time_ms - utcMs
        byte[] name;
        /** The latest processing time of the day's events (MIN_VALUE for an empty day). */
        long maxProcMs = Long.MIN_VALUE;
        int lateCount;
        private final Object viewLock = new Object();
        private volatile View view;
        private volatile byte[] deflated;   // raw-deflate piece, full flush, not final (computed lazily)
        long crc;

        /** The day's raw-deflate piece; compressed on first use (a background thread warms them all). */
        byte[] deflated() {
            byte[] d = deflated;
            if (d == null) {
                synchronized (this) {
                    d = deflated;
                    if (d == null) deflated = d = Gzip.deflatePiece(raw, 0, raw.length);
                }
            }
            return d;
        }

        boolean deflatedReady() { return deflated != null; }

        /**
         * The events of this day Mixpanel has processed by {@code upToMs} (docs/sandbox.md "Time"): the day itself
         * when that is all of them (one comparison: past days and the real clock), else a copy made once per
         * instant and kept with its own deflate piece, so that export keeps serving whole cached days.
         */
        Day visibleAt(long upToMs) {
            if (upToMs >= maxProcMs) return this;
            View v = view;
            if (v != null && v.upToMs == upToMs) return v.day;
            synchronized (viewLock) {
                v = view;
                if (v == null || v.upToMs != upToMs) view = v = new View(upToMs, copyVisible(upToMs));
                return v.day;
            }
        }

        private Day copyVisible(long upToMs) {
            int n = 0, bytes = 0;
            for (int i = 0; i < count; i++) {
                if (utcMs[i] + procDelayMs[i] <= upToMs) { n++; bytes += lineStart[i + 1] - lineStart[i]; }
            }
            Day v = new Day();
            v.date = date;
            v.startSec = startSec;
            v.endSec = endSec;
            v.count = n;
            v.lineStart = new int[n + 1];
            v.timeStart = new int[n];
            v.timeLen = new int[n];
            v.utcMs = new long[n];
            v.encMs = new long[n];
            v.procDelayMs = new int[n];
            v.name = new byte[n];
            ByteBuf o = new ByteBuf(bytes);
            int k = 0;
            for (int i = 0; i < count; i++) {
                long proc = utcMs[i] + procDelayMs[i];
                if (proc > upToMs) continue;
                int s = lineStart[i];
                v.lineStart[k] = o.n;
                v.timeStart[k] = o.n + timeStart[i] - s;
                v.timeLen[k] = timeLen[i];
                v.utcMs[k] = utcMs[i];
                v.encMs[k] = encMs[i];
                v.procDelayMs[k] = procDelayMs[i];
                v.name[k] = name[i];
                v.maxProcMs = Math.max(v.maxProcMs, proc);
                if (isLate(procDelayMs[i])) v.lateCount++;
                o.raw(raw, s, lineStart[i + 1] - s);
                k++;
            }
            v.lineStart[n] = o.n;
            v.raw = o.toArray();
            v.crc = Gzip.crc(v.raw, 0, v.raw.length);
            return v;
        }
        long[] propCounts = new long[EventTable.PROPERTIES.length];
        long[] nameCounts = new long[EventTable.EVENT_NAMES.length];
    }

    /** A day's visible events at one instant. */
    private record View(long upToMs, Day day) {}

    /** Late events are at least an hour late; the others are processed within a minute. */
    static final int LATE_MIN_MS = 3_600_000;

    static boolean isLate(int procDelayMs) { return procDelayMs >= LATE_MIN_MS; }

    static final class Profile {
        String distinctId;
        byte[] distinctIdJson;
        String lastSeen;
        LinkedHashMap<String, Object> props;
    }

    static final class Funnel {
        long id;
        String name;
        String[] steps;
        int[][] counts;   // [day][step]
        int[][] avgTime;  // [day][step]
        /** Non-zero when the last step is a custom event (Mixpanel's {@code custom_event_id}). */
        long customEventId;
    }

    static final class Revenue {
        LocalDate date;
        long amountCents;
        int count;
        int paidCount;
    }

    static final class Annotation {
        long id;
        String date;
        LocalDate day;
        String description;
        long userId;
        String firstName;
        String lastName;
        List<String> tags;
    }

    static final class Cohort {
        long id;
        String name;
        String description;
        String created;
        List<Integer> members;
        java.util.BitSet memberSet;
        /**
         * Members without a user profile (anonymous devices that did the cohort's events): engage lists them, after
         * the members with a profile, as {@code $distinct_id} with empty {@code $properties}, unless
         * {@code include_all_users=false}. The cohort's {@code count} counts them.
         */
        List<Profile> withoutProfile;

        int count() { return members.size() + withoutProfile.size(); }
    }

    Project(SandboxOptions opt) {
        this.opt = opt;
        this.zone = opt.timezone;
        this.endDate = opt.effectiveEndDate();
        this.days = opt.days;
        this.startDate = endDate.minusDays(days - 1L);
        genProfiles();
        int[] counts = distribute();
        dayData = new Day[days];
        IntStream.range(0, days).parallel().forEach(d -> dayData[d] = genDay(d, counts[d]));
        long t = 0, b = 0;
        for (Day d : dayData) {
            t += d.count;
            b += d.raw.length;
            for (int i = 0; i < eventPropCounts.length; i++) eventPropCounts[i] += d.propCounts[i];
            for (int i = 0; i < eventNameCounts.length; i++) eventNameCounts[i] += d.nameCounts[i];
        }
        totalEvents = t;
        totalRawBytes = b;
        genFunnels();
        genRevenue();
        genAnnotations();
        genCohorts();
    }

    static long mix(long a, long b) {
        long z = a * 0x9E3779B97F4A7C15L + b;
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }

    private SplittableRandom rng(long stream) { return new SplittableRandom(mix(opt.seed, stream)); }

    int dayIndex(LocalDate date) { return (int) (date.toEpochDay() - startDate.toEpochDay()); }

    /** Day indexes [first, last] of the data inside [from, to] (null: all days); first > last when empty. */
    int[] dayWindow(LocalDate[] range) {
        LocalDate from = range == null || range[0].isBefore(startDate) ? startDate : range[0];
        LocalDate to = range == null || range[1].isAfter(endDate) ? endDate : range[1];
        return new int[] {dayIndex(from), dayIndex(to)};
    }

    /** The annotations of the days [from, to] (null: all). */
    List<Annotation> annotationsIn(LocalDate[] range) {
        List<Annotation> out = new ArrayList<>();
        for (Annotation a : annotations)
            if (range == null || (!a.day.isBefore(range[0]) && !a.day.isAfter(range[1]))) out.add(a);
        return out;
    }

    /** Exactly opt.events events over the days, weekly pattern plus noise, largest remainder rounding. */
    private int[] distribute() {
        SplittableRandom r = rng(1);
        double[] w = new double[days];
        double sum = 0;
        for (int d = 0; d < days; d++) {
            int dow = startDate.plusDays(d).getDayOfWeek().getValue();
            w[d] = (dow >= 6 ? 0.7 : 1.0) * (0.8 + 0.4 * r.nextDouble());
            sum += w[d];
        }
        int[] c = new int[days];
        double[] frac = new double[days];
        long assigned = 0;
        for (int d = 0; d < days; d++) {
            double exact = opt.events * w[d] / sum;
            c[d] = (int) Math.floor(exact);
            frac[d] = exact - c[d];
            assigned += c[d];
        }
        Integer[] order = new Integer[days];
        for (int d = 0; d < days; d++) order[d] = d;
        Arrays.sort(order, (x, y) -> frac[y] != frac[x] ? Double.compare(frac[y], frac[x]) : Integer.compare(x, y));
        for (int k = 0; assigned < opt.events; k = (k + 1) % days, assigned++) c[order[k]]++;
        return c;
    }

    /** A fast bounded int in [0, bound) (multiply-shift; the tiny bias does not matter here). */
    static int ri(SplittableRandom r, int bound) { return (int) (((r.nextLong() >>> 32) * bound) >>> 32); }

    private Day genDay(int d, int cnt) {
        Day day = new Day();
        day.date = startDate.plusDays(d);
        day.startSec = day.date.atStartOfDay(zone).toEpochSecond();
        day.endSec = day.date.plusDays(1).atStartOfDay(zone).toEpochSecond();
        day.count = cnt;
        SplittableRandom r = rng(1_000_003L * (d + 7));
        long[] ms = new long[cnt];
        long spanMs = (day.endSec - day.startSec) * 1000;
        for (int i = 0; i < cnt; i++) ms[i] = day.startSec * 1000 + r.nextLong(spanMs);
        Arrays.sort(ms);
        day.utcMs = ms;
        day.encMs = new long[cnt];
        day.procDelayMs = new int[cnt];
        // a stream of its own: late events change their processing time and nothing else
        SplittableRandom late = opt.lateFraction > 0 ? rng(-1_000_003L * (d + 7)) : null;
        long lateSpanMs = opt.lateMaxDays * 86_400_000L - LATE_MIN_MS;
        day.lineStart = new int[cnt + 1];
        day.timeStart = new int[cnt];
        day.timeLen = new int[cnt];
        day.name = new byte[cnt];
        ByteBuf o = new ByteBuf(cnt * 520 + 1024);
        EventTable.EventDraw x = new EventTable.EventDraw(profiles);
        for (int i = 0; i < cnt; i++) {
            int e = EventTable.drawEvent(r);
            long utcMs = ms[i];
            long utcSec = Math.floorDiv(utcMs, 1000);
            long encSec = utcSec;
            if (opt.legacyLocalTime) encSec += zone.getRules().getOffset(Instant.ofEpochSecond(utcSec)).getTotalSeconds();
            day.encMs[i] = encSec * 1000 + Math.floorMod(utcMs, 1000);
            day.name[i] = (byte) e;
            day.nameCounts[e]++;
            day.lineStart[i] = o.n;
            x.utcMs = utcMs;
            x.encSec = encSec;
            x.lateMs = late != null && late.nextDouble() < opt.lateFraction ? (int) (LATE_MIN_MS + late.nextLong(lateSpanMs + 1)) : 0;
            o.raw(EventTable.PREFIX[e]);
            day.timeStart[i] = o.n;
            EventTable.TIME.value().write(o, r, x);
            day.timeLen[i] = o.n - day.timeStart[i];
            day.propCounts[0]++;
            EventTable.writeProperties(o, r, e, x, day.propCounts);
            o.b('}').b('}').b('\n');
            day.procDelayMs[i] = x.procDelayMs;
            day.maxProcMs = Math.max(day.maxProcMs, utcMs + x.procDelayMs);
            if (x.lateMs > 0) day.lateCount++;
        }
        day.lineStart[cnt] = o.n;
        day.raw = o.toArray();
        day.crc = Gzip.crc(day.raw, 0, day.raw.length);
        return day;
    }

    /** "2024-01-11T10:12:13Z" (or without Z), formatted by hand (hot path). */
    static void iso(ByteBuf o, long epochSec, boolean z) {
        long days = Math.floorDiv(epochSec, 86400);
        int sod = Math.floorMod(epochSec, 86400);
        LocalDate d = LocalDate.ofEpochDay(days);
        o.b('"').num(d.getYear()).b('-');
        two(o, d.getMonthValue()); o.b('-');
        two(o, d.getDayOfMonth()); o.b('T');
        two(o, sod / 3600); o.b(':');
        two(o, sod / 60 % 60); o.b(':');
        two(o, sod % 60);
        if (z) o.b('Z');
        o.b('"');
    }

    private static void two(ByteBuf o, int v) { o.b((char) ('0' + v / 10)).b((char) ('0' + v % 10)); }

    // ---- profiles ---------------------------------------------------------------------------------------
    private static final String[] FIRST = {"Clark", "Ada", "Grace", "Linus", "Zoë", "José", "Chloé", "Björn", "Yūki", "美咲", "Amara", "Noah"};
    private static final String[] LAST = {"Kent", "Lovelace", "Hopper", "Müller", "Durand", "山田", "O'Brien", "Nguyen", "Okafor", "Silva"};
    private static final String[] P_BROWSERS = {"Chrome", "Safari", "Firefox", "Edge"};
    private static final String[] P_OS = {"Windows", "Mac OS X", "iOS", "Android", "Linux"};
    private static final String[] P_CITIES = {"San Francisco", "London", "Paris", "Tokyo", "São Paulo", "Zürich"};
    private static final String[] P_COUNTRIES = {"US", "GB", "FR", "JP", "BR", "CH"};
    private static final String[] P_TZ = {"America/Los_Angeles", "Europe/London", "Europe/Paris", "Asia/Tokyo", "America/Sao_Paulo", "Europe/Zurich"};
    private static final String[] P_PLANS = {"free", "starter", "pro", "enterprise"};
    private static final String[] P_TAGS = {"beta", "vip", "churn-risk", "newsletter", "日本"};
    private static final String[] P_COMPANIES = {"Acme Corp", "Globex", "Initech", "Société Générale de Test", "株式会社サンプル"};

    private void genProfiles() {
        SplittableRandom r = rng(2);
        long rangeStart = startDate.atStartOfDay(zone).toEpochSecond();
        long rangeEnd = endDate.plusDays(1).atStartOfDay(zone).toEpochSecond();
        for (int i = 0; i < opt.profiles; i++) {
            Profile p = new Profile();
            ByteBuf b = new ByteBuf(40);
            b.uuid(r.nextLong(), r.nextLong());
            p.distinctId = new String(b.toArray(), java.nio.charset.StandardCharsets.US_ASCII);
            p.distinctIdJson = ByteBuf.utf8("\"" + p.distinctId + "\"");
            long lastSeen = rangeStart + r.nextLong(rangeEnd - rangeStart);
            long created = Math.min(lastSeen, rangeStart - r.nextLong(400L * 86400) + r.nextLong((rangeEnd - rangeStart) / 2 + 1));
            String first = FIRST[r.nextInt(FIRST.length)], last = LAST[r.nextInt(LAST.length)];
            int city = r.nextInt(P_CITIES.length);
            LinkedHashMap<String, Object> m = new LinkedHashMap<>();
            m.put("$created", fmt(created));
            m.put("$last_seen", p.lastSeen = fmt(lastSeen));
            boolean ascii = (first + last).chars().allMatch(ch -> ch < 128 && ch != '\'');
            m.put("$email", (ascii ? (first + "." + last).toLowerCase(java.util.Locale.ROOT) + "." + i : "user" + i) + "@example.com");
            m.put("$name", first + " " + last);
            m.put("$first_name", first);
            m.put("$last_name", last);
            m.put("$browser", P_BROWSERS[r.nextInt(P_BROWSERS.length)]);
            m.put("$os", P_OS[r.nextInt(P_OS.length)]);
            m.put("$city", P_CITIES[city]);
            m.put("$country_code", P_COUNTRIES[city]);
            m.put("$timezone", P_TZ[city]);
            m.put("plan", P_PLANS[r.nextInt(P_PLANS.length)]);
            if (r.nextInt(100) < 85) m.put("age", 18 + r.nextInt(60));
            m.put("lifetime_value", Math.round(r.nextDouble() * 500_000) / 100.0);
            m.put("is_active", r.nextInt(10) < 7);
            if (r.nextInt(100) < 70) m.put("email_opt_in", r.nextBoolean());
            List<String> tags = new ArrayList<>();
            int nt = r.nextInt(3);
            for (int t = 0; t < nt; t++) tags.add(P_TAGS[r.nextInt(P_TAGS.length)]);
            m.put("tags", tags);
            LinkedHashMap<String, Object> prefs = new LinkedHashMap<>();
            prefs.put("theme", r.nextBoolean() ? "dark" : "light");
            prefs.put("language", r.nextBoolean() ? "en" : "fr");
            prefs.put("notifications", Map.of("email", r.nextBoolean()));
            m.put("preferences", prefs);
            if (r.nextInt(100) < 40) m.put("last_purchase", fmt(Math.max(created, lastSeen - r.nextLong(86400L * 5))));
            if (r.nextInt(100) < 50) m.put("company", P_COMPANIES[r.nextInt(P_COMPANIES.length)]);
            if (r.nextInt(100) < 30) m.put("$phone", "+1-555-" + (1000 + r.nextInt(9000)));
            if (r.nextInt(100) < 20) m.put("bio", "Hello, I'm " + first + ".\nJ'aime le café ☕");
            p.props = m;
            profiles.add(p);
        }
    }

    static String fmt(long epochSec) {
        return LocalDateTime.ofEpochSecond(epochSec, 0, ZoneOffset.UTC).format(PROFILE_TIME);
    }

    /** Profile property type as engage/properties reports it. */
    static String profileType(String name, Object v) {
        if (v instanceof Boolean) return "boolean";
        if (v instanceof Number) return "number";
        if (v instanceof List) return "list";
        if (v instanceof Map) return "object";
        if (v instanceof String && ((String) v).matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d")) return "datetime";
        return "string";
    }

    // ---- funnels, revenue, annotations, cohorts --------------------------------------------------------
    private static final String[] FUNNEL_NAMES = {"Signup funnel", "Purchase funnel", "Video engagement", "Search to cart",
        "Sharing loop", "Onboarding"};
    private static final String[][] FUNNEL_STEPS = {
        {"Viewed Page", "Signed Up"}, {"Viewed Page", "Added To Cart", "Purchase"}, {"Viewed Page", "Played Video", "Shared Item"},
        {"Searched", "Added To Cart", "Purchase"}, {"Logged In", "Shared Item"}, {"Signed Up", "Logged In", "Searched", "Purchase"}};

    private void genFunnels() {
        SplittableRandom r = rng(3);
        for (int f = 0; f < opt.funnels; f++) {
            Funnel fu = new Funnel();
            fu.id = 7509 + 13L * f;
            fu.name = FUNNEL_NAMES[f % FUNNEL_NAMES.length] + (f >= FUNNEL_NAMES.length ? " " + (f / FUNNEL_NAMES.length + 1) : "");
            fu.steps = FUNNEL_STEPS[f % FUNNEL_STEPS.length];
            // every third funnel ends on a custom event (docs/sandbox.md "Endpoints")
            if (f % 3 == 2) fu.customEventId = 4000 + f;
            fu.counts = new int[days][fu.steps.length];
            fu.avgTime = new int[days][fu.steps.length];
            for (int d = 0; d < days; d++) {
                int c = 100 + r.nextInt(3000);
                for (int s = 0; s < fu.steps.length; s++) {
                    if (s > 0) c = (int) Math.round(c * (0.3 + 0.6 * r.nextDouble()));
                    fu.counts[d][s] = c;
                    fu.avgTime[d][s] = s == 0 ? 0 : 10 + r.nextInt(900);
                }
            }
            funnels.add(fu);
        }
    }

    private void genRevenue() {
        SplittableRandom r = rng(4);
        for (int d = 0; d < days; d++) {
            Revenue rv = new Revenue();
            rv.date = startDate.plusDays(d);
            rv.count = opt.profiles == 0 ? 0 : 1 + r.nextInt(Math.max(1, opt.profiles / 4));
            rv.paidCount = rv.count == 0 ? 0 : r.nextInt(rv.count + 1);
            rv.amountCents = rv.paidCount * (500L + r.nextInt(20_000));
            revenue.add(rv);
        }
    }

    private static final String[] ANNOTATION_TEXT = {"Release 2.4 🚀", "Marketing campaign started", "Pricing page redesign",
        "Incident: tracking outage\nsee postmortem", "Black Friday", "Migrated to the new SDK", "Données corrigées", "Webinar"};

    private void genAnnotations() {
        SplittableRandom r = rng(5);
        int n = Math.max(3, days / 5);
        for (int j = 0; j < n; j++) {
            Annotation a = new Annotation();
            a.id = 640_999 + j;
            // annotations 0 and 1 share a date; the rest spread over the range
            int d = j <= 1 ? 0 : (int) Math.round((double) (j - 1) * (days - 1) / Math.max(1, n - 1));
            a.day = startDate.plusDays(d);
            int hour = j == 1 ? 15 : (j == 0 ? 9 : r.nextInt(24));
            a.date = a.day.atTime(hour, j == 0 ? 0 : r.nextInt(60), 0).format(ANNOTATION_TIME);
            a.description = ANNOTATION_TEXT[j % ANNOTATION_TEXT.length];
            a.userId = 7 + r.nextInt(3);
            a.firstName = a.userId == 7 ? "John" : a.userId == 8 ? "Amélie" : "Kenji";
            a.lastName = a.userId == 7 ? "Smith" : a.userId == 8 ? "Poulain" : "田中";
            a.tags = j % 2 == 0 ? List.of("release") : List.of();
            annotations.add(a);
        }
        annotations.sort((x, y) -> x.date.compareTo(y.date) != 0 ? x.date.compareTo(y.date) : Long.compare(x.id, y.id));
    }

    private static final String[] COHORT_NAMES = {"Power users", "Churn risk", "Paying customers", "New signups",
        "Newsletter readers", "Mobile users"};

    private void genCohorts() {
        SplittableRandom r = rng(6);
        for (int k = 0; k < opt.cohorts; k++) {
            Cohort c = new Cohort();
            c.id = 1000 + k;
            c.name = COHORT_NAMES[k % COHORT_NAMES.length] + (k >= COHORT_NAMES.length ? " " + (k / COHORT_NAMES.length + 1) : "");
            c.description = "Sandbox cohort #" + (k + 1) + " — généré";
            c.created = startDate.minusDays(30L + r.nextInt(300)).atTime(r.nextInt(24), r.nextInt(60), r.nextInt(60)).format(ANNOTATION_TIME);
            double p = 0.05 + 0.35 * r.nextDouble();
            c.members = new ArrayList<>();
            c.memberSet = new java.util.BitSet();
            for (int i = 0; i < profiles.size(); i++) {
                if (r.nextDouble() < p) { c.members.add(i); c.memberSet.set(i); }
            }
            if (c.members.isEmpty() && !profiles.isEmpty()) { int i = r.nextInt(profiles.size()); c.members.add(i); c.memberSet.set(i); }
            c.withoutProfile = anonymousMembers(c);
            cohorts.add(c);
        }
    }

    /**
     * About 3% of the members with a profile (at least one), from a stream of their own so that the draws of
     * everything else stay what they were.
     */
    private List<Profile> anonymousMembers(Cohort c) {
        SplittableRandom r = rng(7_000 + c.id);
        int n = Math.max(1, c.members.size() * 3 / 100);
        List<Profile> out = new ArrayList<>(n);
        for (int k = 0; k < n; k++) {
            Profile p = new Profile();
            ByteBuf b = new ByteBuf(48);
            b.ascii("$device:").uuid(r.nextLong(), r.nextLong());
            p.distinctId = new String(b.toArray(), java.nio.charset.StandardCharsets.US_ASCII);
            p.distinctIdJson = ByteBuf.utf8("\"" + p.distinctId + "\"");
            p.props = new LinkedHashMap<>();
            out.add(p);
        }
        return List.copyOf(out);
    }

    /** Every cohort's members, with a profile or not (what engage lists with the API's default include_all_users). */
    long cohortMembers() {
        long s = 0;
        for (Cohort c : cohorts) s += c.count();
        return s;
    }

    /** Every cohort's members without a user profile. */
    long cohortMembersWithoutProfile() {
        long s = 0;
        for (Cohort c : cohorts) s += c.withoutProfile.size();
        return s;
    }
}
