package io.clp.campaign.account;

import io.clp.platform.pagination.Cursor;
import io.clp.platform.pagination.Page;
import io.clp.platform.pagination.PageRequest;
import io.clp.tenancy.security.Permission;
import io.clp.tenancy.work.OrganizationWork;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;

import java.util.UUID;

/**
 * The organization's DSP accounts. Reading and changing one account is allowed by the caller's role
 * or by an entity grant on that account; every operation runs as an {@link OrganizationWork}.
 */
@ApplicationScoped
public class DspAccounts {

    private final OrganizationWork work;
    private final DspAccountRepository accounts;

    DspAccounts(OrganizationWork work, DspAccountRepository accounts) {
        this.work = work;
        this.accounts = accounts;
    }

    public Uni<Page<DspAccountView>> list(UUID orgId, PageRequest page) {
        return work.run(orgId, Permission.DSP_ACCOUNT_READ, () -> accounts.page(orgId, page))
                .map(rows -> Page.of(rows, page.limit(), a -> new Cursor(a.createdAt, a.id), DspAccountView::of));
    }

    public Uni<DspAccountView> get(UUID orgId, UUID accountId) {
        return work.onEntity(orgId, Permission.DSP_ACCOUNT_READ, DspAccount.ENTITY_TYPE, accountId,
                () -> accounts.inOrganization(orgId, accountId), account -> Uni.createFrom().item(DspAccountView.of(account)));
    }

    public Uni<DspAccountView> update(UUID orgId, UUID accountId, UpdateDspAccount request) {
        return work.onEntity(orgId, Permission.DSP_ACCOUNT_UPDATE, DspAccount.ENTITY_TYPE, accountId,
                () -> accounts.inOrganization(orgId, accountId), account -> {
                    account.apply(request);
                    return Uni.createFrom().item(DspAccountView.of(account));
                });
    }
}
