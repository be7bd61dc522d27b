package io.tapmixpanel.sandbox;

import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * The vocabulary of the generated export events: the event names with their weights and, for every event
 * property, its name, its JSON Schema type (Lexicon schemas) and how its value is drawn. {@link Project}
 * writes each event by walking these rows in order, so adding a property is one row here.
 *
 * <p>Every row draws from the event's random stream in the order of the table: a new row changes the
 * bytes of the rows after it (and of the following events), never the meaning of the existing ones. For the
 * same seed and options the sandbox must keep serving the same bytes (docs/sandbox.md, {@code --seed}), so
 * rows are only appended or moved deliberately.
 */
final class EventTable {
    private EventTable() {}

    /** The JSON Schema type of a property, as the app API's Lexicon schemas report it. */
    enum JsonType {
        STRING("string"), INTEGER("integer"), NUMBER("number"), BOOLEAN("boolean"), OBJECT("object"), ARRAY("array"),
        NULLABLE_STRING("string", "null");

        private final List<String> names;

        JsonType(String... names) { this.names = List.of(names); }

        /** {@code "string"}, or {@code ["string", "null"]} for a union. */
        Object schema() { return names.size() == 1 ? names.get(0) : names; }
    }

    /** What a row may read besides the random stream: the event being written and facts drawn for it. */
    static final class EventDraw {
        final List<Project.Profile> profiles;
        long utcMs;
        long encSec;
        /** Index into {@link #CITIES}: {@code $city} and {@code mp_country_code} agree. */
        int city;
        /** A purchase's number of lines and total, shared by {@code order}, {@code items} and {@code revenue}. */
        int lines;
        long totalCents;
        /** Set before the event is written: its delay when it is a late event, else 0. */
        int lateMs;
        /** Written by {@code mp_processing_time_ms}: the processing time minus {@link #utcMs}. */
        int procDelayMs;

        EventDraw(List<Project.Profile> profiles) { this.profiles = profiles; }
    }

    @FunctionalInterface
    interface ValueWriter { void write(ByteBuf out, SplittableRandom r, EventDraw x); }

    @FunctionalInterface
    interface Draw { void draw(SplittableRandom r, EventDraw x); }

    /**
     * Whether a property is written: always (no draw), or by one draw in [0, 100) compared with
     * {@code percent}. A record rather than a lambda per row keeps the generator's hot loop free of a
     * polymorphic call here.
     */
    record Presence(int percent, boolean presentBelow) {
        boolean present(SplittableRandom r) { return percent < 0 || (Project.ri(r, 100) < percent) == presentBelow; }
    }

    static final Presence ALWAYS = new Presence(-1, true);

    /** Present in {@code pct}% of the events: when a draw in [0, 100) is below {@code pct}. */
    static Presence inPercent(int pct) { return new Presence(pct, true); }

    /** Missing in {@code pct}% of the events: when a draw in [0, 100) is below {@code pct}. */
    static Presence missingInPercent(int pct) { return new Presence(pct, false); }

    /**
     * One event property. {@code before} (may be null) draws facts later rows share, whether or not this
     * property is present; then {@code presence} decides, then {@code value} writes the JSON value.
     */
    record PropertySpec(String name, JsonType type, Draw before, Presence presence, ValueWriter value) {
        PropertySpec drawingFirst(Draw d) { return new PropertySpec(name, type, d, presence, value); }
    }

    /** One event name, its relative weight among the events, and its own properties after the common ones. */
    record EventSpec(String name, int weight, List<PropertySpec> properties) {}

    static PropertySpec prop(String name, JsonType type, ValueWriter value) {
        return new PropertySpec(name, type, null, ALWAYS, value);
    }

    static PropertySpec prop(String name, JsonType type, Presence presence, ValueWriter value) {
        return new PropertySpec(name, type, null, presence, value);
    }

    // ---- value vocabularies (JSON string literals, encoded once) ------------------------------------------
    static final byte[] TRUE = ByteBuf.utf8("true");
    static final byte[] FALSE = ByteBuf.utf8("false");
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

    private static byte[][] enc(String... s) {
        byte[][] r = new byte[s.length][];
        for (int i = 0; i < s.length; i++) r[i] = ByteBuf.utf8(ByteBuf.jsonString(s[i]));
        return r;
    }

