package io.clp.campaign.internal;

import io.clp.platform.problem.FieldError;
import io.clp.platform.problem.Problems;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.SqlConnection;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

/**
 * Resolves what source rows name to this service's entities, a page of keys at a time, set-based: one query for the
 * page's external-id keys and one for its names keys, whatever their number; creating unknown names paths costs a
 * few statements per level of the hierarchy, never a statement per key.
 *
 * <p>Matching rules (docs/pipelines.md, "Calls to campaign-service"): an external id matches the entity of that level
 * with that DSP id, within the account if one is given, else across the organization's DSPs; a names path matches
 * level by level by exact name (campaigns of the account, or of the organization; then children of the matched
 * parent). Entities the DSP removed match only where no live one does. More than one match is {@code ambiguous} and
 * resolves to nothing. Creating unknown entities creates the missing tail of a names path in the given account, with
 * the external id {@code file:<sha-256 of level, parent id and name>}: the same path always gets the same id, so two
 * concurrent requests creating it meet on the tables' unique (org, DSP, external id) and share one row.
 */
@ApplicationScoped
class EntityResolutions {

    static final int MAX_KEYS = 1_000;
    static final int MAX_NAME = 500;
    static final List<String> LEVELS = List.of("campaign", "insertion_order", "line_item", "creative");
    private static final String[] ALL_DSPS = {"dv360", "ttd", "meta", "amazon", "google_ads"};
    /** What the creation lookup maps an ambiguous (parent, name) to. */
    private static final UUID AMBIGUOUS = new UUID(0, 0);

    private static final String BY_EXTERNAL_ID = """
            WITH k AS (SELECT * FROM unnest($4::int[], $5::text[], $6::text[]) AS k(ord, level, external_id)),
            m AS (
                SELECT k.ord, t.id AS campaign_id, NULL::uuid AS insertion_order_id, NULL::uuid AS line_item_id,
                       NULL::uuid AS creative_id, t.dsp_account_id
                FROM k JOIN campaigns t ON t.org_id = $1 AND t.dsp_type = ANY ($3::dsp_type[]) AND t.external_id = k.external_id
                WHERE k.level = 'campaign' AND ($2::uuid IS NULL OR t.dsp_account_id = $2::uuid)
                UNION ALL
                SELECT k.ord, t.campaign_id, t.id, NULL, NULL, t.dsp_account_id
                FROM k JOIN insertion_orders t ON t.org_id = $1 AND t.dsp_type = ANY ($3::dsp_type[]) AND t.external_id = k.external_id
                WHERE k.level = 'insertion_order' AND ($2::uuid IS NULL OR t.dsp_account_id = $2::uuid)
                UNION ALL
                SELECT k.ord, t.campaign_id, t.insertion_order_id, t.id, NULL, t.dsp_account_id
                FROM k JOIN line_items t ON t.org_id = $1 AND t.dsp_type = ANY ($3::dsp_type[]) AND t.external_id = k.external_id
                WHERE k.level = 'line_item' AND ($2::uuid IS NULL OR t.dsp_account_id = $2::uuid)
                UNION ALL
                SELECT k.ord, coalesce(t.campaign_id, l.campaign_id), l.insertion_order_id, t.line_item_id, t.id, t.dsp_account_id
                FROM k JOIN creatives t ON t.org_id = $1 AND t.dsp_type = ANY ($3::dsp_type[]) AND t.external_id = k.external_id
                       LEFT JOIN line_items l ON l.id = t.line_item_id
                WHERE k.level = 'creative' AND ($2::uuid IS NULL OR t.dsp_account_id = $2::uuid))
            SELECT m.ord, count(*) OVER (PARTITION BY m.ord)::int AS matches, m.campaign_id, m.insertion_order_id,
                   m.line_item_id, m.creative_id, a.currency::text AS currency
            FROM m LEFT JOIN dsp_accounts a ON a.id = m.dsp_account_id
            """;

