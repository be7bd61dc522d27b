package io.tapmixpanel.streams;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;

/** The schemas shipped in the jar ({@code schemas/<stream>.json}): every stream's schema before discovery adds to it. */
public final class StaticSchemas {
    private static final ObjectMapper MAPPER = new ObjectMapper();

    private StaticSchemas() {}

    /** The schema of {@code schemas/<stream>.json}, a fresh copy. */
    public static ObjectNode of(String stream) {
        String path = "/schemas/" + stream + ".json";
        try (InputStream in = StaticSchemas.class.getResourceAsStream(path)) {
            if (in == null) throw new IllegalStateException("missing resource " + path + " (broken build)");
            return (ObjectNode) MAPPER.readTree(in);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + path, e);
        }
    }
}
