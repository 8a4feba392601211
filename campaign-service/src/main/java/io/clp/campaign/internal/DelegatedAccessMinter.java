package io.clp.campaign.internal;

import io.clp.campaign.account.AccountConnections;
import io.clp.campaign.account.DspAccountConnections.AccountUnavailable;
import io.clp.dsp.Dsp;
import io.clp.dsp.DelegatedAccess;
import io.clp.platform.problem.ProblemException;
import io.clp.platform.tx.CallersContext;
import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.infrastructure.Infrastructure;
import jakarta.enterprise.context.ApplicationScoped;

import java.time.Instant;
import java.util.Map;
import java.util.UUID;

/**
 * Mints short-lived DSP access for one account from its long-lived credentials, which never leave this service: the
 * account's connector ({@code DspConnector.delegate}) exchanges them for an access token and its companions. Nothing
 * here is stored, logged, audited or published; the answer lives in memory for the response only.
 */
@ApplicationScoped
class DelegatedAccessMinter {

    /** What the internal API answers: the DSP's id of the account, the short-lived credentials and the account's day and money. */
    record Minted(String dsp, String externalAccountId, Map<String, String> credentials, Instant expiresAt,
                  String accountTimezone, String currency) {
        @Override
        public String toString() {
            return "Minted[" + dsp + ":" + externalAccountId + ", credentials=" + credentials.keySet() + "]";
        }
    }

    private final InternalStore store;
    private final AccountConnections connections;

    DelegatedAccessMinter(InternalStore store, AccountConnections connections) {
        this.store = store;
        this.connections = connections;
    }

    Uni<Minted> mint(UUID orgId, UUID accountId) {
        return store.inOrganization(orgId, conn -> InternalStore.account(conn, orgId, accountId))
                .invoke(account -> {
                    if (!account.active()) {
                        throw InternalStore.accountDisabled(accountId);
                    }
                })
                .chain(account -> CallersContext.back(connections.accountRef(orgId, accountId)
                        .onFailure(AccountUnavailable.class).transform(e -> new ProblemException(409, "dsp-account-disabled",
                                "The DSP account cannot be used", e.getMessage(), null))
                        // the connector calls the DSP and blocks: off the event loop
                        .emitOn(Infrastructure.getDefaultWorkerPool())
                        .map(ref -> {
                            Dsp dsp = ref.dsp();
                            DelegatedAccess access;
                            try {
                                access = connections.connector(dsp).delegate(ref);
                            } catch (UnsupportedOperationException e) {
                                throw new ProblemException(501, "dsp-delegation-unsupported",
                                        "The DSP's connector cannot delegate access", dsp.label()
                                        + " accounts cannot hand out short-lived access yet", null);
                            }
                            return new Minted(dsp.label(), ref.externalAccountId(), access.credentials().asMap(),
                                    access.expiresAt(), account.timezone(), account.currency());
                        })));
    }
}