    /**
     * Full-path matches per key; live paths (nothing on them removed) rank before removed ones. Children are found by
     * their parent and name ((parent, name) indexes); their organization is compared with IS NOT DISTINCT FROM, which
     * no index serves: with "org_id = $1" the planner walked the organization's entries of the external-id index
     * instead, and joined every key against every entity of the organization, whenever a new organization's
     * statistics still said it had no rows (2.4 s for 1,000 keys against 3,800 creatives). Each level carries the names
     * below it, so no step joins back to the keys: the planner, estimating one row per CTE, joined them back by nested
     * loops, 1,000 x 1,000 rows a level (200 ms a page of 1,000 keys; 17 ms without).
     */
    private static final String BY_NAMES = """
            WITH k AS (SELECT * FROM unnest($3::int[], $4::text[], $5::text[], $6::text[], $7::text[])
                           AS k(ord, c_name, io_name, li_name, cr_name)),
            c AS (SELECT k.ord, k.io_name, k.li_name, k.cr_name, t.id, t.dsp_account_id, t.removed_at IS NOT NULL AS gone
                  FROM k JOIN campaigns t ON t.org_id = $1 AND t.name = k.c_name
                  WHERE $2::uuid IS NULL OR t.dsp_account_id = $2::uuid),
            io AS (SELECT c.ord, c.li_name, c.cr_name, c.id AS campaign_id, t.id, c.dsp_account_id,
                          c.gone OR t.removed_at IS NOT NULL AS gone
                   FROM c JOIN insertion_orders t ON t.campaign_id = c.id AND t.name = c.io_name
                                                   AND t.org_id IS NOT DISTINCT FROM $1
                   WHERE c.io_name IS NOT NULL),
            li AS (SELECT io.ord, io.cr_name, io.campaign_id, io.id AS insertion_order_id, t.id, io.dsp_account_id,
                          io.gone OR t.removed_at IS NOT NULL AS gone
                   FROM io JOIN line_items t ON t.insertion_order_id = io.id AND t.name = io.li_name
                                             AND t.org_id IS NOT DISTINCT FROM $1
                   WHERE io.li_name IS NOT NULL),
            cr AS (SELECT li.ord, li.campaign_id, li.insertion_order_id, li.id AS line_item_id, t.id, li.dsp_account_id,
                          li.gone OR t.removed_at IS NOT NULL AS gone
                   FROM li JOIN creatives t ON t.line_item_id = li.id AND t.name = li.cr_name
                                            AND t.org_id IS NOT DISTINCT FROM $1
                   WHERE li.cr_name IS NOT NULL),
            m AS (
                SELECT c.ord, c.id AS campaign_id, NULL::uuid AS insertion_order_id, NULL::uuid AS line_item_id,
                       NULL::uuid AS creative_id, c.dsp_account_id, c.gone
                FROM c WHERE c.io_name IS NULL
                UNION ALL
                SELECT io.ord, io.campaign_id, io.id, NULL, NULL, io.dsp_account_id, io.gone
                FROM io WHERE io.li_name IS NULL
                UNION ALL
                SELECT li.ord, li.campaign_id, li.insertion_order_id, li.id, NULL, li.dsp_account_id, li.gone
                FROM li WHERE li.cr_name IS NULL
                UNION ALL
                SELECT cr.ord, cr.campaign_id, cr.insertion_order_id, cr.line_item_id, cr.id, cr.dsp_account_id, cr.gone
                FROM cr),
            best AS (SELECT m.*, rank() OVER (PARTITION BY m.ord ORDER BY m.gone) AS r FROM m)
            SELECT b.ord, count(*) OVER (PARTITION BY b.ord)::int AS matches, b.campaign_id, b.insertion_order_id,
                   b.line_item_id, b.creative_id, a.currency::text AS currency
            FROM best b LEFT JOIN dsp_accounts a ON a.id = b.dsp_account_id
            WHERE b.r = 1
            """;

    private final InternalStore store;

    EntityResolutions(InternalStore store) {
        this.store = store;
    }

    /** A (parent, name) node of a names path: the parent is the account for a campaign, else the parent entity. */
    private record Node(UUID parent, String name) {
    }

    /** A names key, its blanks read as absent: valid when it names a campaign and has no gap below it. */
    private record Names(String[] names) {
        static Names of(ResolutionRequest.Key key) {
            return new Names(new String[] {blankToNull(key.campaign()), blankToNull(key.insertionOrder()),
                    blankToNull(key.lineItem()), blankToNull(key.creative())});
        }

        private static String blankToNull(String name) {
            return name == null || name.isBlank() ? null : name;
        }

        int depth() {
            int d = 0;
            while (d < names.length && names[d] != null) {
                d++;
            }
            return d;
        }

        boolean valid() {
            int d = depth();
            for (int i = d; i < names.length; i++) {
                if (names[i] != null) {
                    return false;
                }
            }
            return d > 0 && Arrays.stream(names).allMatch(n -> n == null || n.length() <= MAX_NAME);
        }
    }

