package io.clp.campaign.account;

import io.clp.dsp.AccountRef;
import io.clp.dsp.Dsp;
import io.clp.dsp.DspConnector;
import io.clp.dsp.DspConnectors;
import io.clp.dsp.http.DspHttp;
import io.clp.platform.crypto.EnvelopeException;
import io.clp.platform.tx.Transactions;
import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.infrastructure.Infrastructure;
import io.quarkus.vertx.core.runtime.context.VertxContextSafetyToggle;
import io.clp.platform.tx.CallersContext;
import io.smallrye.common.vertx.VertxContext;
import jakarta.enterprise.context.ApplicationScoped;
import org.jboss.logging.Logger;

import java.util.UUID;

/**
 * The connectors built from {@link DspSettings} over one {@link DspHttp} (one rate limiter and token cache per
 * account), and the accounts' references read from the database. Fails closed: an account that is unknown,
 * disabled, without credentials or whose credentials do not decrypt yields a failed Uni, never a reference.
 */
@ApplicationScoped
public class DspAccountConnections implements AccountConnections {

    private static final Logger LOG = Logger.getLogger(DspAccountConnections.class);

    private final DspConnectors connectors;
    private final Transactions transactions;
    private final CredentialsCodec codec;
    private final DspAccountRepository accounts;

    private final io.vertx.core.Vertx vertx;

    DspAccountConnections(DspSettings settings, Transactions transactions, CredentialsCodec codec, DspAccountRepository accounts,
                          io.vertx.core.Vertx vertx) {
        this.vertx = vertx;
        this.accounts = accounts;
        this.connectors = new DspConnectors(DspHttp.create(settings.connectTimeout(), settings.requestTimeout()),
                settings.dspEndpoints());
        this.transactions = transactions;
        this.codec = codec;
    }

    @Override
    public DspConnector connector(Dsp dsp) {
        return connectors.get(dsp);
    }

    @Override
    public Uni<AccountRef> accountRef(UUID orgId, UUID accountId) {
        Uni<Loaded> read = onVertxContext(() -> transactions.scoped(() -> transactions.allowOrganization(orgId)
                .chain(() -> accounts.inOrganization(orgId, accountId))
                .chain((DspAccount account) -> {
                            if (account == null) {
                                return Uni.createFrom().failure(new AccountUnavailable("no DSP account " + accountId + " in organization " + orgId));
                            }
                            if (!account.active) {
                                return Uni.createFrom().failure(new AccountUnavailable("DSP account " + accountId + " is disabled"));
                            }
                            return DspAccountCredentials.<DspAccountCredentials>findById(accountId)
                                    .map(credentials -> new Loaded(account, credentials));
                        })));
        // decrypting is blocking work: off the event loop, then back on the caller's context
        return CallersContext.back(read.emitOn(Infrastructure.getDefaultWorkerPool())
                .map(loaded -> {
                    if (loaded.credentials() == null || !orgId.equals(loaded.credentials().orgId)) {
                        throw new AccountUnavailable("DSP account " + accountId + " has no credentials");
                    }
                    try {
                        // scoped by CLP's account id: another organization's connection of the same external
                        // account never shares this one's tokens or rate limiter
                        return new AccountRef(accountId.toString(), Dsp.fromLabel(loaded.account().dspType.name()).orElseThrow(),
                                loaded.account().externalAccountId, codec.open(loaded.credentials()),
                                AccountRateLimit.toRateLimit(loaded.account().rateLimit));
                    } catch (EnvelopeException e) {
                        LOG.errorf("credentials of DSP account %s cannot be decrypted: %s", accountId, e.getMessage());
                        throw new AccountUnavailable("the credentials of DSP account " + accountId + " cannot be decrypted");
                    }
                }));
    }

    /**
     * Hibernate Reactive needs a safe Vert.x context: callers on one (requests, consumers) keep theirs; callers on
     * a plain thread (a scheduler, a virtual thread) get a new duplicated context for this read.
     */
    private <T> Uni<T> onVertxContext(java.util.function.Supplier<Uni<T>> work) {
        if (io.vertx.core.Vertx.currentContext() != null) {
            return Uni.createFrom().deferred(work::get);
        }
        io.vertx.core.Context context = VertxContext.createNewDuplicatedContext(vertx.getOrCreateContext());
        VertxContextSafetyToggle.setContextSafe(context, true);
        return Uni.createFrom().deferred(work::get).runSubscriptionOn(task -> context.runOnContext(ignored -> task.run()));
    }

    private record Loaded(DspAccount account, DspAccountCredentials credentials) {
    }

    /** The account cannot be reached at its DSP through CLP: unknown, disabled or its credentials unreadable. Permanent until someone changes the account. */
    public static final class AccountUnavailable extends RuntimeException {
        public AccountUnavailable(String message) {
            super(message);
        }
    }
}
