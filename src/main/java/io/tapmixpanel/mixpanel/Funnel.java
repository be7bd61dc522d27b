package io.tapmixpanel.mixpanel;

/** One saved funnel from {@code funnels/list}. */
public record Funnel(long funnelId, String name) {}
