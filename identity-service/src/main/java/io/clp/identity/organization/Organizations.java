package io.clp.identity.organization;

import io.clp.events.identity.OrganizationCreated;
import io.clp.identity.membership.MemberRole;
import io.clp.identity.membership.Membership;
import io.clp.identity.user.Users;
import io.clp.platform.outbox.Outbox;
import io.clp.platform.problem.Problems;
import io.clp.platform.security.Caller;
import io.clp.platform.tx.Transactions;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.UUID;

/** Creating and reading organizations. */
@ApplicationScoped
public class Organizations {

    @Inject
    Transactions transactions;

    @Inject
    Outbox outbox;

    @Inject
    Users users;

    /**
     * Creates the organization with the caller as its first admin and publishes
     * {@link OrganizationCreated}, all in one transaction: either everything is written or nothing.
     */
    public Uni<Organization> create(Caller caller, CreateOrganization request) {
        return transactions.write(() -> Organization.count("slug", request.slug()).chain(taken -> {
            if (taken > 0) {
                return Uni.createFrom().failure(slugTaken(request.slug()));
            }
            return users.ensureCaller(caller).chain(user -> {
                Organization org = new Organization();
                org.id = UUID.randomUUID();
                org.name = request.name().strip();
                org.slug = request.slug();
                org.domain = request.domain();
                org.plan = request.plan() == null ? "free" : request.plan();
                org.monthlyBudget = request.monthlyBudget();
                org.currency = request.currency();
                org.industry = request.industry();
                org.companySize = request.companySize();
                org.createdAt = Instant.now().truncatedTo(ChronoUnit.MICROS);

                Membership admin = new Membership();
                admin.id = UUID.randomUUID();
                admin.orgId = org.id;
                admin.userId = user.id;
                admin.role = MemberRole.admin;
                admin.joinedAt = org.createdAt;

                return org.<Organization>persist()
                        .chain(() -> admin.persist())
                        .chain(() -> outbox.publish(new OrganizationCreated(org.id, org.name, org.slug, org.status,
                                org.plan, org.monthlyBudget, org.currency, user.id, org.createdAt)))
                        .replaceWith(org);
            });
        })).onFailure(Organizations::isSlugUniqueViolation).transform(e -> slugTaken(request.slug()));
    }

    /** The organization, if the caller is an active member of it; otherwise not found. */
    public Uni<Organization> get(Caller caller, UUID id) {
        return Membership.active(id, caller.userId())
                .chain(m -> m == null ? Uni.createFrom().nullItem() : Organization.<Organization>findById(id))
                .onItem().ifNull().failWith(() -> Problems.notFound("organization", id))
                .chain(org -> org.deletedAt != null
                        ? Uni.createFrom().failure(Problems.notFound("organization", id))
                        : Uni.createFrom().item(org));
    }

    public Uni<List<Organization>> mine(Caller caller) {
        return Organization.list("""
                select o from Organization o where o.deletedAt is null and o.id in (
                  select m.orgId from Membership m where m.userId = ?1 and m.active = true)
                order by o.name""", caller.userId());
    }

    private static RuntimeException slugTaken(String slug) {
        return Problems.conflict("slug-taken", "the slug '" + slug + "' is already taken");
    }

    static boolean isSlugUniqueViolation(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            String message = t.getMessage();
            if (message != null && message.contains("uq_organizations_slug")) {
                return true;
            }
        }
        return false;
    }
}
