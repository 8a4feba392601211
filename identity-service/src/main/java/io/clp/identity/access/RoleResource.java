package io.clp.identity.access;

import io.quarkus.hibernate.reactive.panache.Panache;
import io.quarkus.hibernate.reactive.panache.common.WithSession;
import io.quarkus.security.Authenticated;
import io.smallrye.mutiny.Uni;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The roles and what each may do: the permission matrix, read from the tables seeded from it. */
@Path("/api/v1/roles")
@Authenticated
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "Roles and permissions")
public class RoleResource {

    public record RoleView(String role, List<String> permissions) {
    }

    @GET
    @WithSession
    @Operation(summary = "Every role with its permissions (resource:action)")
    public Uni<List<RoleView>> roles() {
        return Panache.getSession().chain(s -> s.createNativeQuery("""
                SELECT rp.role::text, p.resource || ':' || p.action
                FROM role_permissions rp JOIN permissions p ON p.id = rp.permission_id
                ORDER BY array_position(ARRAY['admin','developer','analyst','viewer'], rp.role::text), p.resource, p.action""",
                Object[].class).getResultList()).map(rows -> {
            Map<String, List<String>> byRole = new LinkedHashMap<>();
            for (Object[] row : rows) {
                byRole.computeIfAbsent((String) row[0], r -> new ArrayList<>()).add((String) row[1]);
            }
            return byRole.entrySet().stream().map(e -> new RoleView(e.getKey(), e.getValue())).toList();
        });
    }
}
