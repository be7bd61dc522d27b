package io.tapmixpanel.mixpanel;

/**
 * The configured project as {@code /api/app/me} describes it. {@code domain} is {@code mixpanel.com},
 * {@code eu.mixpanel.com}, {@code in.mixpanel.com} or "" (= US); {@code timezone} is an IANA zone name as Mixpanel
 * spells it (e.g. {@code US/Pacific}), or "" when absent.
 */
public record ProjectInfo(long id, String name, String timezone, String domain) {

    /** The region {@link #domain()} points to. */
    public Region region() {
        if (domain.startsWith("eu.")) return Region.EU;
        if (domain.startsWith("in.")) return Region.IN;
        return Region.US;
    }
}
