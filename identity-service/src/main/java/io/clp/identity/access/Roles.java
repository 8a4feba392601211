package io.clp.identity.access;

import io.quarkus.hibernate.reactive.panache.Panache;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The permission matrix as the tables seeded from it hold it (R__Permission_matrix); no organization's data. */
@ApplicationScoped
public class Roles {

    public record RoleView(String role, List<String> permissions) {
    }

    public Uni<List<RoleView>> all() {
        return Panache.withSession(() -> Panache.getSession().chain(s -> s.createNativeQuery("""
                SELECT rp.role::text, p.resource || ':' || p.action
                FROM role_permissions rp JOIN permissions p ON p.id = rp.permission_id
                ORDER BY array_position(ARRAY['admin','developer','analyst','viewer','client'], rp.role::text), p.resource, p.action""",
                Object[].class).getResultList())).map(rows -> {
            Map<String, List<String>> byRole = new LinkedHashMap<>();
            for (Object[] row : rows) {
                byRole.computeIfAbsent((String) row[0], r -> new ArrayList<>()).add((String) row[1]);
            }
            return byRole.entrySet().stream().map(e -> new RoleView(e.getKey(), e.getValue())).toList();
        });
    }
}
