package io.clp.identity.organization;

import io.clp.identity.model.Organization;

import io.clp.events.identity.OrganizationCreated;
import io.clp.events.identity.OrganizationDeleted;
import io.clp.events.identity.OrganizationUpdated;
import io.clp.identity.apikey.ApiKeys;
import io.clp.platform.problem.DatabaseErrors;
import io.clp.tenancy.security.Permission;
import io.clp.tenancy.security.Role;
import io.clp.tenancy.work.OrganizationWork;
import io.clp.identity.model.Membership;
import io.clp.identity.quota.Quotas;
import io.clp.identity.user.Users;
import io.clp.platform.outbox.Outbox;
import io.clp.platform.problem.Problems;
import io.clp.tenancy.security.Caller;
import io.clp.platform.tx.Transactions;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.LockModeType;
import org.jboss.logging.Logger;

import java.math.BigDecimal;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Consumer;
import java.util.UUID;

/**
 * Creating, changing and reading organizations. Every change locks the organization's row first and
 * re-reads it (a member's change through {@link OrganizationWork}, an operator's through {@link #locked}),
 * so concurrent changes apply one after the other; the row's version, which Hibernate checks on every update, is the safety net for a
 * write that did not lock (409 concurrent-modification) and orders the events in other services.
 */
@ApplicationScoped
public class Organizations {

    /** The Keycloak realm role of the people who run a CLP installation. */
    public static final String OPERATOR_ROLE = "clp-operator";
    private static final Logger LOG = Logger.getLogger(Organizations.class);

    private final Transactions transactions;
    private final Outbox outbox;
    private final Quotas quotas;
    private final Users users;
    private final OrganizationSettings settings;
    private final OrganizationWork work;
    private final ApiKeys apiKeys;
    private final OrganizationStates states;

    Organizations(Transactions transactions, Outbox outbox, Quotas quotas, Users users, OrganizationSettings settings,
                  OrganizationWork work, ApiKeys apiKeys, OrganizationStates states) {
        this.transactions = transactions;
        this.outbox = outbox;
        this.quotas = quotas;
        this.users = users;
        this.settings = settings;
        this.work = work;
        this.apiKeys = apiKeys;
        this.states = states;
    }

    /**
     * Creates the organization with the caller as its first admin and publishes
     * {@link OrganizationCreated}, all in one transaction: either everything is written or nothing.
     */
    public Uni<Organization> create(Caller caller, CreateOrganization request) {
        // an organization belongs to people: an API key cannot found one
        caller.requirePerson();
        if (request.settings() != null) {
            settings.validate(request.settings());
        }
        // the unique constraint is the one slug check: row-level security hides other organizations'
        // slugs from any query made first, and a check-then-insert would race anyway
        return transactions.write(() -> users.ensureCaller(caller).chain(user -> {
                Organization org = new Organization();
                org.id = UUID.randomUUID();
                org.name = request.name().strip();
                org.slug = request.slug();
                org.domain = request.domain();
                org.monthlyBudget = request.monthlyBudget();
                org.currency = request.currency();
                org.industry = request.industry();
                org.companySize = request.companySize();
                if (request.settings() != null) {
                    org.settings = new HashMap<>(request.settings());
                }
                org.createdAt = Instant.now().truncatedTo(ChronoUnit.MICROS);

                Membership admin = new Membership();
                admin.id = UUID.randomUUID();
                admin.orgId = org.id;
                admin.userId = user.id;
                admin.role = Role.ADMIN;
                admin.joinedAt = org.createdAt;

                return transactions.allowOrganization(org.id)
                        .chain(() -> org.<Organization>persist())
                        .chain(() -> admin.persist())
                        .chain(Organizations::flush)
                        .chain(() -> outbox.publish(new OrganizationCreated(org.id, org.name, org.slug, org.status.id(),
                                org.plan.name(), org.monthlyBudget, org.currency, user.id, org.createdAt, org.version)))
                        .chain(() -> quotas.publishLimits(org))
                        .chain(() -> states.publish(org))
                        .replaceWith(org);
        })).onFailure(Organizations::isSlugUniqueViolation).transform(e -> slugTaken(request.slug()));
    }

    /** Applies the fields present in {@code request}; publishes {@link OrganizationUpdated} when something changed. */
    public Uni<Organization> update(UUID id, UpdateOrganization request) {
        if (request.settings() != null) {
            settings.validate(request.settings());
        }
        return work.run(id, Permission.ORGANIZATION_UPDATE, () -> Organization.<Organization>findById(id).chain(org -> {
            List<String> changed = new ArrayList<>();
            change(changed, "name", org.name, request.name() == null ? null : request.name().strip(), v -> org.name = v);
            change(changed, "domain", org.domain, request.domain(), v -> org.domain = v);
            change(changed, "monthlyBudget", org.monthlyBudget, request.monthlyBudget(), v -> org.monthlyBudget = v);
            change(changed, "currency", org.currency, request.currency(), v -> org.currency = v);
            change(changed, "industry", org.industry, request.industry(), v -> org.industry = v);
            change(changed, "companySize", org.companySize, request.companySize(), v -> org.companySize = v);
            change(changed, "settings", org.settings, request.settings(), v -> org.settings = new HashMap<>(v));
            if (changed.isEmpty()) {
                return Uni.createFrom().item(org);
            }
            return publishUpdated(org, changed).replaceWith(org);
        }));
    }

