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
 * byte-identical bodies. Days are days of the sandbox timezone.
 */
final class Project {
    static final DateTimeFormatter PROFILE_TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss");
    static final DateTimeFormatter ANNOTATION_TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss");

    // ---- event vocabulary -------------------------------------------------------------------------------
    static final String[] EVENT_NAMES = {"Viewed Page", "Logged In", "Searched", "Added To Cart", "Purchase",
        "Signed Up", "Played Video", "Shared Item"};
    private static final int[] EVENT_WEIGHTS = {38, 12, 12, 10, 6, 4, 11, 7};
    private static final byte[] TRUE = ByteBuf.utf8("true");
    private static final byte[] FALSE = ByteBuf.utf8("false");
    private static final byte[][] EVENT_PREFIX = new byte[EVENT_NAMES.length][];

    // property ids; names and JSON Schema types below
    static final String[] PROP_NAMES = {
        "time", "distinct_id", "$insert_id", "mp_processing_time_ms", "$browser", "$browser_version", "$city",
        "$current_url", "$os", "$screen_width", "mp_country_code", "mp_lib", "$lib_version", "$device_id",
        "utm_source",
        // Viewed Page 15..
        "page_title", "referrer", "noninteraction", "load_time_ms",
        // Logged In 19..
        "method", "is_returning", "last_login", "attempts",
        // Searched 23..
        "query", "results_count", "filters",
        // Added To Cart 26..
        "item_id", "price", "quantity", "categories", "coupon",
        // Purchase 31..
        "order", "items", "currency", "revenue", "first_purchase", "paid_at",
        // Signed Up 37..
        "plan", "signup_method", "referral_code", "accepted_terms", "signup_date",
        // Played Video 42..
        "video_id", "duration_s", "autoplay", "tags", "position_pct",
        // Shared Item 47..
        "channel", "message", "recipients"};
    static final Object[] PROP_TYPES = {
        "integer", "string", "string", "integer", "string", "number", "string",
        "string", "string", "integer", "string", "string", "string", "string",
        "string",
        "string", "string", "boolean", "integer",
        "string", "boolean", "string", "integer",
        "string", "integer", "object",
        "integer", "number", "integer", "array", new String[] {"string", "null"},
        "object", "array", "string", "number", "boolean", "string",
        "string", "string", new String[] {"string", "null"}, "boolean", "string",
        "string", "number", "boolean", "array", "integer",
        "string", "string", "integer"};
    /** Property ids of each event name (for Lexicon schemas). */
    static final int[][] EVENT_PROPS = {
        {15, 16, 17, 18}, {19, 20, 21, 22}, {23, 24, 25}, {26, 27, 28, 29, 30}, {31, 32, 33, 34, 35, 36},
        {37, 38, 39, 40, 41}, {42, 43, 44, 45, 46}, {47, 48, 49}};
    private static final byte[][] KEY = new byte[PROP_NAMES.length][];

    private static final byte[][] BROWSERS = enc("Chrome", "Safari", "Firefox", "Edge", "Mobile Safari", "Chrome iOS", "Samsung Internet");
    private static final byte[][] OSES = enc("Windows", "Mac OS X", "iOS", "Android", "Linux");
    private static final byte[][] CITIES = enc("San Francisco", "New York", "London", "Paris", "Berlin", "Tokyo",
        "São Paulo", "Zürich", "Montréal", "Kraków", "大阪", "Bengaluru");
    private static final byte[][] COUNTRIES = enc("US", "US", "GB", "FR", "DE", "JP", "BR", "CH", "CA", "PL", "JP", "IN");
    private static final byte[][] URLS = enc("https://example.com/", "https://example.com/pricing",
        "https://example.com/products/", "https://example.com/blog/", "https://example.com/docs/getting-started",
        "https://example.com/checkout", "https://example.com/account/settings", "https://example.com/search");
    private static final byte[][] TITLES = enc("Home", "Pricing — Plans & features", "Café menu: été 2024", "日本語のページ",
        "Blog 🎉 New release", "Docs \"Getting started\"", "Checkout", "Account\nsettings");
    private static final byte[][] REFERRERS = enc("$direct", "https://www.google.com/", "https://news.ycombinator.com/",
        "https://t.co/abc123", "https://www.bing.com/search?q=sandbox");
    private static final byte[][] QUERIES = enc("red shoes", "café crème", "東京 hotels", "line one\nline two",
        "tab\tseparated", "emoji 🚀 rockets", "size 42 \"wide\"", "winter jacket", "back\\slash");
    private static final byte[][] MESSAGES = enc("Look at this 😀\nso good", "Regardez ça — très bien", "これを見て！",
        "plain message", "two\nline\nbreaks");
    private static final byte[][] PLANS = enc("free", "starter", "pro", "enterprise");
    private static final byte[][] CURRENCIES = enc("USD", "EUR", "JPY", "GBP");
    private static final byte[][] CHANNELS = enc("email", "twitter", "whatsapp", "copy_link");
    private static final byte[][] METHODS = enc("password", "google", "sso", "magic_link");
    private static final byte[][] CATEGORIES = enc("shoes", "sale", "outdoor", "kids", "électronique", "家電");
    private static final byte[][] UTMS = enc("google", "newsletter", "twitter", "partner");
    private static final byte[][] VIDEO_TAGS = enc("tutorial", "product", "webinar", "🎬 trailer");
    private static final byte[][] LIB_VERSIONS = enc("2.47.0", "2.48.1", "2.49.0");
    private static final byte[][] COUPONS = enc("SAVE10", "WELCOME", "BLACKFRIDAY");
    private static final byte[][] SHIPPING = enc("standard", "express", "pickup");