    private static byte[] pick(byte[][] a, SplittableRandom r) { return a[Project.ri(r, a.length)]; }

    private static void bool(ByteBuf o, boolean b) { o.raw(b ? TRUE : FALSE); }

    // The common kinds of values; rows share them (fewer distinct writers also keep the generator's loop fast).
    /** One of {@code values}, uniformly. */
    static ValueWriter oneOf(byte[][] values) { return (o, r, x) -> o.raw(values[Project.ri(r, values.length)]); }

    /** An integer in [from, from + count). */
    static ValueWriter intIn(int from, int count) { return (o, r, x) -> o.num(from + Project.ri(r, count)); }

    /** A number with two decimals, in hundredths in [from, from + count). */
    static ValueWriter centsIn(int from, int count) { return (o, r, x) -> o.cents(from + Project.ri(r, count)); }

    /** true or false, even odds. */
    static final ValueWriter COIN = (o, r, x) -> bool(o, r.nextBoolean());

    /** A random UUID, as a JSON string. */
    static final ValueWriter RANDOM_UUID = (o, r, x) -> o.b('"').uuid(r.nextLong(), r.nextLong()).b('"');

    // ---- the table ------------------------------------------------------------------------------------------
    /**
     * {@code time} (the event's time: UTC epoch seconds, or the legacy local wall clock) is always first: its
     * key is part of each event's prefix and the export's {@code time_in_ms} rewrite needs the offsets of its
     * digits.
     */
    static final PropertySpec TIME = prop("time", JsonType.INTEGER, (o, r, x) -> o.num(x.encSec));

    /** Properties of every event, in the order they are written (after {@code time}). */
    static final List<PropertySpec> COMMON = List.of(
        TIME,
        prop("distinct_id", JsonType.STRING, (o, r, x) -> {
            if (x.profiles.isEmpty() || Project.ri(r, 100) < 8) o.b('"').ascii("$device:").uuid(r.nextLong(), r.nextLong()).b('"');
            else o.raw(x.profiles.get(Project.ri(r, x.profiles.size())).distinctIdJson);
        }),
        prop("$insert_id", JsonType.STRING, missingInPercent(5), RANDOM_UUID),
        prop("mp_processing_time_ms", JsonType.INTEGER, (o, r, x) -> {
            // drawn for late events too, so that the rest of their bytes is what it is without late events
            int ordinary = (int) r.nextLong(60_001);
            x.procDelayMs = x.lateMs > 0 ? x.lateMs : ordinary;
            o.num(x.utcMs + x.procDelayMs);
        }),
        prop("$browser", JsonType.STRING, oneOf(BROWSERS)),
        prop("$city", JsonType.STRING, inPercent(85), (o, r, x) -> o.raw(CITIES[x.city]))
            .drawingFirst((r, x) -> x.city = Project.ri(r, CITIES.length)),
        prop("$current_url", JsonType.STRING, oneOf(URLS)),
        prop("$os", JsonType.STRING, oneOf(OSES)),
        prop("$screen_width", JsonType.INTEGER, inPercent(30), (o, r, x) -> o.num(320 + 160L * Project.ri(r, 12))),
        prop("mp_country_code", JsonType.STRING, inPercent(60), (o, r, x) -> o.raw(COUNTRIES[x.city])),
        prop("mp_lib", JsonType.STRING, (o, r, x) -> o.ascii("\"web\"")),
        prop("$lib_version", JsonType.STRING, inPercent(20), oneOf(LIB_VERSIONS)),
        prop("$device_id", JsonType.STRING, inPercent(20), RANDOM_UUID),
        prop("utm_source", JsonType.STRING, inPercent(20), oneOf(UTMS)));

