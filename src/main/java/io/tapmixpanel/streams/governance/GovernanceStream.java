package io.tapmixpanel.streams.governance;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tapmixpanel.log.Log;
import io.tapmixpanel.mixpanel.GovernanceRoute;
import io.tapmixpanel.mixpanel.MixpanelApiException;
import io.tapmixpanel.mixpanel.MixpanelClient;
import io.tapmixpanel.singer.ReplicationMethod;
import io.tapmixpanel.streams.CallPlan;
import io.tapmixpanel.streams.Checkpoint;
import io.tapmixpanel.streams.Discovering;
import io.tapmixpanel.streams.Offer;
import io.tapmixpanel.streams.Probe;
import io.tapmixpanel.streams.Skip;
import io.tapmixpanel.streams.SkipRule;
import io.tapmixpanel.streams.StreamContext;
import io.tapmixpanel.streams.TapStream;
import io.tapmixpanel.streams.UnicodeText;

import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.regex.Pattern;

/**
 * A governance stream (docs/streams.md "Governance streams"): one App API listing read whole (FULL_TABLE), every item written
 * with every field as Mixpanel sent it, with a service account only, not selected by default. The registry makes one
 * per stream, each with its {@link Listing}. Lone surrogates become U+FFFD, as in the other streams (docs/streams.md
 * "Streams", names and text). A 403 (a plan or role without the feature) or 404 (an undocumented route missing)
 * skips the stream, in discovery and in a sync.
 */
public final class GovernanceStream implements TapStream {
    /** Where a governance stream's items come from. */
    public interface Listing {
        /** Asks Mixpanel for the items once, as discovery and {@code --test} do; the answer is not written. */
        void probe(MixpanelClient client);

        /** Hands every item over, in the order Mixpanel lists them; returns how many. */
        long read(MixpanelClient client, Consumer<ObjectNode> item);

        /**
         * This listing with {@code field} written as text: an integer becomes its decimal digits (every one, sign
         * included), a string stays as sent. lookup_tables' {@code id} is a signed 64-bit integer on the App API
         * route the tap reads and a UUID string on Mixpanel's documented lookup-table listing; declared a string,
         * the key holds either without a column widened at run time (docs/streams.md "Governance streams").
         */
        default Listing withTextField(String field) {
            Listing inner = this;
            return new Listing() {
                @Override
                public void probe(MixpanelClient client) { inner.probe(client); }

                @Override
                public long read(MixpanelClient client, Consumer<ObjectNode> item) {
                    return inner.read(client, i -> item.accept(textField(i, field)));
                }
            };
        }

        /** Items of these routes, read one after the other. */
        static Listing routes(GovernanceRoute... routes) {
            return new Listing() {
                @Override
                public void probe(MixpanelClient client) {
                    for (GovernanceRoute r : routes) client.governance(r);
                }

                @Override
                public long read(MixpanelClient client, Consumer<ObjectNode> item) {
                    long n = 0;
                    for (GovernanceRoute r : routes) {
                        List<ObjectNode> items = client.governance(r);
                        items.forEach(item);
                        n += items.size();
                    }
                    return n;
                }
            };
        }

        /**
         * lexicon_properties: event then user properties, each saying which in {@code resource_type}, as Mixpanel
         * spells the resource type ({@code Event} or {@code User}).
         */
        static Listing lexiconProperties() {
            Listing both = routes(GovernanceRoute.LEXICON_EVENT_PROPERTIES, GovernanceRoute.LEXICON_USER_PROPERTIES);
            return new Listing() {
                @Override
                public void probe(MixpanelClient client) { both.probe(client); }

                @Override
                public long read(MixpanelClient client, Consumer<ObjectNode> item) {
                    long n = 0;
                    for (GovernanceRoute r : List.of(GovernanceRoute.LEXICON_EVENT_PROPERTIES, GovernanceRoute.LEXICON_USER_PROPERTIES)) {
                        for (ObjectNode p : client.governance(r)) {
                            p.put("resource_type", r == GovernanceRoute.LEXICON_USER_PROPERTIES ? "User" : "Event");
                            item.accept(p);
                            n++;
                        }
                    }
                    return n;
                }
            };
        }

        /**
         * schema_enforcement: the project's enforcement config, one item or none. Mixpanel answers "none configured"
         * with a 404 whose error names the enforcement ({@link #noneConfigured}): no item, the stream is ok. Any
         * other 404 (the undocumented route missing or moved) propagates, to skip the stream with a warning, so a
         * moved route is never read as "no enforcement" (docs/streams.md "Governance streams").
         */
        static Listing schemaEnforcement() {
            Listing route = routes(GovernanceRoute.SCHEMA_ENFORCEMENT);
            return new Listing() {
                @Override
                public void probe(MixpanelClient client) {
                    try {
                        route.probe(client);
                    } catch (MixpanelApiException e) {
                        if (!noneConfigured(e)) throw e;
                    }
                }

                @Override
                public long read(MixpanelClient client, Consumer<ObjectNode> item) {
                    try {
                        return route.read(client, item);
                    } catch (MixpanelApiException e) {
                        if (!noneConfigured(e)) throw e;
                        Log.info("schema_enforcement: the project has no schema enforcement configured (Mixpanel answered 404: %s)",
                                e.apiMessage());
                        return 0;
                    }
                }
            };
        }

