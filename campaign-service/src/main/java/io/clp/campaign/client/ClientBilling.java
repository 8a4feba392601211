package io.clp.campaign.client;

import io.clp.events.campaign.MetricsRecorded;
import io.clp.platform.outbox.Outbox;
import io.clp.platform.problem.DatabaseErrors;
import io.clp.platform.problem.Problems;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;

import org.eclipse.microprofile.config.inject.ConfigProperty;

import java.time.Duration;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;

/**
 * Keeps campaigns and their metric rows billed as the client links and CPM rates say, set-based, in the caller's
 * transaction (an {@code OrganizationWork} that changes links or rates). Every change takes the organization's billing
 * lock exclusively first ({@code clp_billing_lock}, V12), so that no metrics batch or campaign write interleaves with
 * it: they read links and rates after taking it shared. A recompute rewrites only the rows whose client or CPM
 * changed, and announces them with {@link MetricsRecorded} events (its {@code cause} says why), one per 1,000
 * campaigns, in the same transaction.
 */
@ApplicationScoped
public class ClientBilling {

    /** The widest range a recompute covers: every day a rate or a metric can have. */
    static final LocalDate FIRST_DAY = LocalDate.of(2000, 1, 1);
    static final LocalDate LAST_DAY = LocalDate.of(9999, 12, 31);
    /** Campaigns named by one recompute event, which keeps each event well under a Kafka message's size. */
    static final int CAMPAIGNS_PER_EVENT = 1_000;

    static final String CAUSE_CPM = "cpm-rates-changed";
    static final String CAUSE_LINKS = "client-advertisers-changed";
    static final String CAUSE_DELETED = "client-deleted";
    static final String CAUSE_ACCOUNT_DELETED = "dsp-account-deleted";

    /**
     * Taken within {@code clp.billing.lock-timeout}: a change of links or rates waits that long for the batches and sync
     * pages in progress (each holds the lock shared for one short transaction), then gives up with a 503 rather than
     * stall the organization's writers queued behind it.
     */
    private static final String PREVIOUS_LOCK_TIMEOUT = "SELECT current_setting('lock_timeout')";
    private static final String SET_LOCK_TIMEOUT = "SELECT set_config('lock_timeout', ?1, true)";
    private static final String LOCK = "SELECT 1 FROM (SELECT clp_billing_lock(?1, true)) locked";

    /** The campaigns of the client: their rows in the range are repriced. ?1 org, ?2 client. */
    private static final String CLIENT_CAMPAIGNS = """
            SELECT c.id, c.client_id FROM campaigns c WHERE c.org_id = ?1 AND c.client_id = ?2
            """;
    /** The account's campaigns whose client the links now give differs: moved, and all their rows repriced. ?2 account. */
    private static final String ACCOUNT_CAMPAIGNS_MOVED = """
            UPDATE campaigns c SET client_id = n.client_id, updated_at = now()
            FROM (SELECT c2.id, clp_client_of(c2.org_id, c2.dsp_account_id, c2.advertiser_id) AS client_id
                  FROM campaigns c2 WHERE c2.org_id = ?1 AND c2.dsp_account_id = ?2) n
            WHERE c.id = n.id AND c.client_id IS DISTINCT FROM n.client_id
            RETURNING c.id, c.client_id
            """;
    /** The account's campaigns, released before the account is deleted. ?2 account. */
    private static final String ACCOUNT_CAMPAIGNS_RELEASED = """
            UPDATE campaigns c SET client_id = NULL, updated_at = now()
            WHERE c.org_id = ?1 AND c.dsp_account_id = ?2 AND c.client_id IS NOT NULL
            RETURNING c.id, c.client_id
            """;
    /** The client's campaigns, released before the client is deleted. ?2 client. */
    private static final String CLIENT_CAMPAIGNS_RELEASED = """
            UPDATE campaigns c SET client_id = NULL, updated_at = now()
            WHERE c.org_id = ?1 AND c.client_id = ?2
            RETURNING c.id, c.client_id
            """;

    /**
     * Reprices the target campaigns' metric rows dated ?3 to ?4 (every level): the campaign's client and the client's
     * CPM in effect on the row's day, billed spend = impressions x CPM / 1000, exact. Answers one row per group of
     * {@link #CAMPAIGNS_PER_EVENT} campaigns whose rows changed: the campaigns, how many rows, and the days.
     */
    private static final String REPRICE = """
            WITH t AS (%s),
            up AS (
                UPDATE campaign_metrics m
                SET client_id = t.client_id,
                    (billed_cpm, billed_spend) = (SELECT r.cpm, m.impressions * r.cpm * 0.001 FROM client_cpm_rates r
                                                  WHERE r.client_id = t.client_id AND r.effective_date <= m.metric_date
                                                  ORDER BY r.effective_date DESC LIMIT 1),
                    updated_at = now()
                FROM t
                WHERE m.org_id = ?1 AND m.campaign_id = t.id AND m.metric_date BETWEEN ?3 AND ?4
                  AND (m.client_id, m.billed_cpm) IS DISTINCT FROM
                      (t.client_id, (SELECT r.cpm FROM client_cpm_rates r
                                     WHERE r.client_id = t.client_id AND r.effective_date <= m.metric_date
                                     ORDER BY r.effective_date DESC LIMIT 1))
                RETURNING m.campaign_id, m.metric_date),
            -- their days' summaries are out of date (docs/summaries.md)
            dirty AS (
                INSERT INTO metric_summary_dirty (org_id, metric_date)
                SELECT DISTINCT CAST(?1 AS uuid), metric_date FROM up ORDER BY metric_date
                ON CONFLICT (org_id, metric_date) DO UPDATE SET mark = EXCLUDED.mark, marked_at = EXCLUDED.marked_at),
            per_campaign AS (SELECT campaign_id, count(*) AS n FROM up GROUP BY campaign_id),
            numbered AS (SELECT campaign_id, n, (row_number() OVER (ORDER BY campaign_id) - 1) / %d AS chunk FROM per_campaign)
            SELECT nb.chunk::int, string_agg(nb.campaign_id::text, ',' ORDER BY nb.campaign_id), sum(nb.n)::bigint,
                   (SELECT string_agg(DISTINCT u.metric_date::text, ',' ORDER BY u.metric_date::text) FROM up u
                    WHERE u.campaign_id IN (SELECT x.campaign_id FROM numbered x WHERE x.chunk = nb.chunk))
            FROM numbered nb
            GROUP BY nb.chunk
            ORDER BY nb.chunk
            """;

