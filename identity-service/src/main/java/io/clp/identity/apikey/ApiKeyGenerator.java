package io.clp.identity.apikey;

import io.clp.tenancy.security.ApiKeyCredential;
import jakarta.enterprise.context.ApplicationScoped;

/** Makes the credential of each new key; a bean of its own so that a test can force a prefix collision. */
@ApplicationScoped
public class ApiKeyGenerator {

    public ApiKeyCredential.Generated next() {
        return ApiKeyCredential.generate();
    }
}
