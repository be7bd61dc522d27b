package io.tapmixpanel.config;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** The labels Meltano shows (docs/meltano.md "Meltano"): a setting declared without one gets a title made from its key. */
class SettingLabelTest {
    @Test
    void aLabelMadeFromTheKeyCapitalisesEachWordAndTheUsualAcronyms() {
        assertEquals("API Base URL", Setting.labelOf("api_base_url"));
        assertEquals("Project ID", Setting.labelOf("project_id"));
        assertEquals("EU Residency Server", Setting.labelOf("eu_residency_server"));
        assertEquals("Batch Config", Setting.labelOf("batch_config"));
        assertEquals("Activate Version", Setting.labelOf("activate_version"));
    }

    @Test
    void settingsDeclaredWithALabelKeepIt() {
        assertEquals("Service Account Username", Setting.SERVICE_ACCOUNT_USERNAME.label());
        assertEquals("Export Filter (where)", Setting.EXPORT_WHERE.label());
    }
}