    /** An operator overrides quotas (null: back to the plan's default); returns the organization. */
    public Uni<Organization> overrideQuotas(UUID id, Map<String, Integer> overrides) {
        // the override changes no column of the organization, but it is a change of it: the version
        // moves on so the quotas event outranks every earlier one
        return transactions.write(() -> transactions.allowOrganization(id)
                .chain(() -> locked(id, LockModeType.PESSIMISTIC_FORCE_INCREMENT))
                .call(Organizations::flush)
                .call(org -> quotas.override(org, overrides))
                .call(states::publish));
    }

    /**
     * An operator moves an organization to another plan: its quotas follow (those an operator
     * overrode stay overridden), published as {@link OrganizationUpdated} and
     * {@link io.clp.events.identity.OrganizationQuotasChanged} with the same version.
     */
    public Uni<Organization> changePlan(Caller caller, UUID id, ChangePlan request) {
        return transactions.write(() -> transactions.allowOrganization(id).chain(() -> locked(id, LockModeType.PESSIMISTIC_WRITE))
                .chain(org -> {
                    if (org.plan == request.plan()) {
                        return Uni.createFrom().item(org);
                    }
                    LOG.infof("operator %s moved organization %s from plan %s to %s: %s", caller.userId(), id, org.plan,
                            request.plan(), request.reason() == null ? "(no reason given)" : request.reason());
                    org.plan = request.plan();
                    return publishUpdated(org, List.of("plan")).replaceWith(org);
                }));
    }

    /**
     * Flushes the change (its version is known from then on) and publishes it; a plan change also
     * publishes the quotas; every change publishes the organization's new state.
     */
    private Uni<Void> publishUpdated(Organization org, List<String> changed) {
        return flush().chain(() -> outbox.publish(new OrganizationUpdated(org.id, org.name, org.slug, org.status.id(), org.plan.name(),
                        org.monthlyBudget, org.currency, changed, Instant.now().truncatedTo(ChronoUnit.MICROS), org.version)))
                .chain(() -> changed.contains("plan") ? quotas.publishLimits(org) : Uni.createFrom().voidItem())
                .chain(() -> states.publish(org));
    }

    /** Any live organization, for an operator (the caller's realm role is checked by the resource). */
    public Uni<Organization> getAsOperator(UUID id) {
        return transactions.scoped(() -> transactions.allowOrganization(id).chain(() -> live(id)));
    }

    /**
     * An operator moves an organization between trial, active and suspended; a suspended
     * organization's members can read but not change anything, here and in every other service
     * (which learn it from {@link OrganizationUpdated}).
     */
    public Uni<Organization> changeStatus(Caller caller, UUID id, ChangeStatus request) {
        return transactions.write(() -> transactions.allowOrganization(id).chain(() -> locked(id, LockModeType.PESSIMISTIC_WRITE))
                .chain(org -> {
            if (org.status == request.target()) {
                return Uni.createFrom().item(org);
            }
            org.status = request.target();
            LOG.infof("operator %s set organization %s to %s: %s", caller.userId(), id, request.status(),
                    request.reason() == null ? "(no reason given)" : request.reason());
            return publishUpdated(org, List.of("status")).replaceWith(org);
        }));
    }

    private static Uni<Organization> live(UUID id) {
        return Organization.<Organization>findById(id).map(org -> unlessDeleted(id, org));
    }

    /** The live organization with its row locked until the transaction ends (operators' changes). */
    private static Uni<Organization> locked(UUID id, LockModeType lock) {
        return Organization.<Organization>findById(id, lock).map(org -> unlessDeleted(id, org));
    }

    private static Organization unlessDeleted(UUID id, Organization org) {
        if (org == null || !org.live()) {
            throw Problems.notFound("organization", id);
        }
        return org;
    }

    private static Uni<Void> flush() {
        return Panache.getSession().chain(session -> session.flush());
    }

    /**
     * Soft delete: the organization and everything in it become unreachable; the rows stay for the
     * audit trail. Its API keys are revoked in the same transaction, so no key outlives it.
     */
    public Uni<Void> delete(UUID id) {
        return work.run(id, Permission.ORGANIZATION_DELETE, admission -> Organization.<Organization>findById(id).chain(org -> {
            org.markDeleted(Instant.now().truncatedTo(ChronoUnit.MICROS));
            return apiKeys.revokeAllIn(org.id, admission.userId())
                    .chain(() -> flush())
                    .chain(() -> outbox.publish(new OrganizationDeleted(org.id, org.slug, admission.userId(),
                            org.deletedAt, org.version)))
                    .chain(() -> states.publish(org));
        })).replaceWithVoid();
    }

    private static <T> void change(List<String> changed, String field, T current, T requested, Consumer<T> apply) {
        if (requested != null && !Objects.equals(current, requested)
                && !(current instanceof BigDecimal a && requested instanceof BigDecimal b && a.compareTo(b) == 0)) {
            apply.accept(requested);
            changed.add(field);
        }
    }

    /** The organization, if the caller is an active member of it; otherwise not found. */
    public Uni<Organization> get(UUID id) {
        return work.run(id, Permission.ORGANIZATION_READ, () -> Organization.<Organization>findById(id));
    }

    public Uni<List<Organization>> mine(Caller caller) {
        caller.requirePerson();
        return transactions.scoped(() -> Organization.<Organization>list("""
                select o from Organization o where o.deletedAt is null and o.id in (
                  select m.orgId from Membership m where m.userId = ?1 and m.active = true)
                order by o.name""", caller.userId()));
    }

    private static RuntimeException slugTaken(String slug) {
        return Problems.conflict("slug-taken", "the slug '" + slug + "' is already taken");
    }

    static boolean isSlugUniqueViolation(Throwable e) {
        return DatabaseErrors.violated(e, "uq_organizations_slug");
    }
}