    /** The event names, their weights, and their own properties. */
    static final List<EventSpec> EVENTS = List.of(
        new EventSpec("Viewed Page", 38, List.of(
            prop("page_title", JsonType.STRING, oneOf(TITLES)),
            prop("referrer", JsonType.STRING, oneOf(REFERRERS)),
            prop("noninteraction", JsonType.BOOLEAN, COIN),
            prop("load_time_ms", JsonType.INTEGER, intIn(50, 3000)))),
        new EventSpec("Logged In", 12, List.of(
            prop("method", JsonType.STRING, oneOf(METHODS)),
            prop("is_returning", JsonType.BOOLEAN, (o, r, x) -> bool(o, Project.ri(r, 10) < 7)),
            prop("last_login", JsonType.STRING, (o, r, x) -> Project.iso(o, x.utcMs / 1000 - 3600L - Project.ri(r, 30 * 86400), true)),
            prop("attempts", JsonType.INTEGER, intIn(1, 3)))),
        new EventSpec("Searched", 12, List.of(
            prop("query", JsonType.STRING, oneOf(QUERIES)),
            prop("results_count", JsonType.INTEGER, intIn(0, 500)),
            prop("filters", JsonType.OBJECT, (o, r, x) -> {
                o.ascii("{\"category\":").raw(pick(CATEGORIES, r)).ascii(",\"price_max\":").cents(1000 + Project.ri(r, 50_000))
                    .ascii(",\"in_stock\":");
                bool(o, r.nextBoolean());
                o.b('}');
            }))),
        new EventSpec("Added To Cart", 10, List.of(
            prop("item_id", JsonType.INTEGER, intIn(10_000, 90_000)),
            prop("price", JsonType.NUMBER, centsIn(99, 30_000)),
            prop("quantity", JsonType.INTEGER, intIn(1, 4)),
            prop("categories", JsonType.ARRAY, (o, r, x) -> o.b('[').raw(pick(CATEGORIES, r)).b(',').raw(pick(CATEGORIES, r)).b(']')),
            prop("coupon", JsonType.NULLABLE_STRING, (o, r, x) -> {
                if (Project.ri(r, 3) == 0) o.raw(pick(COUPONS, r)); else o.ascii("null");
            }))),
        new EventSpec("Purchase", 6, List.of(
            prop("order", JsonType.OBJECT, (o, r, x) -> o.ascii("{\"id\":\"ord_").num(Project.ri(r, 1_000_000_000))
                    .ascii("\",\"total\":").cents(x.totalCents).ascii(",\"lines\":").num(x.lines)
                    .ascii(",\"shipping\":{\"method\":").raw(pick(SHIPPING, r)).ascii(",\"days\":").num(1 + Project.ri(r, 7)).ascii("}}"))
                .drawingFirst((r, x) -> {
                    x.lines = 1 + Project.ri(r, 4);
                    x.totalCents = 500 + Project.ri(r, 80_000);
                }),
            prop("items", JsonType.ARRAY, (o, r, x) -> {
                o.b('[');
                for (int i = 0; i < x.lines; i++) { if (i > 0) o.b(','); o.ascii("\"sku-").num(Project.ri(r, 5000)).b('"'); }
                o.b(']');
            }),
            prop("currency", JsonType.STRING, oneOf(CURRENCIES)),
            prop("revenue", JsonType.NUMBER, (o, r, x) -> o.cents(x.totalCents)),
            prop("first_purchase", JsonType.BOOLEAN, (o, r, x) -> bool(o, Project.ri(r, 4) == 0)),
            prop("paid_at", JsonType.STRING, (o, r, x) -> Project.iso(o, x.utcMs / 1000, true)))),
        new EventSpec("Signed Up", 4, List.of(
            prop("plan", JsonType.STRING, oneOf(PLANS)),
            prop("signup_method", JsonType.STRING, oneOf(METHODS)),
            prop("referral_code", JsonType.NULLABLE_STRING, (o, r, x) -> {
                if (r.nextBoolean()) o.ascii("\"REF-").num(Project.ri(r, 99_999)).b('"'); else o.ascii("null");
            }),
            prop("accepted_terms", JsonType.BOOLEAN, (o, r, x) -> o.ascii("true")),
            prop("signup_date", JsonType.STRING, (o, r, x) ->
                o.b('"').ascii(LocalDate.ofEpochDay(Math.floorDiv(x.utcMs, 86_400_000L)).toString()).b('"')))),
        new EventSpec("Played Video", 11, List.of(
            prop("video_id", JsonType.STRING, (o, r, x) -> o.ascii("\"vid_").num(Project.ri(r, 10_000)).b('"')),
            prop("duration_s", JsonType.NUMBER, centsIn(500, 360_000)),
            prop("autoplay", JsonType.BOOLEAN, COIN),
            prop("tags", JsonType.ARRAY, (o, r, x) -> o.b('[').raw(pick(VIDEO_TAGS, r)).b(']')),
            prop("position_pct", JsonType.INTEGER, intIn(0, 101)))),
        new EventSpec("Shared Item", 7, List.of(
            prop("channel", JsonType.STRING, oneOf(CHANNELS)),
            prop("message", JsonType.STRING, oneOf(MESSAGES)),
            prop("recipients", JsonType.INTEGER, intIn(1, 10)))));

