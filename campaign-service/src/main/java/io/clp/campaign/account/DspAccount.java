package io.clp.campaign.account;

import io.quarkus.hibernate.reactive.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.EnumType;
import jakarta.persistence.Enumerated;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import org.hibernate.annotations.JdbcTypeCode;
import org.hibernate.type.SqlTypes;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.UUID;

/**
 * A connected DSP account. Its credentials ({@code credentials_encrypted}, {@code oauth_token_path})
 * are deliberately not mapped: nothing that reads accounts for the API can reach them.
 */
@Entity
@Table(name = "dsp_accounts")
public class DspAccount extends PanacheEntityBase {

    public static final String ENTITY_TYPE = "dsp_account";

    @Id
    public UUID id;

    @Column(name = "org_id", nullable = false)
    public UUID orgId;

    @Enumerated(EnumType.STRING)
    @JdbcTypeCode(SqlTypes.NAMED_ENUM)
    @Column(name = "dsp_type", nullable = false, columnDefinition = "dsp_type")
    public DspType dspType;

    @Column(name = "external_account_id", nullable = false)
    public String externalAccountId;

    @Column(name = "display_name")
    public String displayName;

    @Column(name = "is_active", nullable = false)
    public boolean active;

    @Column(name = "last_sync_at")
    public Instant lastSyncAt;

    /**
     * Free text of up to 20 characters: the schema fixes no set of sync outcomes, and the connectors
     * that will write it are not built yet; an enum belongs here once they define the outcomes.
     */
    @Column(name = "last_sync_status")
    public String lastSyncStatus;

    @Column(name = "account_timezone", nullable = false)
    public String accountTimezone;

    @Column(nullable = false, columnDefinition = "char(3)")
    public String currency;

    @Column(name = "created_at", nullable = false, insertable = false, updatable = false)
    public Instant createdAt;

    @Column(name = "updated_at", nullable = false)
    public Instant updatedAt;

    /** Applies a change the API asked for: the fields it names, and the time of the change. */
    void apply(UpdateDspAccount change) {
        if (change.displayName() != null) {
            displayName = change.displayName().strip();
        }
        if (change.active() != null) {
            active = change.active();
        }
        updatedAt = Instant.now().truncatedTo(ChronoUnit.MICROS);
    }
}
