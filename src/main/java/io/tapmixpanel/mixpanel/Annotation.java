package io.tapmixpanel.mixpanel;

import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * One annotation with every field Mixpanel sent: legacy ({@code id, project_id, date, description}) or v2
 * ({@code id, date, description, user{...}, tags[...]}).
 */
public record Annotation(ObjectNode raw) {}
