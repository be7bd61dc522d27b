package io.tapmixpanel.streams;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tapmixpanel.log.Log;
import io.tapmixpanel.mixpanel.EngageQuery;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.OptionalLong;

/**
 * group_profiles (docs/streams.md "Streams"): for each group key id of {@code data_group_ids}, its profiles from engage with
 * {@code data_group_id}, paged like engage; each record is shaped like an engage record plus {@code data_group_id}.
 */
final class GroupProfilesStream implements StreamSync {
    @Override
    public CallPlan plan(StreamContext ctx) {
        int keys = ctx.config().dataGroupIds().size();
        return CallPlan.query(keys, "group_profiles " + keys + " first page" + (keys == 1 ? "" : "s"));
    }

    @Override
    public void sync(StreamContext ctx) {
        List<Long> ids = ctx.config().dataGroupIds();
        if (ids.isEmpty()) {
            Log.warning("stream %s is selected but data_group_ids names no group key: nothing to read", ctx.stream());
        }
        int i = 0;
        for (long id : ids) {
            int n = ++i;
            EngageQuery q = new EngageQuery(Optional.empty(), List.of(), Optional.empty(), 0, OptionalInt.empty(),
                    OptionalLong.empty(), OptionalLong.of(id));
            EngagePages.forEach("group key " + id, ctx.client()::engage, q, ctx.pool(), ctx.config().http().maxConcurrentRequests(),
                    p -> ctx.position().accept("group key " + n + "/" + ids.size() + ", " + p),
                    page -> {
                        List<ObjectNode> records = new ArrayList<>(page.size());
                        for (ObjectNode profile : page) {
                            ObjectNode shaped = EngageStream.shape(profile);
                            ObjectNode r = shaped.objectNode();
                            r.put("data_group_id", id);
                            // a profile property of that name must not overwrite the key (docs/streams.md "Streams")
                            JsonNode literal = shaped.remove("data_group_id");
                            r.setAll(shaped);
                            if (literal != null) r.set("mp_literal_data_group_id", literal);
                            records.add(r);
                        }
                        ctx.emitter().emitAll(records);
                    });
        }
        ctx.checkpoint();
    }

    @Override
    public List<String> bookmarkProperties(boolean incremental) { return List.of(); }
}