    Uni<List<ResolutionResult>> resolve(UUID orgId, ResolutionRequest request, String caller, String requestId) {
        validate(request);
        List<ResolutionRequest.Key> keys = request.keys();
        if (!request.create()) {
            return store.inOrganization(orgId, conn -> scopedAccount(conn, orgId, request.dspAccountId(), false)
                    .chain(account -> read(conn, orgId, account, keys)));
        }
        return store.writeInOrganization(orgId, actorOf(caller), caller, requestId,
                conn -> scopedAccount(conn, orgId, request.dspAccountId(), true)
                        .chain(account -> read(conn, orgId, account, keys)
                                .chain(results -> create(conn, orgId, account, keys, results, actorOf(caller)))));
    }

    private static void validate(ResolutionRequest request) {
        List<FieldError> errors = new ArrayList<>();
        if (request.keys() == null || request.keys().isEmpty() || request.keys().size() > MAX_KEYS) {
            throw Problems.validation("keys", "must hold 1 to " + MAX_KEYS + " keys");
        }
        if (request.create() && request.dspAccountId() == null) {
            errors.add(new FieldError("dspAccountId", "is required to create unknown entities"));
        }
        for (int i = 0; i < request.keys().size(); i++) {
            ResolutionRequest.Key key = request.keys().get(i);
            String field = "keys[" + i + "]";
            // a key naming nothing is a names path without names (a file row with every name blank): invalid-key, not a
            // refused page; a key in both forms is the caller's mistake
            if (key == null || (key.byExternalId() && key.byNames())) {
                errors.add(new FieldError(field, "must be either {level, externalId} or names {campaign, insertionOrder, lineItem, creative}"));
            } else if (key.byExternalId()) {
                if (key.level() == null || !LEVELS.contains(key.level())) {
                    errors.add(new FieldError(field + ".level", "must be one of " + String.join(", ", LEVELS)));
                }
                if (key.externalId() == null || key.externalId().isBlank() || key.externalId().length() > 255) {
                    errors.add(new FieldError(field + ".externalId", "must be 1 to 255 characters"));
                }
            }
        }
        if (!errors.isEmpty()) {
            throw Problems.validation(errors);
        }
    }

    private static Uni<InternalStore.Account> scopedAccount(SqlConnection conn, UUID orgId, UUID accountId, boolean create) {
        if (accountId == null) {
            return Uni.createFrom().nullItem();
        }
        return InternalStore.account(conn, orgId, accountId).invoke(account -> {
            if (create && !account.active()) {
                throw InternalStore.accountDisabled(accountId);
            }
        });
    }

    private static Uni<List<ResolutionResult>> read(SqlConnection conn, UUID orgId, InternalStore.Account account,
                                                    List<ResolutionRequest.Key> keys) {
        ResolutionResult[] results = new ResolutionResult[keys.size()];
        List<Integer> extOrd = new ArrayList<>();
        List<String> extLevel = new ArrayList<>();
        List<String> extId = new ArrayList<>();
        List<Integer> nameOrd = new ArrayList<>();
        List<String[]> names = new ArrayList<>();
        for (int i = 0; i < keys.size(); i++) {
            ResolutionRequest.Key key = keys.get(i);
            if (key.byExternalId()) {
                extOrd.add(i);
                extLevel.add(key.level());
                extId.add(key.externalId());
            } else {
                Names n = Names.of(key);
                if (n.valid()) {
                    nameOrd.add(i);
                    names.add(n.names());
                } else {
                    results[i] = ResolutionResult.unresolved(ResolutionResult.INVALID_KEY);
                }
            }
        }
        UUID accountId = account == null ? null : account.id();
        String[] dsps = account == null ? ALL_DSPS : new String[] {account.dspType()};
        Uni<Void> byExternalId = extOrd.isEmpty() ? Uni.createFrom().voidItem()
                : conn.preparedQuery(BY_EXTERNAL_ID).execute(Tuple.from(Arrays.asList(orgId, accountId, dsps,
                        extOrd.toArray(Integer[]::new), extLevel.toArray(String[]::new), extId.toArray(String[]::new))))
                .invoke(rows -> collect(rows, results)).replaceWithVoid();
        Uni<Void> byNames = nameOrd.isEmpty() ? Uni.createFrom().voidItem() : Uni.createFrom().deferred(() -> {
            String[][] columns = new String[4][nameOrd.size()];
            for (int j = 0; j < nameOrd.size(); j++) {
                for (int l = 0; l < 4; l++) {
                    columns[l][j] = names.get(j)[l];
                }
            }
            List<Object> params = new ArrayList<>(Arrays.asList(orgId, accountId, nameOrd.toArray(Integer[]::new)));
            params.addAll(List.of((Object[]) columns));
            return conn.preparedQuery(BY_NAMES).execute(Tuple.from(params)).invoke(rows -> collect(rows, results)).replaceWithVoid();
        });
        return byExternalId.chain(() -> byNames).map(ignored -> {
            for (int i = 0; i < results.length; i++) {
                if (results[i] == null) {
                    results[i] = ResolutionResult.unresolved(ResolutionResult.NOT_FOUND);
                }
            }
            return Arrays.asList(results);
        });
    }

