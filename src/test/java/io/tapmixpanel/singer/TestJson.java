package io.tapmixpanel.singer;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.IOException;

/** JSON literals for the singer tests, written with single quotes so they read inline. */
final class TestJson {
    private static final ObjectMapper M = new ObjectMapper();

    private TestJson() {}

    /** Parses {@code json} after turning every {@code '} into {@code "}. */
    static ObjectNode obj(String json) {
        try {
            return (ObjectNode) M.readTree(json.replace('\'', '"'));
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }
}
