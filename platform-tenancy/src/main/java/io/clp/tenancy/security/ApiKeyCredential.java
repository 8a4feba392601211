package io.clp.tenancy.security;

import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.AlgorithmParameters;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.security.interfaces.ECPrivateKey;
import java.security.interfaces.ECPublicKey;
import java.security.spec.ECGenParameterSpec;
import java.security.spec.ECParameterSpec;
import java.security.spec.ECPrivateKeySpec;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * An API key as its holder presents it: {@code clp_<prefix>_<secret>}. The secret is the private
 * half of a P-256 key pair (64 hex digits); Keycloak holds only the public half, on the key's own
 * client ({@code clp-key-<prefix>}), and CLP stores only a SHA-256 hash of the whole key. A service
 * that receives the key signs a client assertion with it and gets a short-lived access token for
 * the key from Keycloak (see {@link ApiKeyExchange} and docs/adr/0003-api-keys.md).
 */
public final class ApiKeyCredential {

    public static final String CLIENT_PREFIX = "clp-key-";
    private static final Pattern FORMAT = Pattern.compile("clp_([a-z0-9]{8})_([0-9a-f]{64})");
    private static final Pattern PREFIX = Pattern.compile("[a-z0-9]{8}");
    private static final String CURVE = "secp256r1";
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final String PREFIX_ALPHABET = "abcdefghijklmnopqrstuvwxyz0123456789";

    private final String prefix;
    private final String secret;

    private ApiKeyCredential(String prefix, String secret) {
        this.prefix = prefix;
        this.secret = secret;
    }

    /** A key just made: the credential to show once, and the public key (as a JWK) to register in Keycloak. */
    public record Generated(ApiKeyCredential credential, Map<String, Object> publicJwk) {
    }

    /** A new key with a random prefix (8 of 36 characters: prefixes can collide, so their uniqueness is the store's to check). */
    public static Generated generate() {
        StringBuilder prefix = new StringBuilder();
        for (int i = 0; i < 8; i++) {
            prefix.append(PREFIX_ALPHABET.charAt(RANDOM.nextInt(PREFIX_ALPHABET.length())));
        }
        return generate(prefix.toString());
    }

    /** A new key with the given prefix (8 lowercase letters or digits) and a fresh secret. */
    public static Generated generate(String prefix) {
        if (!PREFIX.matcher(prefix).matches()) {
            throw new IllegalArgumentException("a key prefix is 8 lowercase letters or digits");
        }
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
            generator.initialize(new ECGenParameterSpec(CURVE), RANDOM);
            KeyPair pair = generator.generateKeyPair();
            BigInteger d = ((ECPrivateKey) pair.getPrivate()).getS();
            ApiKeyCredential credential = new ApiKeyCredential(prefix, HexFormat.of().formatHex(fixed32(d)));
            return new Generated(credential, jwk(prefix, (ECPublicKey) pair.getPublic()));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("the JDK cannot make P-256 keys", e);
        }
    }

    /** The key in an {@code Authorization: Bearer clp_...} header, if that is what the header holds. */
    public static Optional<ApiKeyCredential> fromAuthorization(String header) {
        if (header == null || header.length() < 8 || !header.regionMatches(true, 0, "Bearer ", 0, 7)) {
            return Optional.empty();
        }
        return parse(header.substring(7).trim());
    }

    public static Optional<ApiKeyCredential> parse(String key) {
        Matcher m = FORMAT.matcher(key);
        return m.matches() ? Optional.of(new ApiKeyCredential(m.group(1), m.group(2))) : Optional.empty();
    }

    public String prefix() {
        return prefix;
    }

    /** The Keycloak client that stands for this key. */
    public String clientId() {
        return clientIdOf(prefix);
    }

    /** The Keycloak client that stands for the key with this prefix. */
    public static String clientIdOf(String prefix) {
        return CLIENT_PREFIX + prefix;
    }

    /** The prefix of the key a Keycloak client stands for, if {@code clientId} is such a client. */
    public static Optional<String> prefixOfClient(String clientId) {
        if (clientId == null || !clientId.startsWith(CLIENT_PREFIX)) {
            return Optional.empty();
        }
        String prefix = clientId.substring(CLIENT_PREFIX.length());
        return PREFIX.matcher(prefix).matches() ? Optional.of(prefix) : Optional.empty();
    }

    /** The whole key, to be shown to its creator once. */
    public String reveal() {
        return "clp_" + prefix + "_" + secret;
    }

    /** The SHA-256 of the whole key, hex: what CLP stores (the secret is 256 random bits, so no slow hash is needed). */
    public String hash() {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(reveal().getBytes(StandardCharsets.UTF_8)));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The private key that signs this key's client assertions. */
    public ECPrivateKey signingKey() {
        try {
            AlgorithmParameters parameters = AlgorithmParameters.getInstance("EC");
            parameters.init(new ECGenParameterSpec(CURVE));
            ECParameterSpec spec = parameters.getParameterSpec(ECParameterSpec.class);
            return (ECPrivateKey) KeyFactory.getInstance("EC")
                    .generatePrivate(new ECPrivateKeySpec(new BigInteger(secret, 16), spec));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("the key's secret is not a P-256 private key", e);
        }
    }

    /** Never the secret. */
    @Override
    public String toString() {
        return "clp_" + prefix + "_…";
    }

    private static Map<String, Object> jwk(String kid, ECPublicKey key) {
        Map<String, Object> jwk = new LinkedHashMap<>();
        jwk.put("kty", "EC");
        jwk.put("crv", "P-256");
        jwk.put("kid", kid);
        jwk.put("use", "sig");
        jwk.put("alg", "ES256");
        jwk.put("x", base64Url(fixed32(key.getW().getAffineX())));
        jwk.put("y", base64Url(fixed32(key.getW().getAffineY())));
        return jwk;
    }

    private static byte[] fixed32(BigInteger value) {
        byte[] raw = value.toByteArray();
        byte[] out = new byte[32];
        int copy = Math.min(raw.length, 32);
        System.arraycopy(raw, raw.length - copy, out, 32 - copy, copy);
        return out;
    }

    private static String base64Url(byte[] bytes) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }
}
