package io.clp.identity.quota;

import io.clp.identity.access.MemberAccess;
import io.clp.identity.model.ApiKey;
import io.clp.identity.model.Membership;
import io.clp.tenancy.security.Caller;
import io.clp.tenancy.security.Permission;
import io.clp.platform.tx.Transactions;
import io.quarkus.security.Authenticated;
import io.smallrye.mutiny.Uni;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;

@Path("/api/v1/organizations/{orgId}/quotas")
@Authenticated
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "Quotas")
public class QuotaResource {

    /** One quota: the limit, and the usage where identity-service counts it (-1 where another service does). */
    public record QuotaView(int limit, long used, boolean overridden) {
    }

    @Inject
    Transactions transactions;

    @Inject
    MemberAccess access;

    @Inject
    Quotas quotas;

    @Inject
    Caller caller;

    @GET
    @Operation(summary = "The organization's quotas: plan defaults or overrides, with usage")
    public Uni<Map<String, QuotaView>> quotas(@PathParam("orgId") UUID orgId) {
        return transactions.scoped(() -> access.require(caller, orgId, Permission.QUOTA_READ)
                .chain(granted -> Membership.count("orgId = ?1 and (active = true or joinedAt is null)", orgId)
                        .chain(members -> ApiKey.countUsable(orgId)
                                .chain(keys -> quotas.all(granted.organization(), Map.of(Quota.MEMBERS, members, Quota.API_KEYS, keys))))))
                .map(limits -> {
                    Map<String, QuotaView> view = new LinkedHashMap<>();
                    limits.forEach((q, l) -> view.put(q.id(), new QuotaView(l.limit(), l.used(), l.overridden())));
                    return view;
                });
    }
}
