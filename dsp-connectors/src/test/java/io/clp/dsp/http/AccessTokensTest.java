package io.clp.dsp.http;

import io.clp.dsp.AccountRef;
import io.clp.dsp.Dsp;
import io.clp.dsp.DspCredentials;
import io.clp.dsp.RateLimit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

class AccessTokensTest {

    private final AccessTokens tokens = new AccessTokens(Clock.systemUTC());
    // not the common pool: on a small machine it has a single worker, which the slow login would occupy
    private final ExecutorService pool = Executors.newCachedThreadPool();

    @AfterEach
    void stopPool() {
        pool.shutdownNow();
    }

    private static AccessToken token(String value) {
        return new AccessToken(value, Instant.now().plusSeconds(3600));
    }

    @Test
    void credentialsWithTheSameHashCodeNeverGetEachOthersToken() {
        // "Aa" and "BB" share a String hash code, so the two maps share Map.hashCode
        DspCredentials first = new DspCredentials(Map.of("password", "Aa"));
        DspCredentials second = new DspCredentials(Map.of("password", "BB"));
        assertThat(first.hashCode()).isEqualTo(second.hashCode());

        AccessToken issued = tokens.get(new AccountRef(Dsp.TTD, "adv1", first, RateLimit.DEFAULT), a -> token("first"));
        AccessToken other = tokens.get(new AccountRef(Dsp.TTD, "adv1", second, RateLimit.DEFAULT), a -> token("second"));

        assertThat(issued.value()).isEqualTo("first");
        assertThat(other.value()).isEqualTo("second");
    }

    @Test
    void twoOrganizationsConnectingTheSameAccountKeepTheirOwnTokens() {
        DspCredentials same = new DspCredentials(Map.of("password", "x"));
        AccessToken a = tokens.get(new AccountRef("org-a", Dsp.TTD, "adv1", same, RateLimit.DEFAULT), r -> token("a"));
        AccessToken b = tokens.get(new AccountRef("org-b", Dsp.TTD, "adv1", same, RateLimit.DEFAULT), r -> token("b"));
        assertThat(a.value()).isEqualTo("a");
        assertThat(b.value()).isEqualTo("b");
    }

    @Test
    void aSlowLoginDoesNotBlockAnotherAccountsLookup() throws Exception {
        // two accounts whose keys fall into the same bin of a fresh map (16 bins) under either key format
        String[] ids = sameBin();
        DspCredentials credentials = new DspCredentials(Map.of("password", "x"));
        CountDownLatch loginStarted = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        CompletableFuture<AccessToken> slow = CompletableFuture.supplyAsync(() -> tokens.get(
                new AccountRef(Dsp.TTD, ids[0], credentials, RateLimit.DEFAULT), a -> {
                    loginStarted.countDown();
                    try {
                        release.await();
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                    return token("slow");
                }), pool);
        try {
            assertThat(loginStarted.await(5, TimeUnit.SECONDS)).isTrue();
            CompletableFuture<AccessToken> other = CompletableFuture.supplyAsync(() -> tokens.get(
                    new AccountRef(Dsp.TTD, ids[1], credentials, RateLimit.DEFAULT), a -> token("fast")), pool);
            assertThat(other.get(5, TimeUnit.SECONDS).value()).isEqualTo("fast");
        } finally {
            release.countDown();
        }
        assertThat(slow.get(5, TimeUnit.SECONDS).value()).isEqualTo("slow");
    }

    @Test
    void concurrentCallersForOneAccountLogInOnce() throws Exception {
        DspCredentials credentials = new DspCredentials(Map.of("password", "x"));
        AccountRef account = new AccountRef("org", Dsp.TTD, "adv1", credentials, RateLimit.DEFAULT);
        AtomicInteger logins = new AtomicInteger();
        CompletableFuture<?>[] calls = new CompletableFuture<?>[8];
        for (int i = 0; i < calls.length; i++) {
            calls[i] = CompletableFuture.runAsync(() -> tokens.get(account, a -> {
                logins.incrementAndGet();
                try {
                    Thread.sleep(50);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                return token("t");
            }), pool);
        }
        CompletableFuture.allOf(calls).get(10, TimeUnit.SECONDS);
        assertThat(logins).hasValue(1);
    }

    private static String[] sameBin() {
        DspCredentials credentials = new DspCredentials(Map.of("password", "x"));
        String suffix = "#" + Integer.toHexString(credentials.hashCode());
        String first = null;
        for (int i = 0; ; i++) {
            String id = "adv" + i;
            AccountRef ref = new AccountRef(Dsp.TTD, id, credentials, RateLimit.DEFAULT);
            int oldBin = bin("ttd:" + id + suffix);
            int newBin = bin(ref.key());
            if (first == null) {
                first = id;
                continue;
            }
            AccountRef firstRef = new AccountRef(Dsp.TTD, first, credentials, RateLimit.DEFAULT);
            if (oldBin == bin("ttd:" + first + suffix) && newBin == bin(firstRef.key())
                    && bin(ref.key() + suffix) == bin(firstRef.key() + suffix)) {
                return new String[] {first, id};
            }
        }
    }

    private static int bin(String key) {
        int h = key.hashCode();
        return ((h ^ (h >>> 16)) & 0x7fffffff) & 15;
    }

    @Test
    void aDelegationNeverHandsOutATokenCloseToExpiryAndReusesOneWithTimeLeft() {
        AccountRef account = new AccountRef("org-a", Dsp.DV360, "1", new DspCredentials(Map.of("refresh_token", "r")), RateLimit.DEFAULT);
        AtomicInteger logins = new AtomicInteger();
        tokens.get(account, a -> new AccessToken("short", Instant.now().plusSeconds(600)));

        AccessToken delegated = tokens.forDelegation(account, a -> new AccessToken("fresh-" + logins.incrementAndGet(),
                Instant.now().plusSeconds(3600)), 900);
        AccessToken again = tokens.forDelegation(account, a -> new AccessToken("fresh-" + logins.incrementAndGet(),
                Instant.now().plusSeconds(3600)), 900);

        assertThat(delegated.value()).isEqualTo("fresh-1");
        assertThat(again.value()).isEqualTo("fresh-1");
        assertThat(logins).hasValue(1);
    }

    @Test
    void delegatedCredentialsAreHandedOutAsTheyAreAndNeverLoggedInWith() {
        DspCredentials delegated = DspCredentials.delegated(Map.of("access_token", "given"), Instant.now().plusSeconds(900));
        AccountRef account = new AccountRef("org-a", Dsp.DV360, "1", delegated, RateLimit.DEFAULT);

        AccessToken token = tokens.get(account, a -> {
            throw new AssertionError("a delegated account is never logged in with");
        });

        assertThat(token.value()).isEqualTo("given");
        assertThat(token.expiresAt()).isEqualTo(delegated.delegatedUntil());
    }
}
