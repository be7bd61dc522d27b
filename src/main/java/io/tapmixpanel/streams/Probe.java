package io.tapmixpanel.streams;

import io.tapmixpanel.config.TapConfig;
import io.tapmixpanel.mixpanel.MixpanelClient;

import java.time.LocalDate;
import java.util.List;
import java.util.Optional;

/**
 * A stream's cheapest real calls for {@code --test} (README "Command line"), made through the same client, budgets
 * and retries as a sync. Calls are made in order until one does not succeed; a call another stream made under the
 * same key is not made again. {@code unavailable} says why the stream cannot be read at all with this config.
 */
public record Probe(List<Call> calls, Optional<String> unavailable) {
    /** What a probe may use: the config, the client, and a day Mixpanel accepts as a {@code to_date} anywhere. */
    public record Context(TapConfig config, MixpanelClient client, LocalDate day) {}

    /** One call, shared between streams under its key ({@code cohorts/list}, {@code engage}). */
    public record Call(String key, Runnable call) {}

    public Probe {
        calls = List.copyOf(calls);
    }

    public static Probe of(String key, Runnable call) {
        return new Probe(List.of(new Call(key, call)), Optional.empty());
    }

    public static Probe of(Call... calls) {
        return new Probe(List.of(calls), Optional.empty());
    }

    public static Probe unavailable(String why) {
        return new Probe(List.of(), Optional.of(why));
    }
}
