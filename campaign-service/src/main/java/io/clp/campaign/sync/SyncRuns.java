package io.clp.campaign.sync;

import io.clp.campaign.account.DspAccount;
import io.clp.campaign.account.DspAccountRepository;
import io.clp.platform.pagination.Cursor;
import io.clp.platform.pagination.Page;
import io.clp.platform.pagination.PageRequest;
import io.clp.platform.problem.Problems;
import io.clp.tenancy.security.Permission;
import io.clp.tenancy.work.OrganizationWork;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.quarkus.panache.common.Parameters;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import org.jboss.logging.Logger;

import java.util.List;
import java.util.UUID;

/**
 * Sync runs of an organization's accounts: requested on demand (the account's run starts at once on this instance, or
 * on the next scheduler tick of any instance) and read for their progress. Every operation is an {@link OrganizationWork}.
 */
@ApplicationScoped
public class SyncRuns {

    private static final Logger LOG = Logger.getLogger(SyncRuns.class);

    private final OrganizationWork work;
    private final DspAccountRepository accounts;
    private final SyncEngine engine;

    SyncRuns(OrganizationWork work, DspAccountRepository accounts, SyncEngine engine) {
        this.work = work;
        this.accounts = accounts;
        this.engine = engine;
    }

    /**
     * Queues a run of the account, or returns its active run when it has one (a second request does not start a second
     * run). The account becomes due now, a permanent failure's block is lifted: the caller asked for this attempt.
     */
    public Uni<SyncRunView> request(UUID orgId, UUID accountId, String kind) {
        return work.<DspAccount, SyncRun>onEntity(orgId, Permission.DSP_ACCOUNT_SYNC, DspAccount.ENTITY_TYPE, accountId,
                () -> accounts.inOrganization(orgId, accountId), account -> {
                    if (!account.active) {
                        throw Problems.conflict("account-inactive", "the DSP account is deactivated; reactivate it to sync");
                    }
                    return Panache.getSession().chain(session -> session.createNativeQuery("""
                                    INSERT INTO sync_runs (org_id, dsp_account_id, kind, trigger, status)
                                    VALUES (?1, ?2, ?3, 'on_demand', 'queued')
                                    ON CONFLICT (dsp_account_id) WHERE status IN ('queued', 'running') DO NOTHING
                                    """).setParameter(1, orgId).setParameter(2, accountId).setParameter(3, kind).executeUpdate()
                            .chain(() -> session.createNativeQuery("""
                                    UPDATE dsp_accounts SET next_sync_at = now(), sync_blocked = false WHERE id = ?1
                                    """).setParameter(1, accountId).executeUpdate())
                            .chain(() -> SyncRun.<SyncRun>find("dspAccountId = ?1 and status in ('queued', 'running')", accountId)
                                    .firstResult()));
                })
                .map(SyncRunView::of)
                .invoke(() -> engine.claimAndStart(accountId).subscribe().with(started -> { },
                        failure -> LOG.warnf("could not start the requested sync of %s now: %s", accountId, failure.getMessage())));
    }

    public Uni<Page<SyncRunView>> list(UUID orgId, UUID accountId, PageRequest page) {
        return work.onEntity(orgId, Permission.DSP_ACCOUNT_READ, DspAccount.ENTITY_TYPE, accountId,
                        () -> accounts.inOrganization(orgId, accountId), account -> runs(accountId, page))
                .map(rows -> Page.of(rows, page.limit(), r -> new Cursor(r.createdAt, r.id), SyncRunView::of));
    }

    public Uni<SyncRunView> get(UUID orgId, UUID accountId, UUID runId) {
        return work.onEntity(orgId, Permission.DSP_ACCOUNT_READ, DspAccount.ENTITY_TYPE, accountId,
                () -> accounts.inOrganization(orgId, accountId),
                account -> SyncRun.<SyncRun>find("id = ?1 and dspAccountId = ?2", runId, accountId).firstResult()
                        .onItem().ifNull().failWith(() -> Problems.notFound("sync run", runId)))
                .map(SyncRunView::of);
    }

    /** Newest first (keyset on created_at, id descending). */
    private static Uni<List<SyncRun>> runs(UUID accountId, PageRequest page) {
        StringBuilder query = new StringBuilder("dspAccountId = :account");
        Parameters params = Parameters.with("account", accountId);
        page.after().ifPresent(after -> {
            query.append(" and (createdAt < :at or (createdAt = :at and id < :id))");
            params.and("at", after.at()).and("id", after.id());
        });
        return SyncRun.<SyncRun>find(query.append(" order by createdAt desc, id desc").toString(), params)
                .range(0, page.limit()).list();
    }
}