    private static void collect(Iterable<Row> rows, ResolutionResult[] results) {
        for (Row r : rows) {
            int ord = r.getInteger("ord");
            results[ord] = r.getInteger("matches") > 1 ? ResolutionResult.unresolved(ResolutionResult.AMBIGUOUS)
                    : new ResolutionResult(r.getUUID("campaign_id"), r.getUUID("insertion_order_id"), r.getUUID("line_item_id"),
                    r.getUUID("creative_id"), r.getString("currency"), null);
        }
    }

    // ---- creating unknown names paths ----

    private enum Level {
        CAMPAIGN("campaigns", null, null),
        INSERTION_ORDER("insertion_orders", "campaign_id", "campaigns"),
        LINE_ITEM("line_items", "insertion_order_id", "insertion_orders"),
        CREATIVE("creatives", "line_item_id", "line_items");

        final String table;
        final String parentColumn;
        final String parentTable;

        Level(String table, String parentColumn, String parentTable) {
            this.table = table;
            this.parentColumn = parentColumn;
            this.parentTable = parentTable;
        }

        /** Children by parent and name; the organization compared unindexed, as in {@link #BY_NAMES}. */
        String lookup() {
            String aggregates = "t.name, count(*) FILTER (WHERE t.removed_at IS NULL)::int AS live, count(*)::int AS n, "
                    + "(array_agg(t.id ORDER BY t.removed_at IS NOT NULL, t.id))[1] AS id";
            if (this == CAMPAIGN) {
                return "SELECT $2::uuid AS parent_id, " + aggregates + " FROM campaigns t "
                        + "WHERE t.org_id = $1 AND t.dsp_account_id = $2::uuid AND t.name = ANY ($3::text[]) GROUP BY t.name";
            }
            return "SELECT t." + parentColumn + " AS parent_id, " + aggregates
                    + " FROM unnest($2::uuid[], $3::text[]) AS x(parent_id, name) JOIN " + table + " t ON t."
                    + parentColumn + " = x.parent_id AND t.name = x.name AND t.org_id IS NOT DISTINCT FROM $1 GROUP BY t." + parentColumn + ", t.name";
        }

        /** $1 org, $2 account, $3 DSP, $4 parent ids, $5 names, $6 external ids, $7 actor (campaigns' events). */
        String insert() {
            String common = "org_id, dsp_account_id, dsp_type, external_id, name, status, attributes";
            String values = "$1, $2, $3::dsp_type, x.external_id, x.name, 'active', '{\"source\": \"file\"}'::jsonb";
            String input = "WITH x AS (SELECT * FROM unnest($4::uuid[], $5::text[], $6::text[]) AS x(parent_id, name, external_id))";
            return switch (this) {
                case CAMPAIGN -> input + """
                        , ins AS (
                            INSERT INTO campaigns AS t (%s, is_active)
                            SELECT %s, true FROM x
                            ON CONFLICT (org_id, dsp_type, external_id) DO NOTHING
                            RETURNING t.id, t.org_id, t.dsp_account_id, t.dsp_type, t.external_id, t.sync_version, t.name, t.status),
                        ev AS (
                            INSERT INTO outbox_event (id, aggregatetype, aggregateid, type, payload, source, subject, org_id, actor,
                                                      occurred_at, specversion, datacontenttype)
                            SELECT gen_random_uuid(), 'campaign', c.id::text, 'io.clp.campaign.created.v1',
                                   jsonb_build_object('id', c.id, 'organizationId', c.org_id, 'dspAccountId', c.dsp_account_id,
                                                      'dspType', c.dsp_type, 'externalId', c.external_id,
                                                      'syncVersion', c.sync_version, 'name', c.name, 'status', c.status),
                                   '/clp/campaign', 'campaigns/' || c.id, c.org_id::text, $7, now(), '1.0', 'application/json'
                            FROM ins c
                            RETURNING id)
                        SELECT array_agg(id) AS events FROM ev
                        """.formatted(common, values);
                case INSERTION_ORDER -> input + """
                        INSERT INTO insertion_orders AS t (%s, campaign_id, campaign_external_id)
                        SELECT %s, p.id, p.external_id FROM x JOIN campaigns p ON p.id = x.parent_id AND p.org_id IS NOT DISTINCT FROM $1
                        ON CONFLICT (org_id, dsp_type, external_id) DO NOTHING
                        RETURNING NULL::uuid[] AS events, $7::text AS actor
                        """.formatted(common, values);
                case LINE_ITEM -> input + """
                        INSERT INTO line_items AS t (%s, insertion_order_id, insertion_order_external_id, campaign_id)
                        SELECT %s, p.id, p.external_id, p.campaign_id FROM x JOIN insertion_orders p ON p.id = x.parent_id AND p.org_id IS NOT DISTINCT FROM $1
                        ON CONFLICT (org_id, dsp_type, external_id) DO NOTHING
                        RETURNING NULL::uuid[] AS events, $7::text AS actor
                        """.formatted(common, values);
                case CREATIVE -> input + """
                        INSERT INTO creatives AS t (%s, line_item_id, line_item_external_id, campaign_id)
                        SELECT %s, p.id, p.external_id, p.campaign_id FROM x JOIN line_items p ON p.id = x.parent_id AND p.org_id IS NOT DISTINCT FROM $1
                        ON CONFLICT (org_id, dsp_type, external_id) DO NOTHING
                        RETURNING NULL::uuid[] AS events, $7::text AS actor
                        """.formatted(common, values);
            };
        }

