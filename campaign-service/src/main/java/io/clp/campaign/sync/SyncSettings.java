package io.clp.campaign.sync;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

import java.time.Duration;
import java.util.Optional;

/** The hierarchy sync's configuration ({@code clp.sync.*}, see the service README). */
@ConfigMapping(prefix = "clp.sync")
public interface SyncSettings {

    /** How often the scheduler looks for due accounts ({@code off}: never; tests drive the engine themselves). */
    @WithDefault("10s")
    String pollEvery();

    /** The scheduler's first look after start-up. */
    @WithDefault("5s")
    String pollDelay();

    /** This instance's name as a lease owner; a random one per process when unset. */
    Optional<String> instanceId();

    /** How long a lease lasts without a heartbeat; the heartbeat renews it every third of this. */
    @WithDefault("2m")
    Duration lease();

    /** Accounts synced at once by one instance. */
    @WithDefault("4")
    int maxConcurrent();

    /**
     * The entities written per transaction at least: small DSP pages (DV360 lists 200 at a time) are gathered until
     * this many, a level's last page ends its batch. A crash loses at most this many entities' listing.
     */
    @WithDefault("5000")
    int writeBatch();

    /** Between two runs of an account that has no {@code syncIntervalMinutes} of its own (the account API sets it). */
    @WithDefault("60m")
    Duration defaultInterval();

    /** A full run when the last successful full run is older than this (incremental runs in between). */
    @WithDefault("24h")
    Duration fullEvery();

    /** Incremental runs read from the watermark less this, for DSP clocks and late writes. */
    @WithDefault("5m")
    Duration overlap();

    /** The first retry after a transient failure; doubled per failure in a row, up to {@link #backoffMax()}. */
    @WithDefault("1m")
    Duration backoffBase();

    @WithDefault("6h")
    Duration backoffMax();
}
