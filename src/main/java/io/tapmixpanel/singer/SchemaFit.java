package io.tapmixpanel.singer;

import com.fasterxml.jackson.databind.JsonNode;

import java.math.BigDecimal;
import java.util.Iterator;
import java.util.Map;
import java.util.regex.Pattern;

import static io.tapmixpanel.singer.JsonTypes.ARRAY;
import static io.tapmixpanel.singer.JsonTypes.INTEGER;
import static io.tapmixpanel.singer.JsonTypes.NUMBER;
import static io.tapmixpanel.singer.JsonTypes.OBJECT;
import static io.tapmixpanel.singer.JsonTypes.STRING;

/**
 * Whether a JSON value fits a JSON Schema node, as the validators targets use would decide (docs/streams.md "Values and
 * types"): {@code type}, {@code anyOf}/{@code oneOf}/{@code allOf}, {@code enum}/{@code const}, string, number
 * and array constraints, nested {@code properties}/{@code items}, and the two checked formats, {@code date-time}
 * and {@code date} (others are not checked). Pure functions: nothing here changes a schema.
 */
final class SchemaFit {
    private SchemaFit() {}

    /** Whether {@code v} validates against {@code s} (a boolean schema, or an object one). */
    static boolean fits(JsonNode s, JsonNode v) {
        if (s.isBoolean()) return s.booleanValue();
        if (!s.isObject()) return true;
        int bit = JsonTypes.bitOf(v);
        JsonNode type = s.get("type");
        if (type != null && (JsonTypes.typeMask(type) & bit) == 0) return false;
        JsonNode any = s.get("anyOf");
        if (any != null && any.isArray() && countFitting(any, v) == 0) return false;
        JsonNode one = s.get("oneOf");
        if (one != null && one.isArray() && countFitting(one, v) != 1) return false;
        JsonNode all = s.get("allOf");
        if (all != null && all.isArray()) for (JsonNode b : all) if (!fits(b, v)) return false;
        if (s.has("enum") && !enumContains(s.get("enum"), v)) return false;
        if (s.has("const") && !State.sameJson(s.get("const"), v)) return false;
        switch (bit) {
            case STRING -> {
                String text = v.asText();
                JsonNode f = s.get("format");
                if (f != null && f.isTextual() && !formatHolds(f.asText(), text)) return false;
                if (!stringConstraintsHold(s, text)) return false;
            }
            case INTEGER, NUMBER -> {
                if (!numberConstraintsHold(s, v.decimalValue())) return false;
            }
            case OBJECT -> {
                JsonNode props = s.get("properties");
                JsonNode additional = s.get("additionalProperties");
                for (Iterator<Map.Entry<String, JsonNode>> it = v.fields(); it.hasNext(); ) {
                    Map.Entry<String, JsonNode> e = it.next();
                    JsonNode ps = props == null ? null : props.get(e.getKey());
                    if (ps != null) {
                        if (!fits(ps, e.getValue())) return false;
                    } else if (additional != null && !fits(additional, e.getValue())) {
                        return false;
                    }
                }
                JsonNode req = s.get("required");
                if (req != null && req.isArray()) for (JsonNode r : req) if (!v.has(r.asText())) return false;
            }
            case ARRAY -> {
                JsonNode items = s.get("items");
                if (items != null && items.isArray()) {
                    for (int i = 0; i < v.size(); i++) {
                        JsonNode is = i < items.size() ? items.get(i) : s.get("additionalItems");
                        if (is != null && !fits(is, v.get(i))) return false;
                    }
                } else if (items != null) {
                    for (JsonNode el : v) if (!fits(items, el)) return false;
                }
                if (!arrayConstraintsHold(s, v)) return false;
            }
            default -> { }
        }
        return true;
    }

    /** How many of the branches of an {@code anyOf}/{@code oneOf} take {@code v}. */
    static int countFitting(JsonNode branches, JsonNode v) {
        int n = 0;
        for (JsonNode b : branches) if (fits(b, v)) n++;
        return n;
    }

    static boolean enumContains(JsonNode e, JsonNode v) {
        if (!e.isArray()) return true;
        for (JsonNode x : e) if (State.sameJson(x, v)) return true;
        return false;
    }

    static boolean stringConstraintsHold(JsonNode s, String text) {
        int len = -1;
        JsonNode min = s.get("minLength"), max = s.get("maxLength"), pattern = s.get("pattern");
        if (min != null || max != null) len = text.codePointCount(0, text.length());
        if (min != null && min.isNumber() && len < min.asLong()) return false;
        if (max != null && max.isNumber() && len > max.asLong()) return false;
        if (pattern != null && pattern.isTextual()) {
            try {
                if (!Pattern.compile(pattern.asText()).matcher(text).find()) return false;
            } catch (RuntimeException badPattern) {
                return false;
            }
        }
        return true;
    }

