package io.clp.identity.me;

import io.clp.identity.me.Me.OrganizationMembership;
import io.clp.identity.me.Me.PendingInvitation;
import io.clp.identity.model.Membership;
import io.clp.identity.model.Organization;
import io.clp.identity.user.Users;
import io.clp.platform.tx.Transactions;
import io.clp.tenancy.security.Caller;
import io.clp.tenancy.security.Permission;
import io.clp.tenancy.security.Role;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;

import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * The caller's own profile across organizations. Not organization-scoped (it spans every organization
 * the caller belongs to), so it runs its own transactions rather than a unit of work on one.
 */
@ApplicationScoped
public class Profiles {

    private final Users users;
    private final Transactions transactions;

    Profiles(Users users, Transactions transactions) {
        this.users = users;
        this.transactions = transactions;
    }

    public Uni<Me> of(Caller caller) {
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
