package io.clp.dsp.http;

import io.clp.dsp.AccountRef;
import io.clp.dsp.DspCredentials;
import io.clp.dsp.DspException;

import java.security.MessageDigest;
import java.time.Clock;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Function;

/**
 * Access tokens by account key (scope, DSP, account id), each remembered together with the SHA-256 of the
 * credentials it was issued for and only handed out for exactly those credentials. Renewed a minute before they
 * expire; one login at a time per account key, run under that key's own lock so the (slow, retried) login never
 * holds a map bin and never blocks lookups for other accounts. An account with {@linkplain DspCredentials#delegated
 * delegated} credentials is never logged in and never cached: its {@code access_token} is handed out as it is until it
 * expires, and an expired one is {@link DspException.InvalidCredentials#ofExpiredDelegation}.
 */
public final class AccessTokens {

    private static final long MARGIN_SECONDS = 60;

    private final Clock clock;
    private final Map<String, Entry> tokens = new ConcurrentHashMap<>();
    private final Map<String, ReentrantLock> logins = new ConcurrentHashMap<>();

    private record Entry(byte[] credentials, AccessToken token) {
    }

    AccessTokens(Clock clock) {
        this.clock = clock;
    }

    public AccessToken get(AccountRef account, Function<AccountRef, AccessToken> login) {
        DspCredentials credentials = account.credentials();
        if (credentials.delegated()) {
            if (!clock.instant().isBefore(credentials.delegatedUntil())) {
                throw DspException.InvalidCredentials.ofExpiredDelegation("the delegated access to "
                        + account.dsp().label() + " account " + account.externalAccountId() + " expired at "
                        + credentials.delegatedUntil());
            }
            return new AccessToken(credentials.require("access_token"), credentials.delegatedUntil());
        }
        String key = account.key();
        byte[] fingerprint = account.credentials().fingerprint();
        AccessToken cached = usable(tokens.get(key), fingerprint);
        if (cached != null) {
            return cached;
        }
        ReentrantLock lock = logins.computeIfAbsent(key, k -> new ReentrantLock());
        lock.lock();
        try {
            cached = usable(tokens.get(key), fingerprint);
            if (cached != null) {
                return cached;
            }
            AccessToken fresh = login.apply(account);
            tokens.put(key, new Entry(fingerprint, fresh));
            return fresh;
        } finally {
            lock.unlock();
        }
    }

    /**
     * A token to delegate: the cached one when it is still good for {@code minimumSeconds}, else a fresh login (which
     * then serves the account's own calls too). Never for delegated credentials: they cannot be delegated again.
     */
    public AccessToken forDelegation(AccountRef account, Function<AccountRef, AccessToken> login, long minimumSeconds) {
        if (account.credentials().delegated()) {
            throw new DspException.InvalidCredentials("delegated access to " + account.dsp().label() + " account "
                    + account.externalAccountId() + " cannot be delegated again");
        }
        AccessToken token = get(account, login);
        if (!token.validFor(minimumSeconds, clock.instant())) {
            invalidate(account, token);
            token = get(account, login);
        }
        return token;
    }

    /** Forgets {@code stale} (only that one: another thread may already have renewed it). */
    public void invalidate(AccountRef account, AccessToken stale) {
        tokens.computeIfPresent(account.key(), (key, entry) -> entry.token().equals(stale) ? null : entry);
    }

    private AccessToken usable(Entry entry, byte[] fingerprint) {
        return entry != null && MessageDigest.isEqual(entry.credentials(), fingerprint)
                && entry.token().validFor(MARGIN_SECONDS, clock.instant()) ? entry.token() : null;
    }
}
