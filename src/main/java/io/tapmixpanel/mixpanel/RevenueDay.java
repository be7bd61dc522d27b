package io.tapmixpanel.mixpanel;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.LocalDate;

/** One day of {@code engage/revenue}; the numbers are kept as Mixpanel sent them (MissingNode when absent). */
public record RevenueDay(LocalDate date, JsonNode amount, JsonNode count, JsonNode paidCount) {}
