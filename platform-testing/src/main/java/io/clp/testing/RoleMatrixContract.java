package io.clp.testing;

import io.clp.tenancy.security.Permission;
import io.clp.tenancy.security.Role;
import io.restassured.response.Response;
import io.restassured.specification.RequestSpecification;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.function.BiFunction;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The role matrix: each role, against each org-scoped endpoint of a service, gets exactly what
 * platform-core's {@link Permission} matrix says (a 2xx where the role holds the endpoint's
 * permission, 403 where it does not). A service's test extends this and lists its endpoints; a
 * service whose enforcement drifts from the matrix fails it.
 */
public abstract class RoleMatrixContract<F> {

    /** One endpoint and the permission it needs, called with a fresh fixture. */
    public record Endpoint<F>(String name, Permission permission, BiFunction<RequestSpecification, F, Response> call) {
    }

    protected abstract List<Endpoint<F>> endpoints();

    /** A fresh organization with the data the endpoints act on, and a caller who holds {@code role} in it. */
    protected abstract F fixture(Role role);

    /** The caller's token. */
    protected abstract String token(F fixture);

    @Test
    void everyRoleGetsExactlyWhatTheMatrixSaysOnEveryEndpoint() {
        List<String> mismatches = new ArrayList<>();
        for (Role role : Role.values()) {
            for (Endpoint<F> endpoint : endpoints()) {
                F fixture = fixture(role);
                int status = endpoint.call().apply(given().auth().oauth2(token(fixture)), fixture).statusCode();
                boolean allowed = endpoint.permission().grantedTo(role);
                if (allowed ? status / 100 != 2 : status != 403) {
                    mismatches.add(role + " " + endpoint.name() + ": " + status + ", the matrix says "
                            + (allowed ? "allowed" : "forbidden"));
                }
            }
        }
        assertThat(mismatches).isEmpty();
    }
}
