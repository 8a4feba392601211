package io.clp.dsp.http;

import io.clp.dsp.AccountRef;

import java.time.Clock;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

/**
 * Access tokens by account and credentials (a credential change never reuses the old account's token). Renewed a
 * minute before they expire; one login at a time per account.
 */
public final class AccessTokens {

    private static final long MARGIN_SECONDS = 60;

    private final Clock clock;
    private final Map<String, AccessToken> tokens = new ConcurrentHashMap<>();

    AccessTokens(Clock clock) {
        this.clock = clock;
    }

    public AccessToken get(AccountRef account, Function<AccountRef, AccessToken> login) {
        return tokens.compute(key(account), (key, current) ->
                current != null && current.validFor(MARGIN_SECONDS, clock.instant()) ? current : login.apply(account));
    }

    /** Forgets {@code stale} (only that one: another thread may already have renewed it). */
    public void invalidate(AccountRef account, AccessToken stale) {
        tokens.remove(key(account), stale);
    }

    private static String key(AccountRef account) {
        return account.key() + "#" + Integer.toHexString(account.credentials().hashCode());
    }
}
