package io.clp.testing;

import io.restassured.response.Response;
import io.restassured.specification.RequestSpecification;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.function.BiFunction;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The tenant-isolation matrix: a member of organization B, using organization A's ids on every
 * org-scoped endpoint, gets 404 (or 403) and changes nothing. A service's test extends this, lists its
 * endpoints, and says how to make organization A's data and how to fingerprint it.
 */
public abstract class TenantIsolationContract<F> {

    /** One org-scoped endpoint, called with the fixture of organization A. */
    public record Endpoint<F>(String name, BiFunction<RequestSpecification, F, Response> call) {
    }

    /** Organization A with data in it, owned by someone else. */
    protected abstract F organizationA();

    /** A token of a member (an admin) of another organization B. */
    protected abstract String memberOfAnotherOrganization();

    protected abstract List<Endpoint<F>> endpoints();

    /** Everything an endpoint could change about organization A's data, to compare before and after. */
    protected abstract String fingerprint(F organizationA);

    @Test
    void aMemberOfAnotherOrganizationCanNeitherSeeNorChangeThisOne() {
        List<String> leaks = new ArrayList<>();
        for (Endpoint<F> endpoint : endpoints()) {
            F a = organizationA();
            String before = fingerprint(a);
            Response response = endpoint.call().apply(given().auth().oauth2(memberOfAnotherOrganization()), a);
            if (response.statusCode() != 404 && response.statusCode() != 403) {
                leaks.add(endpoint.name() + " answered " + response.statusCode());
            }
            if (!before.equals(fingerprint(a))) {
                leaks.add(endpoint.name() + " changed organization A's data");
            }
        }
        assertThat(leaks).isEmpty();
    }
}
