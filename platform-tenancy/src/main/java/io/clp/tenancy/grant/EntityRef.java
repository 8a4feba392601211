package io.clp.tenancy.grant;

import java.util.UUID;

/** One entity a grant can name: its type (as in {@code clp.grants.entity-types}) and id. */
public record EntityRef(String type, UUID id) {
}
