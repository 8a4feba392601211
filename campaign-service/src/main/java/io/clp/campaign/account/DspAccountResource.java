package io.clp.campaign.account;

import io.clp.tenancy.grant.EntityAccess;
import io.clp.platform.pagination.Cursor;
import io.clp.platform.pagination.Page;
import io.clp.platform.pagination.PageRequest;
import io.clp.platform.problem.Problems;
import io.clp.tenancy.security.OrgAccess;
import io.clp.tenancy.security.Permission;
import io.clp.tenancy.organization.OrganizationState;
import io.clp.platform.tx.Transactions;
import io.quarkus.panache.common.Parameters;
import io.quarkus.security.Authenticated;
import io.smallrye.mutiny.Uni;
import jakarta.inject.Inject;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotNull;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.PATCH;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.UUID;

/**
 * The organization's DSP accounts. Reading and changing one account is allowed by the caller's role
 * or by an entity grant on that account.
 */
@Path("/api/v1/organizations/{orgId}/dsp-accounts")
@Authenticated
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "DSP accounts")
public class DspAccountResource {

    @Inject
    OrgAccess access;

    @Inject
    EntityAccess entityAccess;

    @Inject
    Transactions transactions;

    @Inject
    OrganizationState organizations;

    @GET
    @Operation(summary = "The organization's DSP accounts, oldest first, one page at a time")
    public Uni<Page<DspAccountView>> list(@PathParam("orgId") UUID orgId, @QueryParam("limit") Integer limit,
                                          @QueryParam("cursor") String cursor) {
        access.require(orgId, Permission.DSP_ACCOUNT_READ);
        PageRequest page = PageRequest.of(limit, cursor);
        StringBuilder query = new StringBuilder("orgId = :org");
        Parameters params = Parameters.with("org", orgId);
        if (page.after().isPresent()) {
            query.append(" and (createdAt > :at or (createdAt = :at and id > :id))");
            params.and("at", page.after().get().at()).and("id", page.after().get().id());
        }
        query.append(" order by createdAt, id");
        return transactions.scoped(() -> transactions.allowOrganization(orgId)
                        .chain(() -> organizations.requireReadable(orgId))
                        .chain(() -> DspAccount.<DspAccount>find(query.toString(), params).range(0, page.limit()).list()))
                .map(rows -> Page.of(rows, page.limit(), a -> new Cursor(a.createdAt, a.id), DspAccountView::of));
    }

    @GET
    @Path("/{accountId}")
    @Operation(summary = "One DSP account (its credentials are never returned)")
    public Uni<DspAccountView> get(@PathParam("orgId") UUID orgId, @PathParam("accountId") UUID accountId) {
        access.requireMember(orgId);
        return transactions.scoped(() -> find(orgId, accountId)
                .call(account -> entityAccess.require(orgId, DspAccount.ENTITY_TYPE, account.id, Permission.DSP_ACCOUNT_READ))
                .map(DspAccountView::of));
    }

    @PATCH
    @Path("/{accountId}")
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(summary = "Rename, deactivate or reactivate a DSP account (by role, or with an edit grant on it)")
    public Uni<DspAccountView> update(@PathParam("orgId") UUID orgId, @PathParam("accountId") UUID accountId,
                                      @Valid @NotNull UpdateDspAccount request) {
        if (request.displayName() == null && request.active() == null) {
            throw Problems.validation("displayName", "send displayName, active, or both");
        }
        access.requireMember(orgId);
        return transactions.write(() -> find(orgId, accountId)
                .call(account -> entityAccess.require(orgId, DspAccount.ENTITY_TYPE, account.id, Permission.DSP_ACCOUNT_UPDATE))
                .map(account -> {
                    if (request.displayName() != null) {
                        account.displayName = request.displayName().strip();
                    }
                    if (request.active() != null) {
                        account.active = request.active();
                    }
                    account.updatedAt = Instant.now().truncatedTo(ChronoUnit.MICROS);
                    return DspAccountView.of(account);
                }));
    }

    private Uni<DspAccount> find(UUID orgId, UUID accountId) {
        return transactions.allowOrganization(orgId)
                .chain(() -> DspAccount.<DspAccount>find("id = ?1 and orgId = ?2", accountId, orgId).<DspAccount>firstResult())
                .onItem().ifNull().failWith(() -> Problems.notFound("dsp account", accountId));
    }
}
