package io.tapmixpanel.streams;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

class PropertyNamesTest {
    @Test
    void dollarPropertiesBecomeMpReserved() {
        assertEquals("mp_reserved_insert_id", PropertyNames.column("$insert_id"));
        assertEquals("mp_reserved_browser", PropertyNames.column("$browser"));
        assertEquals("plan", PropertyNames.column("plan"));
        assertEquals("mp_lib", PropertyNames.column("mp_lib"));
    }

    @Test
    void aLiteralMpReservedNameDoesNotCollideWithTheRenamedDollarName() {
        String fromDollar = PropertyNames.column("$browser");
        String literal = PropertyNames.column("mp_reserved_browser");
        assertNotEquals(fromDollar, literal);
        assertEquals("mp_literal_mp_reserved_browser", literal);
        assertEquals("mp_literal_mp_literal_x", PropertyNames.column("mp_literal_x"));
    }

    @Test
    void theMappingIsInvertible() {
        for (String s : List.of("$browser", "mp_reserved_browser", "mp_literal_mp_reserved_browser", "plan", "$", "mp_literal_")) {
            assertEquals(s, PropertyNames.source(PropertyNames.column(s)), s);
        }
    }
}
