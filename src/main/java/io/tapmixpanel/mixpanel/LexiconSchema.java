package io.tapmixpanel.mixpanel;

import com.fasterxml.jackson.databind.node.ObjectNode;

/** One Lexicon schema: {@code entityType} is {@code event} or {@code profile}; {@code schemaJson} is the JSON Schema. */
public record LexiconSchema(String entityType, String name, ObjectNode schemaJson) {}