    static {
        for (int i = 0; i < EVENT_NAMES.length; i++)
            EVENT_PREFIX[i] = ByteBuf.utf8("{\"event\":" + ByteBuf.jsonString(EVENT_NAMES[i]) + ",\"properties\":{\"time\":");
        for (int i = 0; i < PROP_NAMES.length; i++) KEY[i] = ByteBuf.utf8("," + ByteBuf.jsonString(PROP_NAMES[i]) + ":");
    }

    private static byte[][] enc(String... s) {
        byte[][] r = new byte[s.length][];
        for (int i = 0; i < s.length; i++) r[i] = ByteBuf.utf8(ByteBuf.jsonString(s[i]));
        return r;
    }

    // ---- the data ---------------------------------------------------------------------------------------
    final SandboxOptions opt;
    final ZoneId zone;
    final LocalDate startDate;
    final LocalDate endDate;
    final int days;
    final Day[] dayData;
    final long totalEvents;
    final long totalRawBytes;
    final long[] eventPropCounts = new long[PROP_NAMES.length];
    final long[] eventNameCounts = new long[EVENT_NAMES.length];
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
        byte[] name;
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
        long[] propCounts = new long[PROP_NAMES.length];
        long[] nameCounts = new long[EVENT_NAMES.length];
    }

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
            for (int i = 0; i < PROP_NAMES.length; i++) eventPropCounts[i] += d.propCounts[i];
            for (int i = 0; i < EVENT_NAMES.length; i++) eventNameCounts[i] += d.nameCounts[i];
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

    private static byte[] pick(byte[][] a, SplittableRandom r) { return a[ri(r, a.length)]; }

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
        day.lineStart = new int[cnt + 1];
        day.timeStart = new int[cnt];
        day.timeLen = new int[cnt];
        day.name = new byte[cnt];
        int total = 0;
        for (int w : EVENT_WEIGHTS) total += w;
        ByteBuf o = new ByteBuf(cnt * 520 + 1024);
        for (int i = 0; i < cnt; i++) {
            int x = ri(r, total), e = 0;
            while (x >= EVENT_WEIGHTS[e]) x -= EVENT_WEIGHTS[e++];
            long utcMs = ms[i];
            long utcSec = Math.floorDiv(utcMs, 1000);
            long encSec = utcSec;
            if (opt.legacyLocalTime) encSec += zone.getRules().getOffset(Instant.ofEpochSecond(utcSec)).getTotalSeconds();
            day.encMs[i] = encSec * 1000 + Math.floorMod(utcMs, 1000);
            day.name[i] = (byte) e;
            day.nameCounts[e]++;
            day.lineStart[i] = o.n;
            o.raw(EVENT_PREFIX[e]);
            day.timeStart[i] = o.n;
            o.num(encSec);
            day.timeLen[i] = o.n - day.timeStart[i];
            day.propCounts[0]++;
            writeEvent(o, r, e, utcMs, day.propCounts);
            o.b('}').b('}').b('\n');
        }
        day.lineStart[cnt] = o.n;
        day.raw = o.toArray();
        day.crc = Gzip.crc(day.raw, 0, day.raw.length);
        return day;
    }

    private void k(ByteBuf o, int prop, long[] counts) {
        o.raw(KEY[prop]);
        counts[prop]++;
    }

    private void writeEvent(ByteBuf o, SplittableRandom r, int e, long utcMs, long[] c) {
        k(o, 1, c);
        boolean anonymous = profiles.isEmpty() || ri(r, 100) < 8;
        if (anonymous) o.b('"').ascii("$device:").uuid(r.nextLong(), r.nextLong()).b('"');
        else o.raw(profiles.get(ri(r, profiles.size())).distinctIdJson);
        if (ri(r, 100) >= 5) { k(o, 2, c); o.b('"').uuid(r.nextLong(), r.nextLong()).b('"'); }
        k(o, 3, c); o.num(utcMs + r.nextLong(60_001));
        k(o, 4, c); o.raw(pick(BROWSERS, r));
        int city = ri(r, CITIES.length);
        if (ri(r, 100) < 85) { k(o, 6, c); o.raw(CITIES[city]); }
        k(o, 7, c); o.raw(pick(URLS, r));
        k(o, 8, c); o.raw(pick(OSES, r));
        if (ri(r, 100) < 30) { k(o, 9, c); o.num(320 + 160L * ri(r, 12)); }
        if (ri(r, 100) < 60) { k(o, 10, c); o.raw(COUNTRIES[city]); }
        k(o, 11, c); o.ascii("\"web\"");
        if (ri(r, 100) < 20) { k(o, 12, c); o.raw(pick(LIB_VERSIONS, r)); }
        if (ri(r, 100) < 20) { k(o, 13, c); o.b('"').uuid(r.nextLong(), r.nextLong()).b('"'); }
        if (ri(r, 100) < 20) { k(o, 14, c); o.raw(pick(UTMS, r)); }
        switch (e) {
            case 0: // Viewed Page
                k(o, 15, c); o.raw(pick(TITLES, r));
                k(o, 16, c); o.raw(pick(REFERRERS, r));
                k(o, 17, c); o.raw(r.nextBoolean() ? TRUE : FALSE);
                k(o, 18, c); o.num(50 + ri(r, 3000));
                break;
            case 1: // Logged In
                k(o, 19, c); o.raw(pick(METHODS, r));
                k(o, 20, c); o.raw(ri(r, 10) < 7 ? TRUE : FALSE);
                k(o, 21, c); iso(o, utcMs / 1000 - 3600L - ri(r, 30 * 86400), true);
                k(o, 22, c); o.num(1 + ri(r, 3));
                break;
            case 2: // Searched
                k(o, 23, c); o.raw(pick(QUERIES, r));
                k(o, 24, c); o.num(ri(r, 500));
                k(o, 25, c); o.ascii("{\"category\":").raw(pick(CATEGORIES, r)).ascii(",\"price_max\":").cents(1000 + ri(r, 50_000))
                    .ascii(",\"in_stock\":").raw(r.nextBoolean() ? TRUE : FALSE).b('}');
                break;
            case 3: // Added To Cart
                k(o, 26, c); o.num(10_000 + ri(r, 90_000));
                k(o, 27, c); o.cents(99 + ri(r, 30_000));
                k(o, 28, c); o.num(1 + ri(r, 4));
                k(o, 29, c); o.b('[').raw(pick(CATEGORIES, r)).b(',').raw(pick(CATEGORIES, r)).b(']');
                k(o, 30, c); if (ri(r, 3) == 0) o.raw(pick(COUPONS, r)); else o.ascii("null");
                break;
            case 4: { // Purchase
                int lines = 1 + ri(r, 4);
                long total = 500 + ri(r, 80_000);
                k(o, 31, c); o.ascii("{\"id\":\"ord_").num(ri(r, 1_000_000_000)).ascii("\",\"total\":").cents(total)
                    .ascii(",\"lines\":").num(lines).ascii(",\"shipping\":{\"method\":").raw(pick(SHIPPING, r))
                    .ascii(",\"days\":").num(1 + ri(r, 7)).ascii("}}");
                k(o, 32, c); o.b('[');
                for (int i = 0; i < lines; i++) { if (i > 0) o.b(','); o.ascii("\"sku-").num(ri(r, 5000)).b('"'); }
                o.b(']');
                k(o, 33, c); o.raw(pick(CURRENCIES, r));
                k(o, 34, c); o.cents(total);
                k(o, 35, c); o.raw(ri(r, 4) == 0 ? TRUE : FALSE);
                k(o, 36, c); iso(o, utcMs / 1000, true);
                break;
            }
            case 5: // Signed Up
                k(o, 37, c); o.raw(pick(PLANS, r));
                k(o, 38, c); o.raw(pick(METHODS, r));
                k(o, 39, c); if (r.nextBoolean()) o.ascii("\"REF-").num(ri(r, 99_999)).b('"'); else o.ascii("null");
                k(o, 40, c); o.ascii("true");
                k(o, 41, c); o.b('"').ascii(LocalDate.ofEpochDay(Math.floorDiv(utcMs, 86_400_000L)).toString()).b('"');
                break;
            case 6: // Played Video
                k(o, 42, c); o.ascii("\"vid_").num(ri(r, 10_000)).b('"');
                k(o, 43, c); o.cents(500 + ri(r, 360_000));
                k(o, 44, c); o.raw(r.nextBoolean() ? TRUE : FALSE);
                k(o, 45, c); o.b('[').raw(pick(VIDEO_TAGS, r)).b(']');
                k(o, 46, c); o.num(ri(r, 101));
                break;
            default: // Shared Item
                k(o, 47, c); o.raw(pick(CHANNELS, r));
                k(o, 48, c); o.raw(pick(MESSAGES, r));
                k(o, 49, c); o.num(1 + ri(r, 10));
                break;
        }
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
            cohorts.add(c);
        }
    }

    long cohortMembers() {
        long s = 0;
        for (Cohort c : cohorts) s += c.members.size();
        return s;
    }
}
