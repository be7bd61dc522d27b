package io.tapmixpanel.streams.governance;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * docs/streams.md "Governance streams" (lookup table ids are text): how a governance item's integer id becomes the
 * text a string key holds.
 */
class TextFieldTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    private static ObjectNode item(String json) throws Exception {
        return (ObjectNode) JSON.readTree(json);
    }

    @Test
    void anIntegerPastTwoToTheFiftyThirdBecomesItsDecimalTextWithEveryDigit() throws Exception {
        assertEquals("{\"id\":\"9007199254740993\",\"name\":\"a\"}",
                GovernanceStream.textField(item("{\"id\":9007199254740993,\"name\":\"a\"}"), "id").toString());
    }

    @Test
    void aNegativeSixtyFourBitIntegerKeepsItsSign() throws Exception {
        assertEquals("{\"id\":\"-8644926364725811123\"}",
                GovernanceStream.textField(item("{\"id\":-8644926364725811123}"), "id").toString());
    }

    @Test
    void anIntegerBeyondSixtyFourBitsIsStillExact() throws Exception {
        assertEquals("{\"id\":\"18446744073709551617\"}",
                GovernanceStream.textField(item("{\"id\":18446744073709551617}"), "id").toString());
    }

    @Test
    void aStringIdSuchAsAUuidStaysAsSent() throws Exception {
        String uuid = "{\"id\":\"55b4fb2b-e8de-466c-930f-8b36640b9b5e\"}";
        assertEquals(uuid, GovernanceStream.textField(item(uuid), "id").toString());
    }

    @Test
    void aNullOrMissingIdAndOtherFieldsAreLeftAlone() throws Exception {
        assertEquals("{\"id\":null,\"n\":5}", GovernanceStream.textField(item("{\"id\":null,\"n\":5}"), "id").toString());
        assertEquals("{\"n\":5}", GovernanceStream.textField(item("{\"n\":5}"), "id").toString());
    }
}