    private final Outbox outbox;
    private final String lockTimeout;

    ClientBilling(Outbox outbox, @ConfigProperty(name = "clp.billing.lock-timeout", defaultValue = "10s") Duration lockTimeout) {
        this.outbox = outbox;
        this.lockTimeout = lockTimeout.toMillis() + "ms";
    }

    /** Takes the organization's billing lock exclusively, until the transaction ends; 503 when it is not had in time. */
    public Uni<Void> lock(UUID orgId) {
        return Panache.getSession().chain(s -> s.createNativeQuery(PREVIOUS_LOCK_TIMEOUT, String.class).getSingleResult()
                        .chain(previous -> s.createNativeQuery(SET_LOCK_TIMEOUT).setParameter(1, lockTimeout).getSingleResult()
                                .chain(() -> s.createNativeQuery(LOCK).setParameter(1, orgId).getSingleResult())
                                // the rest of the transaction waits as it would have
                                .chain(() -> s.createNativeQuery(SET_LOCK_TIMEOUT).setParameter(1, previous).getSingleResult())))
                .onFailure(ClientBilling::lockNotAvailable).transform(e -> Problems.unavailable(
                        "the organization's billing is being changed or written right now; try again shortly"))
                .replaceWithVoid();
    }

    static boolean lockNotAvailable(Throwable failure) {
        return DatabaseErrors.hasSqlState(failure, "55P03");
    }

    /** Before a DSP account is deleted: its campaigns no longer belong to a client, nor are their rows billed. */
    public Uni<ClientViews.Recomputed> accountDeleted(UUID orgId, UUID accountId) {
        return reprice(ACCOUNT_CAMPAIGNS_RELEASED, orgId, null, accountId, FIRST_DAY, LAST_DAY, CAUSE_ACCOUNT_DELETED);
    }

    /** After a rate of the client changed: reprices its campaigns' rows dated from to to. */
    Uni<ClientViews.Recomputed> ratesChanged(UUID orgId, UUID clientId, LocalDate from, LocalDate to) {
        return reprice(CLIENT_CAMPAIGNS, orgId, clientId, clientId, from, to, CAUSE_CPM);
    }

    /** After a link of the account changed: moves the account's campaigns to the client the links now give, repriced. */
    Uni<ClientViews.Recomputed> linksChanged(UUID orgId, UUID clientId, UUID accountId) {
        return reprice(ACCOUNT_CAMPAIGNS_MOVED, orgId, clientId, accountId, FIRST_DAY, LAST_DAY, CAUSE_LINKS);
    }

    /** Before the client is deleted: its campaigns and their rows no longer belong to it, nor are they billed. */
    Uni<ClientViews.Recomputed> clientDeleted(UUID orgId, UUID clientId) {
        return reprice(CLIENT_CAMPAIGNS_RELEASED, orgId, clientId, clientId, FIRST_DAY, LAST_DAY, CAUSE_DELETED);
    }

    private Uni<ClientViews.Recomputed> reprice(String target, UUID orgId, UUID clientId, UUID targetParam, LocalDate from,
                                                LocalDate to, String cause) {
        String sql = REPRICE.formatted(target.strip(), CAMPAIGNS_PER_EVENT);
        return Panache.getSession()
                .chain(s -> s.flush().chain(() -> s.createNativeQuery(sql, Object[].class)
                        .setParameter(1, orgId).setParameter(2, targetParam).setParameter(3, from).setParameter(4, to)
                        .getResultList()))
                .chain(groups -> {
                    List<MetricsRecorded> events = new ArrayList<>();
                    long rows = 0;
                    long campaigns = 0;
                    LocalDate first = null;
                    LocalDate last = null;
                    for (Object[] g : groups) {
                        List<MetricsRecorded.Entity> entities = Arrays.stream(((String) g[1]).split(","))
                                .map(id -> new MetricsRecorded.Entity("campaign", UUID.fromString(id))).toList();
                        List<LocalDate> dates = Arrays.stream(((String) g[3]).split(",")).map(LocalDate::parse).toList();
                        long n = ((Number) g[2]).longValue();
                        rows += n;
                        campaigns += entities.size();
                        first = first == null || dates.get(0).isBefore(first) ? dates.get(0) : first;
                        LocalDate end = dates.get(dates.size() - 1);
                        last = last == null || end.isAfter(last) ? end : last;
                        events.add(new MetricsRecorded(UUID.randomUUID(), orgId, null, null, 0, Math.toIntExact(n), 0, 0, 0,
                                dates, entities, List.of(), cause, clientId));
                    }
                    var recomputed = new ClientViews.Recomputed(rows, campaigns, first == null ? null : first.toString(),
                            last == null ? null : last.toString());
                    if (events.isEmpty()) {
                        return Uni.createFrom().item(recomputed);
                    }
                    return Multi.createFrom().iterable(events).onItem().transformToUniAndConcatenate(outbox::publish)
                            .collect().last().replaceWith(recomputed);
                });
    }
}
