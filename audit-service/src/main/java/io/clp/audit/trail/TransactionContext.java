package io.clp.audit.trail;

import io.quarkus.hibernate.reactive.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

import java.time.Instant;
import java.util.UUID;

/** A source service's transaction context as streamed: who ran transaction {@code txId} there. */
@Entity
@Table(name = "transaction_contexts")
public class TransactionContext extends PanacheEntityBase {

    @Id
    public UUID id;

    @Column(name = "source_service", nullable = false)
    public String sourceService;

    @Column(name = "tx_id", nullable = false)
    public long txId;

    @Column(nullable = false)
    public String actor;

    @Column(name = "user_id")
    public UUID userId;

    @Column(name = "actor_name")
    public String actorName;

    @Column(name = "request_id")
    public String requestId;

    @Column(name = "created_at", nullable = false)
    public Instant createdAt;
}
