package io.tapmixpanel.sandbox;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * The event property table against what the generator writes: every row shows up in the export lines of its
 * events with a value of its declared JSON type, nothing else shows up, and the per-property counts (behind
 * {@code events/properties/top}) are the keys really written.
 */
class EventTableTest {
    static final ObjectMapper M = new ObjectMapper();
    static Project project;
    static List<JsonNode> lines = new ArrayList<>();

    @BeforeAll
    static void generate() throws IOException {
        project = new Project(SandboxOptions.builder().events(10_000).days(4).endDate(LocalDate.parse("2024-03-10"))
            .profiles(60).build());
        for (Project.Day d : project.dayData) {
            for (int i = 0; i < d.count; i++) {
                int s = d.lineStart[i];
                lines.add(M.readTree(new String(d.raw, s, d.lineStart[i + 1] - s, StandardCharsets.UTF_8)));
            }
        }
        assertEquals(10_000, lines.size());
    }

    static boolean hasType(JsonNode v, EventTable.JsonType t) {
        switch (t) {
            case STRING: return v.isTextual();
            case INTEGER: return v.isIntegralNumber();
            case NUMBER: return v.isNumber();
            case BOOLEAN: return v.isBoolean();
            case OBJECT: return v.isObject();
            case ARRAY: return v.isArray();
            default: return v.isTextual() || v.isNull();
        }
    }

    @Test
    void everyEventHasOnlyItsTablePropertiesInTableOrderWithTheirDeclaredTypes() {
        Map<String, EventTable.EventSpec> byName = new HashMap<>();
        for (EventTable.EventSpec e : EventTable.EVENTS) byName.put(e.name(), e);
        for (JsonNode line : lines) {
            EventTable.EventSpec spec = byName.get(line.get("event").asText());
            if (spec == null) fail("event not in the table: " + line);
            List<EventTable.PropertySpec> rows = new ArrayList<>(EventTable.COMMON);
            rows.addAll(spec.properties());
            int row = 0;
            for (Iterator<Map.Entry<String, JsonNode>> it = line.get("properties").fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> f = it.next();
                while (row < rows.size() && !rows.get(row).name().equals(f.getKey())) row++;
                if (row == rows.size()) fail(f.getKey() + " is not a row of " + spec.name() + " (or out of table order): " + line);
                EventTable.PropertySpec p = rows.get(row);
                assertTrue(hasType(f.getValue(), p.type()), p.name() + " declared " + p.type() + " but written " + f.getValue());
            }
        }
    }

    @Test
    void everyTableRowIsWrittenInEveryJsonTypeItDeclares() {
        Map<String, Set<String>> seenKinds = new HashMap<>();
        for (JsonNode line : lines) {
            line.get("properties").fields().forEachRemaining(f ->
                seenKinds.computeIfAbsent(f.getKey(), k -> new HashSet<>()).add(f.getValue().isNull() ? "null" : "value"));
        }
        for (EventTable.PropertySpec p : EventTable.PROPERTIES) {
            Set<String> kinds = seenKinds.get(p.name());
            assertTrue(kinds != null && kinds.contains("value"), p.name() + " is in the table but never generated");
            if (p.type() == EventTable.JsonType.NULLABLE_STRING)
                assertTrue(kinds.contains("null"), p.name() + " is declared nullable but never null");
        }
    }

    @Test
    void perPropertyCountsAreTheKeysWritten() {
        long[] counted = new long[EventTable.PROPERTIES.length];
        for (JsonNode line : lines) line.get("properties").fieldNames().forEachRemaining(k -> counted[EventTable.propertyId(k)]++);
        for (int i = 0; i < counted.length; i++)
            assertEquals(counted[i], project.eventPropCounts[i], EventTable.PROPERTIES[i].name());
        assertEquals(lines.size(), project.eventPropCounts[0], "time is in every event");
    }
}
