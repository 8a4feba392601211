package io.clp.dsp.http;

import io.clp.dsp.AccountRef;

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
 * holds a map bin and never blocks lookups for other accounts.
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

    /** Forgets {@code stale} (only that one: another thread may already have renewed it). */
    public void invalidate(AccountRef account, AccessToken stale) {
        tokens.computeIfPresent(account.key(), (key, entry) -> entry.token().equals(stale) ? null : entry);
    }

    private AccessToken usable(Entry entry, byte[] fingerprint) {
        return entry != null && MessageDigest.isEqual(entry.credentials(), fingerprint)
                && entry.token().validFor(MARGIN_SECONDS, clock.instant()) ? entry.token() : null;
    }
}
