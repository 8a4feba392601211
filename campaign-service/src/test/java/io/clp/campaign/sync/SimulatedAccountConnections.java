package io.clp.campaign.sync;

import io.clp.campaign.account.AccountConnections;
import io.clp.dsp.AccountRef;
import io.clp.dsp.Dsp;
import io.clp.dsp.DspConnector;
import io.clp.dsp.DspCredentials;
import io.clp.dsp.RateLimit;
import io.clp.dspsim.Catalog;
import io.clp.dspsim.DspSimulator;
import io.smallrye.mutiny.Uni;
import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Alternative;

import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

/**
 * TEST ONLY: the AccountConnections of campaign-service's tests until the real one (accounts with encrypted
 * credentials) is merged, which replaces it. Accounts the tests insert are registered here with their DSP and
 * external id; their credentials are the simulator's documented ones ({@link Catalog}), never read from the database.
 */
@Alternative
@Priority(1)
@ApplicationScoped
public class SimulatedAccountConnections implements AccountConnections {

    static final DspSimulator SIMULATOR = DspSimulator.start("127.0.0.1", 0, Catalog.standard(11));
    private static final Map<UUID, AccountRef> ACCOUNTS = new ConcurrentHashMap<>();

    static void register(UUID accountId, Dsp dsp, String externalAccountId) {
        ACCOUNTS.put(accountId, new AccountRef(dsp, externalAccountId, new DspCredentials(Map.of(
                "client_id", Catalog.CLIENT_ID, "client_secret", Catalog.CLIENT_SECRET, "refresh_token", Catalog.REFRESH_TOKEN)),
                RateLimit.DEFAULT));
    }

    @Override
    public DspConnector connector(Dsp dsp) {
        return new CatalogConnector(dsp, SIMULATOR.simulation());
    }

    @Override
    public Uni<AccountRef> accountRef(UUID orgId, UUID accountId) {
        AccountRef ref = ACCOUNTS.get(accountId);
        return ref == null ? Uni.createFrom().failure(new IllegalStateException("unknown account " + accountId))
                : Uni.createFrom().item(ref);
    }
}
