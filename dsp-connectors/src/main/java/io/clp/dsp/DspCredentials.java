package io.clp.dsp;

import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;

/**
 * The secrets a connector needs for one account, by name. Which names each DSP takes
 * ({@code client_id}, {@code client_secret}, {@code refresh_token}, {@code login}, {@code password},
 * {@code access_token}, {@code developer_token}, ...) is in {@link DspConnector#credentialNames()}.
 * {@link #toString()} never shows a value: credentials end up in exception messages and log lines by accident.
 */
public final class DspCredentials {

    private final Map<String, String> values;

    public DspCredentials(Map<String, String> values) {
        this.values = Map.copyOf(Objects.requireNonNull(values, "values"));
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
        return o instanceof DspCredentials other && other.values.equals(values);
    }

    @Override
    public int hashCode() {
        return values.hashCode();
    }

    @Override
    public String toString() {
        return "DspCredentials" + new TreeMap<>(values).keySet() + " (values hidden)";
    }
}
