package io.clp.tenancy.security;

import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/** docs/permissions.md is the matrix as users read it: it must say exactly what {@link Permission} enforces. */
class PermissionMatrixDocTest {

    static String render() {
        StringBuilder md = new StringBuilder("""
                # Roles and permissions

                Every service enforces this matrix (platform-tenancy `Permission`); identity-service seeds its
                `permissions` and `role_permissions` tables from it and serves it at `GET /api/v1/roles`.
                API key scopes use the `resource:action` form. This file is checked against the code by
                `PermissionMatrixDocTest`.

                The `client` role reads only the clients it holds a `view` grant on, and their campaigns and
                metrics ([clients.md](clients.md), "Client access").

                | permission | admin | developer | analyst | viewer | client |
                |---|---|---|---|---|---|
                """);
        for (Permission p : Permission.values()) {
            md.append("| `").append(p.scope()).append("` |");
            for (Role role : Role.values()) {
                md.append(p.grantedTo(role) ? " yes |" : " - |");
            }
            md.append('\n');
        }
        return md.toString();
    }

    @Test
    void theDocumentedMatrixIsTheEnforcedOne() throws Exception {
        Path doc = Path.of("..", "docs", "permissions.md");
        if (Boolean.getBoolean("clp.write-docs")) {
            Files.writeString(doc, render());
        }
        assertThat(Files.readString(doc)).isEqualTo(render());
    }
}
