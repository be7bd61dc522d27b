package io.tapmixpanel.streams;

/** Whether discovery lists a stream for this project (docs/discovery.md). */
public sealed interface Offer {
    /** Listed. */
    Offer OFFERED = new Listed();

    /** Listed in the catalog. */
    record Listed() implements Offer {}

    /** Not listed, silently: the config asks for nothing it could read (group_profiles without data_group_ids). */
    record NotAsked() implements Offer {}

    /** Not listed, with a warning saying {@code why}. */
    record LeftOut(String why) implements Offer {}
}
