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
 * A connected DSP account. Its credentials live in {@link DspAccountCredentials}, encrypted and out of change
 * data capture; {@code oauth_token_path} and the DSP's raw answers ({@code metadata}) are deliberately not mapped.
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

    /** The last sync's error as CLP wrote it (never a DSP's raw answer, which can echo credentials). */
    @Column(name = "sync_error", columnDefinition = "text")
    public String syncError;

    @JdbcTypeCode(SqlTypes.JSON)
    @Column(name = "rate_limit_config", nullable = false, columnDefinition = "jsonb")
    public AccountRateLimit rateLimit;

    @Column(name = "sync_interval_minutes")
    public Integer syncIntervalMinutes;

    @Column(name = "account_timezone", nullable = false)
    public String accountTimezone;

    @Column(nullable = false, columnDefinition = "char(3)")
    public String currency;

    @Column(name = "created_at", nullable = false, insertable = false, updatable = false)
    public Instant createdAt;

    @Column(name = "updated_at", nullable = false)
    public Instant updatedAt;

    /** What the DSP says about the account: its time zone and currency (its name is the caller's once set). */
    void takeFromDsp(io.clp.dsp.AccountInfo info) {
        if (info.timeZone() != null) {
            accountTimezone = info.timeZone().getId();
        }
        if (info.currency() != null) {
            currency = info.currency().getCurrencyCode();
        }
    }

    /** Applies a change the API asked for: the fields it names, and the time of the change. */
    void apply(UpdateDspAccount change) {
        if (change.displayName() != null) {
            displayName = change.displayName().strip();
        }
        if (change.active() != null) {
            active = change.active();
        }
        if (change.rateLimit() != null) {
            rateLimit = change.rateLimit();
        }
        if (change.syncIntervalMinutes() != null) {
            syncIntervalMinutes = change.syncIntervalMinutes();
        }
        updatedAt = Instant.now().truncatedTo(ChronoUnit.MICROS);
    }
}
