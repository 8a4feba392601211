package io.clp.tenancy.work;

import io.clp.platform.problem.Problems;
import io.clp.platform.tx.SessionSql;
import io.clp.platform.tx.Transactions;
import io.clp.tenancy.grant.EntityAccess;
import io.clp.tenancy.grant.EntityRef;
import io.clp.tenancy.security.Admission;
import io.clp.tenancy.security.Permission;
import io.smallrye.mutiny.Uni;
import jakarta.inject.Singleton;

import java.util.List;
import java.util.UUID;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * The one entry point for work on an organization's data. Every organization-scoped operation runs
 * the same sequence, in this order, so none can forget a step:
 * <ol>
 *   <li>one transaction, scoped to the caller for row-level security (audited when the permission
 *       changes something, see {@link Permission#readsOnly}); a gate that admits from the token alone sets the
 *       scope when it enters the organization, in the same statement ({@link OrganizationGate#entersWithScope});</li>
 *   <li>the access check: the caller's standing in the organization ({@link OrganizationGate#admit}):
 *       404 for a non-member, 403 without the permission;</li>
 *   <li>the organization entered ({@link OrganizationGate#enter}): its rows made visible to the transaction
 *       ({@link Transactions#allowOrganization}), and its state checked: 404 when deleted or unknown, 409 for a
 *       change while suspended (the token gate does both in one statement);</li>
 *   <li>for a member with the client role, only the rows of the clients granted to them ({@link ClientScope});</li>
 *   <li>for work on one entity: the entity (404 when it is not the organization's), then the role or a
 *       live entity grant on it ({@link EntityAccess}): 403 when neither allows the action;</li>
 *   <li>the work itself.</li>
 * </ol>
 * A business class calls it; a resource never opens a transaction or checks access itself. Behind a gate that enters in
 * one statement, a read sends its first statements together, without waiting for each reply, and answers only once the
 * entry has ({@link #read}; docs/adr/0015).
 */
@Singleton
public class OrganizationWork {

    private final Transactions transactions;
    private final OrganizationGate gate;
    private final EntityAccess entities;
    private final ClientScope clients;

    OrganizationWork(Transactions transactions, OrganizationGate gate, EntityAccess entities, ClientScope clients) {
        this.transactions = transactions;
        this.gate = gate;
        this.entities = entities;
        this.clients = clients;
    }

    /** Work the caller's {@code permission} in the organization allows. */
    public <T> Uni<T> run(UUID orgId, Permission permission, Supplier<Uni<T>> work) {
        return run(orgId, permission, admission -> work.get());
    }

    /** Work the caller's {@code permission} in the organization allows, given the caller's standing. */
    public <T> Uni<T> run(UUID orgId, Permission permission, Function<Admission, Uni<T>> work) {
        boolean change = !permission.readsOnly();
        return transaction(change, () -> admitted(orgId, permission, true, change).chain(admission -> work.apply(admission)));
    }

    /**
     * As {@link #run(UUID, Permission, Supplier)}, for a {@code read} that only reads this service's database: where the
     * gate enters the organization in one statement ({@link OrganizationGate#entersAtOnce}), the read's first statement
     * goes out behind it without waiting for its reply ({@link SessionSql#behind}), a round trip less. What the read finds
     * is dropped when the entry then refuses (the organization deleted, unknown or out of the caller's reach).
     */
    public <T> Uni<T> read(UUID orgId, Permission permission, Supplier<Uni<T>> read) {
        if (!permission.readsOnly()) {
            throw new IllegalArgumentException("a read under a permission that changes data: " + permission.scope());
        }
        if (!gate.entersAtOnce()) {
            return run(orgId, permission, read);
        }
        return transaction(false, () -> gate.admit(orgId, permission, true).chain(admission -> entered(orgId, admission, read)));
    }

    /**
     * Work on one entity of the organization that the caller's role or an entity grant on it allows.
     * {@code find} loads the entity in the transaction (null: it is not the organization's, 404
     * naming {@code entityType}), and may read more of it that the work needs, which is dropped when the access
     * check then refuses; {@code work} receives what it found.
     */
    public <E, T> Uni<T> onEntity(UUID orgId, Permission permission, String entityType, UUID entityId,
                                  Supplier<Uni<E>> find, Function<E, Uni<T>> work) {
        return onEntity(orgId, permission, entityType, entityId, find, entity -> List.of(), work);
    }

    /**
     * As {@link #onEntity(UUID, Permission, String, UUID, Supplier, Function)}, where a grant on an
     * entity that contains the one found ({@code enclosing} names them, from the entity's row) allows
     * the work too: a grant on a campaign opens its insertion orders, line items and creatives.
     */
    public <E, T> Uni<T> onEntity(UUID orgId, Permission permission, String entityType, UUID entityId,
                                  Supplier<Uni<E>> find, Function<E, List<EntityRef>> enclosing, Function<E, Uni<T>> work) {
        boolean change = !permission.readsOnly();
        return transaction(change, () -> found(orgId, permission, change, find)
                .chain(found -> Uni.createFrom().item(found.entity())
                        .onItem().ifNull().failWith(() -> Problems.notFound(entityType.replace('_', ' '), entityId))
                        .call(entity -> entities.requireOnEntity(found.admission(), entityType, entityId, enclosing.apply(entity)))
                        .chain(entity -> work.apply(entity))));
    }

    /** The caller's standing and the entity {@code find} loads (null when absent), once the organization is entered. */
    private record Found<E>(Admission admission, E entity) {
    }

    /**
     * The caller admitted and the organization entered, then the entity loaded; for a read behind a gate that enters in
     * one statement, the load goes out behind the entry, as {@link #read} sends a read.
     */
    private <E> Uni<Found<E>> found(UUID orgId, Permission permission, boolean change, Supplier<Uni<E>> find) {
        if (change || !gate.entersAtOnce()) {
            return admitted(orgId, permission, false, change)
                    .chain(admission -> find.get().map(entity -> new Found<>(admission, entity)));
        }
        return gate.admit(orgId, permission, false)
                .chain(admission -> entered(orgId, admission, find).map(entity -> new Found<>(admission, entity)));
    }

    private Uni<Admission> admitted(UUID orgId, Permission permission, boolean permissionRequired, boolean change) {
        return gate.admit(orgId, permission, permissionRequired)
                .call(() -> gate.enter(orgId, change))
                .call(clients::apply);
    }

    /**
     * The organization entered for a read, the caller's clients applied, and the read: the three statements sent together
     * ({@link SessionSql#behind}), the read's outcome kept only when the entry and the client scope succeed.
     */
    private <T> Uni<T> entered(UUID orgId, Admission admission, Supplier<Uni<T>> read) {
        return SessionSql.behind(gate.enter(orgId, false), () -> SessionSql.behind(clients.apply(admission), read));
    }

    private <T> Uni<T> transaction(boolean change, Supplier<Uni<T>> work) {
        if (gate.entersWithScope()) {
            return transactions.scopedByWork(change, work);
        }
        return change ? transactions.write(work) : transactions.scoped(work);
    }
}
