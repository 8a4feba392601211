package io.clp.identity.quota;

/** One quota as the API shows it: the limit, and the usage where identity-service counts it (-1 where another service does). */
public record QuotaView(int limit, long used, boolean overridden) {
}