        String byExternalIds() {
            return "SELECT id, external_id FROM " + table + " WHERE org_id = $1 AND dsp_type = $2::dsp_type AND external_id = ANY ($3::text[])";
        }
    }

    private Uni<List<ResolutionResult>> create(SqlConnection conn, UUID orgId, InternalStore.Account account,
                                               List<ResolutionRequest.Key> keys, List<ResolutionResult> results, String actor) {
        List<Integer> missing = new ArrayList<>();
        for (int i = 0; i < keys.size(); i++) {
            if (ResolutionResult.NOT_FOUND.equals(results.get(i).unresolved()) && keys.get(i).byNames()) {
                missing.add(i);
            }
        }
        if (missing.isEmpty()) {
            return Uni.createFrom().item(results);
        }
        List<String[]> paths = missing.stream().map(i -> Names.of(keys.get(i)).names()).toList();
        List<Map<Node, UUID>> found = new ArrayList<>();
        Uni<Void> chain = Uni.createFrom().voidItem();
        for (Level level : Level.values()) {
            chain = chain.chain(() -> {
                Set<Node> needed = new LinkedHashSet<>();
                for (String[] path : paths) {
                    UUID parent = parentOf(path, level.ordinal(), account.id(), found);
                    if (parent != null && !AMBIGUOUS.equals(parent) && path[level.ordinal()] != null) {
                        needed.add(new Node(parent, path[level.ordinal()]));
                    }
                }
                return ensure(conn, orgId, account, level, needed, actor).invoke(found::add).replaceWithVoid();
            });
        }
        return chain.map(ignored -> {
            List<ResolutionResult> out = new ArrayList<>(results);
            for (int j = 0; j < missing.size(); j++) {
                String[] path = paths.get(j);
                UUID[] ids = new UUID[4];
                String unresolved = null;
                UUID parent = account.id();
                for (int l = 0; l < 4 && path[l] != null; l++) {
                    UUID id = found.get(l).get(new Node(parent, path[l]));
                    if (id == null || AMBIGUOUS.equals(id)) {
                        unresolved = id == null ? ResolutionResult.NOT_FOUND : ResolutionResult.AMBIGUOUS;
                        break;
                    }
                    ids[l] = id;
                    parent = id;
                }
                out.set(missing.get(j), unresolved != null ? ResolutionResult.unresolved(unresolved)
                        : new ResolutionResult(ids[0], ids[1], ids[2], ids[3], account.currency(), null));
            }
            return out;
        });
    }

    private static UUID parentOf(String[] path, int level, UUID accountId, List<Map<Node, UUID>> found) {
        UUID parent = accountId;
        for (int l = 0; l < level; l++) {
            if (path[l] == null) {
                return null;
            }
            parent = found.get(l).get(new Node(parent, path[l]));
            if (parent == null || AMBIGUOUS.equals(parent)) {
                return parent;
            }
        }
        return parent;
    }

