package io.tapmixpanel.mixpanel.http;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.ObjectMapper;

/** The one ObjectMapper of the client (JSON answers, error bodies, query parameters): thread-safe, made once, so that its caches are reused. */
public final class MixpanelJson {
    public static final ObjectMapper MAPPER = new ObjectMapper();

    static {
        // The transport closes response streams itself (it may have to abort the connection instead of draining it).
        MAPPER.getFactory().disable(JsonParser.Feature.AUTO_CLOSE_SOURCE);
    }

    private MixpanelJson() {}
}
