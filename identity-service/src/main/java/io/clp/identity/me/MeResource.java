package io.clp.identity.me;

import io.clp.identity.model.Membership;
import io.clp.identity.model.Organization;
import io.clp.identity.user.Users;
import io.clp.tenancy.security.Caller;
import io.clp.tenancy.security.Permission;
import io.clp.tenancy.security.Role;
import io.clp.platform.tx.Transactions;
import io.quarkus.security.Authenticated;
import io.smallrye.mutiny.Uni;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Function;
import java.util.stream.Collectors;

/** Who am I: the caller's profile, organizations, role in each and what that role allows. */
@Path("/api/v1/me")
@Authenticated
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "Me")
public class MeResource {

    public record OrganizationMembership(UUID id, String name, String slug, String status, String role,
                                         List<String> permissions) {
    }

    public record PendingInvitation(UUID id, UUID organizationId, String role) {
    }

    public record Me(UUID id, String email, String name, String timezone, String locale,
                     List<OrganizationMembership> organizations, List<PendingInvitation> invitations) {
    }

    @Inject
    Caller caller;

    @Inject
    Users users;

    @Inject
    Transactions transactions;

    @GET
    @Operation(summary = "The caller's profile and organization memberships with effective permissions")
    public Uni<Me> me() {
        caller.requirePerson();
        // a read writes only when the caller's row has to be created, bound or corrected
        return transactions.scoped(() -> users.unchangedCaller(caller))
                .chain(unchanged -> unchanged != null ? Uni.createFrom().item(unchanged)
                        : transactions.write(() -> users.ensureCaller(caller)))
                .chain(user -> transactions.scoped(() -> Membership
                .<Membership>list("userId = ?1 and (active = true or joinedAt is null)", user.id)
                .chain(memberships -> (memberships.isEmpty() ? Uni.createFrom().item(List.<Organization>of())
                        : Organization.<Organization>list("id in ?1 and deletedAt is null",
                                memberships.stream().map(m -> m.orgId).toList()))
                        .map(orgs -> {
                            Map<UUID, Organization> byId = orgs.stream()
                                    .collect(Collectors.toMap(o -> o.id, Function.identity()));
                            List<OrganizationMembership> list = memberships.stream()
                                    .filter(m -> m.active && byId.containsKey(m.orgId))
                                    .map(m -> view(byId.get(m.orgId), m))
                                    .toList();
                            List<PendingInvitation> pending = memberships.stream()
                                    .filter(m -> !m.active && m.joinedAt == null && byId.containsKey(m.orgId))
                                    .map(m -> new PendingInvitation(m.id, m.orgId, m.role.id()))
                                    .toList();
                            return new Me(user.id, user.email, user.name, user.timezone, user.locale, list, pending);
                        }))));
    }

    static OrganizationMembership view(Organization org, Membership m) {
        Role role = m.role;
        List<String> permissions = Permission.of(role).stream().map(Permission::scope).sorted().toList();
        return new OrganizationMembership(org.id, org.name, org.slug, org.status.id(), role.id(), permissions);
    }
}
