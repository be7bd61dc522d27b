package io.tapmixpanel.streams;

import io.tapmixpanel.mixpanel.MixpanelClient;

import java.util.List;
import java.util.Set;

/**
 * What a stream's offer and schema may look at while discovery runs: the client, the settings that shape schemas,
 * and what discovery has decided so far about the streams before it in sync order.
 *
 * @param rawProperties export_raw_properties: export's schema has the raw {@code properties} column
 * @param dataGroupIds  data_group_ids: the group keys group_profiles reads
 * @param listed        ids of the streams already in the catalog
 * @param refusedForPlan ids of the streams left out because Mixpanel answered 402 for their metadata
 */
public record Discovering(MixpanelClient client, boolean rawProperties, List<Long> dataGroupIds, Set<String> listed,
                          Set<String> refusedForPlan) {
}
