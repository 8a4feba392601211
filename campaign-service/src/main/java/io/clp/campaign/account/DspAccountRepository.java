package io.clp.campaign.account;

import io.clp.platform.pagination.PageRequest;
import io.quarkus.hibernate.reactive.panache.PanacheRepositoryBase;
import io.quarkus.panache.common.Parameters;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.LockModeType;

import java.util.List;
import java.util.UUID;

/** The queries on DSP accounts. Must run in a transaction that may see the organization's rows. */
@ApplicationScoped
public class DspAccountRepository implements PanacheRepositoryBase<DspAccount, UUID> {

    /** One page of the organization's accounts, oldest first (keyset on created_at, id). */
    public Uni<List<DspAccount>> page(UUID orgId, PageRequest page) {
        StringBuilder query = new StringBuilder("orgId = :org");
        Parameters params = Parameters.with("org", orgId);
        page.after().ifPresent(after -> {
            query.append(" and (createdAt > :at or (createdAt = :at and id > :id))");
            params.and("at", after.at()).and("id", after.id());
        });
        return find(query.append(" order by createdAt, id").toString(), params).range(0, page.limit()).list();
    }

    /** The organization's account, or null when it has none with this id. */
    public Uni<DspAccount> inOrganization(UUID orgId, UUID accountId) {
        return find("id = ?1 and orgId = ?2", accountId, orgId).firstResult();
    }

    /**
     * The organization's account, its row locked until the transaction ends: a change computes what it changed (its
     * event's {@code changedFields}) from the committed row, and no concurrent change or sync status write is lost.
     */
    public Uni<DspAccount> inOrganizationForChange(UUID orgId, UUID accountId) {
        return find("id = ?1 and orgId = ?2", accountId, orgId).withLock(LockModeType.PESSIMISTIC_WRITE).firstResult();
    }

    /** The organization's account at this DSP with this external id, or null. */
    public Uni<DspAccount> byExternalId(UUID orgId, DspType dspType, String externalAccountId) {
        return find("orgId = ?1 and dspType = ?2 and externalAccountId = ?3", orgId, dspType, externalAccountId).firstResult();
    }
}
