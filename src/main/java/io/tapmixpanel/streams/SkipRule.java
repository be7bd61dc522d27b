package io.tapmixpanel.streams;

import io.tapmixpanel.mixpanel.MixpanelApiException;
import io.tapmixpanel.mixpanel.PaymentRequiredException;

import java.util.Locale;
import java.util.Optional;

/** One kind of failure that skips a stream instead of failing it (docs/reliability.md "When a stream fails"). */
@FunctionalInterface
public interface SkipRule {
    Optional<Skip> match(MixpanelApiException e);

    /** A 402: the project's plan does not include the API. Every stream has this rule. */
    SkipRule PAYMENT_REQUIRED = e -> e instanceof PaymentRequiredException
            ? Optional.of(new Skip(Skip.Kind.PAYMENT_REQUIRED, "Mixpanel answered 402, your plan does not include this API"))
            : Optional.empty();

    /** revenue's 400 {@code Timeout Error}, as Mixpanel answers on EU servers. */
    SkipRule TIMEOUT_ERROR = e -> e.status() == 400 && e.apiMessage().toLowerCase(Locale.ROOT).contains("timeout error")
            ? Optional.of(new Skip(Skip.Kind.TIMEOUT,
                    "Mixpanel answered 400 Timeout Error for " + e.path() + " (as it does on EU servers)"))
            : Optional.empty();

    /** A 404 of an endpoint in no Mixpanel spec, whose path ends with {@code pathEnd}. */
    static SkipRule undocumented404(String pathEnd) {
        return e -> e.status() == 404 && e.path().endsWith(pathEnd)
                ? Optional.of(new Skip(Skip.Kind.NOT_FOUND,
                        "Mixpanel answered 404 for " + e.path() + ", an undocumented endpoint this project does not offer"))
                : Optional.empty();
    }
}
