package io.tapmixpanel.mixpanel;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.ObjectMapper;

/** The one ObjectMapper (and its JsonFactory) of the client: thread-safe, made once, so that its caches are reused. */
final class MixpanelJson {
    static final ObjectMapper MAPPER = new ObjectMapper();
    static final JsonFactory FACTORY = MAPPER.getFactory();

    static {
        // The client closes response streams itself (it may have to abort the connection instead of draining it).
        FACTORY.disable(JsonParser.Feature.AUTO_CLOSE_SOURCE);
    }

    private MixpanelJson() {}
}
