package io.clp.tenancy.grant;

import io.clp.platform.problem.Problems;
import io.clp.tenancy.security.Admission;
import io.smallrye.mutiny.Uni;

import java.util.List;
import java.util.UUID;

/** An {@link EntityAccess} without a database, for tests of the unit of work (anonymous: never a bean). */
public final class EntityAccessFakes {

    private EntityAccessFakes() {
    }

    /**
     * Notes {@code "entity access"} in {@code calls}; allows the work, as the real one does, when the
     * admission holds the permission, or else when {@code grant} (a live grant on the entity); 403 otherwise.
     */
    public static EntityAccess recording(List<String> calls, boolean grant) {
        return new EntityAccess(null) {
            @Override
            public Uni<Void> requireOnEntity(Admission admission, String entityType, UUID entityId) {
                return Uni.createFrom().deferred(() -> {
                    calls.add("entity access");
                    return admission.holdsPermission() || grant ? Uni.createFrom().voidItem() : Uni.createFrom().failure(Problems.forbidden("no grant"));
                });
            }
        };
    }
}
