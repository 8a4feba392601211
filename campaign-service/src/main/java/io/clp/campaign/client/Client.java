package io.clp.campaign.client;

import io.quarkus.hibernate.reactive.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

import java.time.Instant;
import java.util.UUID;

/**
 * A client (an advertiser the organization serves and bills). Its currency, what its CPM rates and billed spend are
 * in, is fixed once it exists: changing it would reprice history without a rate change to show for it.
 */
@Entity
@Table(name = "clients")
public class Client extends PanacheEntityBase {

    public static final String ENTITY_TYPE = "client";

    @Id
    public UUID id;

    @Column(name = "org_id", nullable = false)
    public UUID orgId;

    @Column(nullable = false)
    public String name;

    /** {@code active} or {@code disabled}: a disabled client keeps its campaigns, rates and history but takes no new links. */
    @Column(nullable = false)
    public String status;

    @Column(nullable = false, columnDefinition = "char(3)")
    public String currency;

    @Column(name = "created_at", nullable = false, updatable = false)
    public Instant createdAt;

    @Column(name = "updated_at", nullable = false)
    public Instant updatedAt;
}
