package io.clp.dspsim;

import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/** Access tokens the simulated DSPs issued: who for, until when; an EXPIRED_TOKEN fault revokes what was issued. */
public final class Tokens {

    private static final SecureRandom RANDOM = new SecureRandom();

    public record Issued(String dsp, String subject, Instant expiresAt) {
    }

    private final Map<String, Issued> issued = new ConcurrentHashMap<>();

    public String issue(String dsp, String subject, String prefix, Duration lifetime) {
        byte[] bytes = new byte[24];
        RANDOM.nextBytes(bytes);
        String token = prefix + HexFormat.of().formatHex(bytes);
        issued.put(token, new Issued(dsp, subject, Instant.now().plus(lifetime)));
        return token;
    }

    /** The live token's grant, if the token was issued by this DSP and has not expired or been revoked. */
    public Optional<Issued> check(String dsp, String token) {
        if (token == null) {
            return Optional.empty();
        }
        Issued grant = issued.get(token);
        if (grant == null || !grant.dsp().equals(dsp) || Instant.now().isAfter(grant.expiresAt())) {
            return Optional.empty();
        }
        return Optional.of(grant);
    }

    /** Makes every token of this DSP issued so far stop working (a later login gets a fresh, working one). */
    public void revokeAll(String dsp) {
        issued.values().removeIf(grant -> grant.dsp().equals(dsp));
    }
}
