package io.tapmixpanel.mixpanel;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.LocalDate;

/** One day of a funnel ({@code unit=day}): {@code steps} is the array of steps, {@code analysis} the summary object. */
public record FunnelDay(LocalDate date, JsonNode steps, JsonNode analysis) {}