        /**
         * schemas: the schema registry. The client keeps its answer for the run (shared with discovery, which asks it
         * for export's types), so a sync does not spend another of its 5 calls a minute; items are written as copies.
         */
        static Listing schemaRegistry() {
            return new Listing() {
                @Override
                public void probe(MixpanelClient client) { client.schemaRegistry(); }

                @Override
                public long read(MixpanelClient client, Consumer<ObjectNode> item) {
                    List<ObjectNode> registry = client.schemaRegistry();
                    for (ObjectNode s : registry) item.accept(s.deepCopy());
                    return registry.size();
                }
            };
        }
    }

    /** What Mixpanel's "none configured" 404 of the schema enforcement route says, and a missing route's does not. */
    private static final Pattern NONE_CONFIGURED = Pattern.compile("enforcement|not configured", Pattern.CASE_INSENSITIVE);

    /**
     * Whether a failure of the schema enforcement route is Mixpanel's "none configured": a 404 whose error text names
     * the enforcement or says it is not configured, as Mixpanel's client documents that 404 ("No enforcement
     * configured"). A missing route's 404 names no enforcement (a generic "not found", or a page).
     */
    static boolean noneConfigured(MixpanelApiException e) {
        return e.status() == 404 && NONE_CONFIGURED.matcher(e.apiMessage()).find();
    }

    /** {@code item} with an integral {@code field} replaced by its decimal text (exact: Jackson keeps big ones whole). */
    static ObjectNode textField(ObjectNode item, String field) {
        JsonNode v = item.get(field);
        if (v != null && v.isIntegralNumber()) item.put(field, v.bigIntegerValue().toString());
        return item;
    }

    private final String id;
    private final List<String> keyProperties;
    private final Listing listing;

    public GovernanceStream(String id, List<String> keyProperties, Listing listing) {
        this.id = id;
        this.keyProperties = List.copyOf(keyProperties);
        this.listing = listing;
    }

    @Override
    public String id() { return id; }

    @Override
    public List<String> keyProperties() { return keyProperties; }

    @Override
    public Optional<ReplicationMethod> forcedReplicationMethod() { return Optional.of(ReplicationMethod.FULL_TABLE); }

    @Override
    public boolean selectedByDefault() { return false; }

    @Override
    public boolean needsServiceAccount() { return true; }

    @Override
    public List<String> bookmarkProperties(boolean incremental) { return List.of(); }

    /**
     * Whether the project offers it: its listing is asked once. A 402, 403 (a plan without the feature) or 404 (an
     * undocumented route that is missing or moved) leaves it out with a warning; refused credentials fail discovery;
     * any other failure keeps it listed, for the sync to report.
     */
    @Override
    public Offer offer(Discovering d) {
        try {
            listing.probe(d.client());
            return Offer.OFFERED;
        } catch (MixpanelApiException e) {
            if (e.credentialsRefused()) throw e;
            if (e.status() == 402 || e.status() == 403 || e.status() == 404) return new Offer.LeftOut(unavailable(e));
            Log.warning("stream %s listed although its route failed (the sync will report it if it still fails): %s",
                    id, e.getMessage());
            return Offer.OFFERED;
        }
    }

    /** Its listing, asked once, as discovery does. */
    @Override
    public Probe probe(Probe.Context c) {
        return Probe.of(id, () -> listing.probe(c.client()));
    }

    @Override
    public List<SkipRule> skipRules() {
        return List.of(SkipRule.PAYMENT_REQUIRED, e -> e.status() == 403 || e.status() == 404
                ? Optional.of(new Skip(e.status() == 403 ? Skip.Kind.FORBIDDEN : Skip.Kind.NOT_FOUND, unavailable(e)))
                : Optional.empty());
    }

    /** Why a governance route is not available, for the warning that skips its stream (discovery and sync). */
    static String unavailable(MixpanelApiException e) {
        String why = e.status() == 404
                ? "the project does not offer this route (it is undocumented and may have moved)"
                : "the project's plan or the account's role does not include this feature";
        String said = e.apiMessage().isEmpty() ? "" : ": " + e.apiMessage();
        return "Mixpanel answered " + e.status() + " for " + e.path() + ", " + why + said;
    }

    @Override
    public CallPlan plan(StreamContext ctx) {
        // The App API has no hourly budget; the schema registry's per-minute limit is kept by the client.
        return CallPlan.NONE;
    }

    @Override
    public void sync(StreamContext ctx) {
        long written = listing.read(ctx.client(), item -> ctx.emitter().emit((ObjectNode) UnicodeText.clean(item)));
        ctx.committer().commit(Checkpoint.of(written));
    }

    @Override
    public String toString() { return id; }
}