    /** The (parent, name) nodes of one level, found or created: ambiguous ones map to {@link #AMBIGUOUS}. */
    private Uni<Map<Node, UUID>> ensure(SqlConnection conn, UUID orgId, InternalStore.Account account, Level level,
                                        Set<Node> needed, String actor) {
        Map<Node, UUID> result = new HashMap<>();
        if (needed.isEmpty()) {
            return Uni.createFrom().item(result);
        }
        UUID[] parents = needed.stream().map(Node::parent).toArray(UUID[]::new);
        String[] names = needed.stream().map(Node::name).toArray(String[]::new);
        Tuple lookup = level == Level.CAMPAIGN ? Tuple.of(orgId, account.id(), names) : Tuple.of(orgId, parents, names);
        return conn.preparedQuery(level.lookup()).execute(lookup).chain(rows -> {
            for (Row r : rows) {
                int live = r.getInteger("live");
                int n = r.getInteger("n");
                UUID id = live > 1 || (live == 0 && n > 1) ? AMBIGUOUS : r.getUUID("id");
                result.put(new Node(r.getUUID("parent_id"), r.getString("name")), id);
            }
            // in external id order: two requests creating overlapping sets lock the unique index's entries in the
            // same order, so they wait for each other instead of deadlocking
            List<Node> create = needed.stream().filter(node -> !result.containsKey(node))
                    .sorted(java.util.Comparator.comparing((Node node) -> externalId(level, node))).toList();
            if (create.isEmpty()) {
                return Uni.createFrom().item(result);
            }
            Map<String, Node> byExternalId = new HashMap<>();
            for (Node node : create) {
                byExternalId.put(externalId(level, node), node);
            }
            String[] externalIds = create.stream().map(node -> externalId(level, node)).toArray(String[]::new);
            Tuple insert = Tuple.from(List.of(orgId, account.id(), account.dspType(),
                    create.stream().map(Node::parent).toArray(UUID[]::new), create.stream().map(Node::name).toArray(String[]::new),
                    externalIds, actor));
            return conn.preparedQuery(level.insert()).execute(insert)
                    .chain(inserted -> dropRelayed(conn, inserted))
                    .chain(() -> conn.preparedQuery(level.byExternalIds()).execute(Tuple.of(orgId, account.dspType(), externalIds)))
                    .map(existing -> {
                        for (Row r : existing) {
                            Node node = byExternalId.get(r.getString("external_id"));
                            if (node != null) {
                                result.put(node, r.getUUID("id"));
                            }
                        }
                        return result;
                    });
        });
    }

    /** The outbox rows are relayed from the WAL; deleting them in the same transaction keeps the table empty (see Outbox). */
    private static Uni<Void> dropRelayed(SqlConnection conn, io.vertx.mutiny.sqlclient.RowSet<Row> inserted) {
        List<UUID> events = new ArrayList<>();
        for (Row r : inserted) {
            UUID[] ids = r.getArrayOfUUIDs("events");
            if (ids != null) {
                events.addAll(List.of(ids));
            }
        }
        if (events.isEmpty()) {
            return Uni.createFrom().voidItem();
        }
        return conn.preparedQuery("DELETE FROM outbox_event WHERE id = ANY ($1)").execute(Tuple.of(events.toArray(UUID[]::new)))
                .replaceWithVoid();
    }

    /**
     * The external id of an entity created from a names path: {@code file:} and the SHA-256 of its level, its parent (the
     * account for a campaign, else the parent entity's id) and its name. Stable, so concurrent creators of one path meet
     * on the unique (org, DSP, external id); never a DSP's own id, which has no {@code file:} prefix.
     */
    static String externalId(Level level, Node node) {
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            sha.update((level.name().toLowerCase(Locale.ROOT) + "\n" + node.parent() + "\n" + node.name())
                    .getBytes(StandardCharsets.UTF_8));
            return "file:" + HexFormat.of().formatHex(sha.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is always present", e);
        }
    }

    /** The actor a calling client acts as in the audit trail and events: {@code clp-pipeline-service} → {@code system:pipeline}. */
    static String actorOf(String client) {
        String name = client.toLowerCase(Locale.ROOT).replaceFirst("^clp-", "").replaceFirst("-service$", "")
                .replaceAll("[^a-z0-9-]", "-");
        if (name.isEmpty() || !Character.isLetter(name.charAt(0))) {
            name = "s" + name;
        }
        return "system:" + (name.length() > 41 ? name.substring(0, 41) : name);
    }
}
