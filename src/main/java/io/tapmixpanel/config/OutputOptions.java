package io.tapmixpanel.config;

/**
 * What the tap writes to its target besides SCHEMA, RECORD and STATE: ACTIVATE_VERSION around full-table streams
 * and the version on their records (docs/activate-version.md "ACTIVATE_VERSION").
 */
public record OutputOptions(boolean activateVersion) {

    static OutputOptions read(RawConfig c) {
        return new OutputOptions(c.bool(Setting.ACTIVATE_VERSION));
    }
}