    static boolean numberConstraintsHold(JsonNode s, BigDecimal n) {
        JsonNode min = s.get("minimum"), max = s.get("maximum"), xmin = s.get("exclusiveMinimum"),
                xmax = s.get("exclusiveMaximum"), multiple = s.get("multipleOf");
        if (min != null && min.isNumber() && n.compareTo(min.decimalValue()) < 0) return false;
        if (max != null && max.isNumber() && n.compareTo(max.decimalValue()) > 0) return false;
        if (xmin != null && xmin.isNumber() && n.compareTo(xmin.decimalValue()) <= 0) return false;
        if (xmax != null && xmax.isNumber() && n.compareTo(xmax.decimalValue()) >= 0) return false;
        if (multiple != null && multiple.isNumber() && multiple.decimalValue().signum() > 0) {
            if (n.remainder(multiple.decimalValue()).signum() != 0) return false;
        }
        return true;
    }

    static boolean arrayConstraintsHold(JsonNode s, JsonNode v) {
        JsonNode min = s.get("minItems"), max = s.get("maxItems"), unique = s.get("uniqueItems");
        if (min != null && min.isNumber() && v.size() < min.asLong()) return false;
        if (max != null && max.isNumber() && v.size() > max.asLong()) return false;
        if (unique != null && unique.asBoolean(false)) {
            for (int i = 0; i < v.size(); i++) {
                for (int j = i + 1; j < v.size(); j++) if (State.sameJson(v.get(i), v.get(j))) return false;
            }
        }
        JsonNode contains = s.get("contains");
        if (contains != null) {
            boolean any = false;
            for (JsonNode el : v) if (fits(contains, el)) { any = true; break; }
            if (!any) return false;
        }
        return true;
    }

    /** Whether a string satisfies a format: {@code date-time} and {@code date} are checked, any other holds. */
    static boolean formatHolds(String format, String value) {
        return switch (format) {
            case "date-time" -> isRfc3339DateTime(value);
            case "date" -> isRfc3339Date(value);
            default -> true;
        };
    }

    /**
     * An RFC 3339 {@code date-time}: {@code 2024-01-09T23:59:52Z}, with optional fraction (1 to 9 digits) and
     * {@code Z} or a {@code ±hh:mm} offset. Deliberately a little stricter than the RFC (upper-case {@code T} and
     * {@code Z} only, no leap second), so that whatever passes here passes any validator. Allocation-free.
     */
    static boolean isRfc3339DateTime(CharSequence s) {
        int n = s.length();
        if (n < 20 || !isDate(s, 0) || s.charAt(10) != 'T') return false;
        if (!twoDigits(s, 11, 23) || s.charAt(13) != ':' || !twoDigits(s, 14, 59) || s.charAt(16) != ':'
                || !twoDigits(s, 17, 59)) {
            return false;
        }
        int i = 19;
        if (s.charAt(i) == '.') {
            int start = ++i;
            while (i < n && isDigit(s.charAt(i))) i++;
            if (i == start || i - start > 9) return false;
        }
        if (i >= n) return false;
        char z = s.charAt(i);
        if (z == 'Z') return i + 1 == n;
        if (z != '+' && z != '-') return false;
        return i + 6 == n && twoDigits(s, i + 1, 23) && s.charAt(i + 3) == ':' && twoDigits(s, i + 4, 59);
    }

    /** An RFC 3339 {@code full-date}: {@code 2024-01-09}. */
    static boolean isRfc3339Date(CharSequence s) {
        return s.length() == 10 && isDate(s, 0);
    }

    private static boolean isDate(CharSequence s, int at) {
        if (!isDigit(s.charAt(at)) || !isDigit(s.charAt(at + 1)) || !isDigit(s.charAt(at + 2))
                || !isDigit(s.charAt(at + 3)) || s.charAt(at + 4) != '-' || s.charAt(at + 7) != '-') {
            return false;
        }
        int year = (s.charAt(at) - '0') * 1000 + (s.charAt(at + 1) - '0') * 100 + (s.charAt(at + 2) - '0') * 10
                + (s.charAt(at + 3) - '0');
        if (!twoDigits(s, at + 5, 12) || !twoDigits(s, at + 8, 31)) return false;
        int month = num2(s, at + 5), day = num2(s, at + 8);
        if (month < 1 || day < 1) return false;
        int length = switch (month) {
            case 2 -> (year % 4 == 0 && (year % 100 != 0 || year % 400 == 0)) ? 29 : 28;
            case 4, 6, 9, 11 -> 30;
            default -> 31;
        };
        return day <= length;
    }

    private static boolean twoDigits(CharSequence s, int at, int max) {
        return isDigit(s.charAt(at)) && isDigit(s.charAt(at + 1)) && num2(s, at) <= max;
    }

    private static int num2(CharSequence s, int at) {
        return (s.charAt(at) - '0') * 10 + (s.charAt(at + 1) - '0');
    }

    private static boolean isDigit(char c) {
        return c >= '0' && c <= '9';
    }
}
