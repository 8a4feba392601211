package io.clp.dsp;

import java.time.Instant;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;

/**
 * The secrets a connector needs for one account, by name. Which names each DSP takes
 * ({@code client_id}, {@code client_secret}, {@code refresh_token}, {@code login}, {@code password},
 * {@code access_token}, {@code developer_token}, ...) is in {@link DspConnector#credentialNames()}.
 * {@link #toString()} never shows a value: credentials end up in exception messages and log lines by accident.
 * <p>
 * A set is either an account's long-lived credentials or {@linkplain #delegated delegated} ones: an access token
 * another service minted with {@link DspConnector#delegate} (and the companions a call must send), valid until
 * {@link #delegatedUntil()}. A connector uses a delegated token as it is and never tries to renew it.
 */
public final class DspCredentials {

    private final Map<String, String> values;
    private final Instant delegatedUntil;

    public DspCredentials(Map<String, String> values) {
        this(values, null);
    }

    private DspCredentials(Map<String, String> values, Instant delegatedUntil) {
        this.values = Map.copyOf(Objects.requireNonNull(values, "values"));
        this.delegatedUntil = delegatedUntil;
    }

    /**
     * Delegated credentials (see {@link DelegatedAccess}): {@code access_token} and the companions the DSP's calls
     * need, usable until {@code expiresAt}. They never carry a refresh token, client secret or password; a set that
     * names one is refused here, so a long-lived secret cannot travel as "delegated" by mistake.
     */
    public static DspCredentials delegated(Map<String, String> values, Instant expiresAt) {
        Objects.requireNonNull(expiresAt, "expiresAt");
        for (String name : LONG_LIVED) {
            if (values.containsKey(name)) {
                throw new IllegalArgumentException("delegated credentials must not carry '" + name + "'");
            }
        }
        if (values.get("access_token") == null || values.get("access_token").isBlank()) {
            throw new IllegalArgumentException("delegated credentials need an access_token");
        }
        return new DspCredentials(values, expiresAt);
    }

    /** Names of long-lived secrets, which never cross in delegated credentials. */
    public static final java.util.Set<String> LONG_LIVED = java.util.Set.of("refresh_token", "client_secret", "password", "login");

    /** Whether these are delegated short-lived credentials (an access token used as is, never renewed). */
    public boolean delegated() {
        return delegatedUntil != null;
    }

    /** Until when delegated credentials are valid; null for an account's own long-lived credentials. */
    public Instant delegatedUntil() {
        return delegatedUntil;
    }

    public Optional<String> get(String name) {
        return Optional.ofNullable(values.get(name)).filter(v -> !v.isBlank());
    }

    /** The value, or a {@link DspException.InvalidCredentials} naming the missing field. */
    public String require(String name) {
        return get(name).orElseThrow(() -> new DspException.InvalidCredentials("the credential '" + name + "' is missing"));
    }

    public Map<String, String> asMap() {
        return values;
    }

    /**
     * SHA-256 over every name and value (sorted, length-prefixed, so no two different sets share an input): what a
     * cache compares to tell one credential set from another; {@link #hashCode()} is far too weak for that.
     */
    public byte[] fingerprint() {
        try {
            java.security.MessageDigest sha = java.security.MessageDigest.getInstance("SHA-256");
            sha.update((byte) (delegated() ? 1 : 0));
            for (Map.Entry<String, String> e : new TreeMap<>(values).entrySet()) {
                for (String part : new String[] {e.getKey(), e.getValue()}) {
                    byte[] bytes = part.getBytes(java.nio.charset.StandardCharsets.UTF_8);
                    sha.update(java.nio.ByteBuffer.allocate(4).putInt(bytes.length).array());
                    sha.update(bytes);
                }
            }
            return sha.digest();
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is always present", e);
        }
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof DspCredentials other && other.values.equals(values)
                && Objects.equals(other.delegatedUntil, delegatedUntil);
    }

    @Override
    public int hashCode() {
        return values.hashCode() * 31 + Objects.hashCode(delegatedUntil);
    }

    @Override
    public String toString() {
        return "DspCredentials" + new TreeMap<>(values).keySet() + (delegated() ? " delegated until " + delegatedUntil : "")
                + " (values hidden)";
    }
}