    // ---- derived lookups (built once; the generator's hot loop only indexes arrays) --------------------------
    /** Every property once, common ones first: a property's index here is its id in the per-day counts. */
    static final PropertySpec[] PROPERTIES;
    /** {@code ,"name":} of each property id. */
    static final byte[][] KEY;
    /** Per event index: the property ids written after {@code time}, in order. */
    static final int[][] WRITE_ORDER;
    /** Per event index: its own property ids (the Lexicon schema's properties). */
    static final int[][] OWN_PROPERTIES;
    /** Per event index: {@code {"event":"Name","properties":{"time":}. */
    static final byte[][] PREFIX;
    static final String[] EVENT_NAMES;
    static final int[] WEIGHTS;
    static final int TOTAL_WEIGHT;

    static {
        List<PropertySpec> all = new ArrayList<>(COMMON);
        for (EventSpec e : EVENTS) all.addAll(e.properties());
        PROPERTIES = all.toArray(new PropertySpec[0]);
        KEY = new byte[PROPERTIES.length][];
        for (int i = 0; i < PROPERTIES.length; i++) {
            for (int j = 0; j < i; j++) {
                if (PROPERTIES[j].name().equals(PROPERTIES[i].name()))
                    throw new IllegalStateException("event property defined twice: " + PROPERTIES[i].name());
            }
            KEY[i] = ByteBuf.utf8("," + ByteBuf.jsonString(PROPERTIES[i].name()) + ":");
        }
        if (COMMON.get(0) != TIME) throw new IllegalStateException("time must be the first common property");
        int n = EVENTS.size();
        WRITE_ORDER = new int[n][];
        OWN_PROPERTIES = new int[n][];
        PREFIX = new byte[n][];
        EVENT_NAMES = new String[n];
        WEIGHTS = new int[n];
        int total = 0;
        int next = COMMON.size();
        for (int e = 0; e < n; e++) {
            EventSpec spec = EVENTS.get(e);
            int own = spec.properties().size();
            int[] order = new int[COMMON.size() - 1 + own];
            for (int i = 1; i < COMMON.size(); i++) order[i - 1] = i;
            OWN_PROPERTIES[e] = new int[own];
            for (int i = 0; i < own; i++) order[COMMON.size() - 1 + i] = OWN_PROPERTIES[e][i] = next++;
            WRITE_ORDER[e] = order;
            EVENT_NAMES[e] = spec.name();
            WEIGHTS[e] = spec.weight();
            total += spec.weight();
            PREFIX[e] = ByteBuf.utf8("{\"event\":" + ByteBuf.jsonString(spec.name()) + ",\"properties\":{\"time\":");
        }
        TOTAL_WEIGHT = total;
    }

    /** The property id of a name, or -1. */
    static int propertyId(String name) {
        for (int i = 0; i < PROPERTIES.length; i++) if (PROPERTIES[i].name().equals(name)) return i;
        return -1;
    }

    /** The event index of a name, or -1. */
    static int eventIndex(String name) {
        for (int i = 0; i < EVENT_NAMES.length; i++) if (EVENT_NAMES[i].equals(name)) return i;
        return -1;
    }

    /** Draws the event index from the weights (one draw). */
    static int drawEvent(SplittableRandom r) {
        int x = Project.ri(r, TOTAL_WEIGHT), e = 0;
        while (x >= WEIGHTS[e]) x -= WEIGHTS[e++];
        return e;
    }

    /** Writes the properties after {@code time} of event {@code e}, counting each written one in {@code counts}. */
    static void writeProperties(ByteBuf o, SplittableRandom r, int e, EventDraw x, long[] counts) {
        for (int id : WRITE_ORDER[e]) {
            PropertySpec p = PROPERTIES[id];
            if (p.before() != null) p.before().draw(r, x);
            if (!p.presence().present(r)) continue;
            o.raw(KEY[id]);
            counts[id]++;
            p.value().write(o, r, x);
        }
    }
}
