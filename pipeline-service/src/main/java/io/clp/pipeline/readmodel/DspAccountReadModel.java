package io.clp.pipeline.readmodel;

import io.clp.events.campaign.DspAccountConnected;
import io.clp.events.campaign.DspAccountDeleted;
import io.clp.events.campaign.DspAccountEvent;
import io.clp.events.campaign.DspAccountUpdated;
import io.clp.platform.messaging.EventHandlers;
import io.clp.platform.messaging.EventProjection;
import io.clp.platform.messaging.ProjectionSupport;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.smallrye.mutiny.Uni;
import jakarta.inject.Singleton;
import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.eclipse.microprofile.reactive.messaging.Message;

import java.util.concurrent.CompletionStage;

/**
 * This service's copy of campaign-service's DSP accounts ({@code dsp_account_refs}), which a pipeline's
 * {@code dspAccountId} is checked against: kept from {@code clp.events.dsp-account} (group
 * {@code pipeline-dsp-accounts}). Every event carries the account's whole state and the time of its change
 * ({@code updatedAt}); an event applies only when it is newer than the row, so a replayed or late event never
 * overwrites a newer state. A deletion leaves a tombstone ({@code deleted_at}, inactive) so that no older event
 * brings the account back.
 */
@Singleton
public class DspAccountReadModel extends EventProjection {

    static final String UPSERT = """
            INSERT INTO dsp_account_refs (id, org_id, dsp_type, display_name, is_active, updated_at)
            VALUES (?1, ?2, CAST(?3 AS dsp_type), ?4, ?5, ?6)
            ON CONFLICT (id) DO UPDATE SET org_id = excluded.org_id, dsp_type = excluded.dsp_type,
                display_name = excluded.display_name, is_active = excluded.is_active, updated_at = excluded.updated_at
            WHERE dsp_account_refs.deleted_at IS NULL AND dsp_account_refs.updated_at < excluded.updated_at
            """;

    static final String DELETE = """
            INSERT INTO dsp_account_refs (id, org_id, dsp_type, display_name, is_active, updated_at, deleted_at)
            VALUES (?1, ?2, CAST(?3 AS dsp_type), ?4, false, ?5, ?5)
            ON CONFLICT (id) DO UPDATE SET is_active = false, updated_at = excluded.updated_at, deleted_at = excluded.deleted_at
            WHERE dsp_account_refs.deleted_at IS NULL AND dsp_account_refs.updated_at <= excluded.updated_at
            """;

    private final EventHandlers<Received> handlers;

    public DspAccountReadModel(ProjectionSupport support) {
        super(support, "dsp-accounts");
        this.handlers = eventHandlers()
                .on(DspAccountConnected.class, (account, event) -> once(event, () -> upsert(account)))
                .on(DspAccountUpdated.class, (account, event) -> once(event, () -> upsert(account)))
                .on(DspAccountDeleted.class, (account, event) -> once(event, () -> delete(account)))
                .build();
    }

    @Override
    protected EventHandlers<Received> handlers() {
        return handlers;
    }

    @Incoming("dsp-accounts")
    public CompletionStage<Void> consume(Message<String> message) {
        return handle(message);
    }

    private static Uni<Integer> upsert(DspAccountEvent account) {
        return Panache.getSession().chain(session -> session.createNativeQuery(UPSERT)
                .setParameter(1, account.id())
                .setParameter(2, account.organizationId())
                .setParameter(3, account.dspType())
                .setParameter(4, account.displayName())
                .setParameter(5, account.active())
                .setParameter(6, account.updatedAt())
                .executeUpdate());
    }

    private static Uni<Integer> delete(DspAccountEvent account) {
        return Panache.getSession().chain(session -> session.createNativeQuery(DELETE)
                .setParameter(1, account.id())
                .setParameter(2, account.organizationId())
                .setParameter(3, account.dspType())
                .setParameter(4, account.displayName())
                .setParameter(5, account.updatedAt())
                .executeUpdate());
    }
}
