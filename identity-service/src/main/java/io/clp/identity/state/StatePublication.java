package io.clp.identity.state;

import io.clp.identity.model.EntityGrant;
import io.clp.identity.grant.Grants;
import io.clp.identity.model.Organization;
import io.clp.identity.organization.OrganizationStates;
import io.clp.platform.outbox.Outbox;
import io.clp.platform.tx.Transactions;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.quarkus.scheduler.Scheduled;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.LockModeType;
import org.jboss.logging.Logger;

import java.util.List;

/**
 * Publishes, once per installation, the current state of every organization and grant that existed
 * before identity-service published state, so that the compacted {@code clp.state.*} topics hold every
 * entity and a consumer with an empty read model learns all of them (docs/architecture.md, "Read models").
 * <p>
 * Runs shortly after start and then on every {@code clp.state.publish-existing-every} until it has
 * succeeded once: the marker row in {@code state_publications} is inserted first, in the same
 * transaction as every state it publishes, so the work is done exactly once whatever instance or
 * restart runs it (a second instance waits on the marker's row lock and then finds it; a failed pass
 * leaves no marker and is run again). The rows are read {@code FOR SHARE}: a change made meanwhile
 * waits for this transaction, so its newer state follows the old one on the topic and compaction keeps
 * the newer. It is done in Java, through the same outbox writer as live changes, rather than
 * in a Flyway migration, so the states have exactly the shape, headers and effective quotas of the
 * ones published for changes (the plan defaults live in Java).
 */
@ApplicationScoped
public class StatePublication {

    static final String EXISTING = "existing-organizations-and-grants";
    private static final Logger LOG = Logger.getLogger(StatePublication.class);

    private final Transactions transactions;
    private final OrganizationStates organizations;
    private final Outbox outbox;

    public StatePublication(Transactions transactions, OrganizationStates organizations, Outbox outbox) {
        this.transactions = transactions;
        this.organizations = organizations;
        this.outbox = outbox;
    }

    @Scheduled(every = "${clp.state.publish-existing-every}", delayed = "2s",
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    Uni<Void> scheduled() {
        return publishExisting()
                .onFailure().invoke(e -> LOG.warnf("publishing the state of existing organizations and grants failed; "
                        + "it is tried again: %s", e.toString()))
                .onFailure().recoverWithNull().replaceWithVoid();
    }

    /** Publishes every organization's and grant's state unless that was done before; returns how many states, or -1. */
    public Uni<Integer> publishExisting() {
        // a read first: once done, a pass writes nothing (no transaction context, no change event)
        return transactions.scoped(() -> Panache.getSession().chain(session -> session.createNativeQuery(
                                "SELECT count(*) FROM state_publications WHERE name = ?1", Long.class)
                        .setParameter(1, EXISTING).getSingleResult()))
                .chain(done -> done > 0 ? Uni.createFrom().item(-1) : transactions.write(() -> Panache.getSession()
                        .chain(session -> session.createNativeQuery(
                                        "INSERT INTO state_publications (name) VALUES (?1) ON CONFLICT (name) DO NOTHING")
                                .setParameter(1, EXISTING).executeUpdate())
                        .chain(inserted -> inserted == 0 ? Uni.createFrom().item(-1) : publishAll())))
                .invoke(count -> {
                    if (count >= 0) {
                        LOG.infof("published the state of %d existing organizations and grants", count);
                    }
                });
    }

    private Uni<Integer> publishAll() {
        Uni<List<Organization>> orgs = Organization.<Organization>find("order by createdAt, id")
                .withLock(LockModeType.PESSIMISTIC_READ).list();
        Uni<List<EntityGrant>> grants = EntityGrant.<EntityGrant>find("order by grantedAt, id")
                .withLock(LockModeType.PESSIMISTIC_READ).list();
        return orgs.chain(all -> Multi.createFrom().iterable(all)
                        .onItem().transformToUniAndConcatenate(organizations::publish)
                        .collect().last().replaceWith(all.size()))
                .chain(orgCount -> grants.chain(all -> Multi.createFrom().iterable(all)
                        .onItem().transformToUniAndConcatenate(grant -> outbox.publish(Grants.state(grant)))
                        .collect().last().replaceWith(orgCount + all.size())));
    }
}
