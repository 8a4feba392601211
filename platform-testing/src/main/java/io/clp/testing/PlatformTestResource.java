package io.clp.testing;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;

import java.util.HashMap;
import java.util.Map;

/**
 * Points a service under test at real infrastructure: a real PostgreSQL with the service's own role
 * and schema, a real in-JVM Kafka broker, and token verification with the test signing key.
 * Use with {@code @WithTestResource(value = PlatformTestResource.class, initArgs = @ResourceArg(name = "service", value = "identity"))};
 * the init arg {@code database} puts the service in a database of its own instead of the module's shared one.
 */
public class PlatformTestResource implements QuarkusTestResourceLifecycleManager {

    private String service;
    private String database;

    @Override
    public void init(Map<String, String> initArgs) {
        service = initArgs.get("service");
        if (service == null) {
            throw new IllegalArgumentException("PlatformTestResource needs the init arg 'service'");
        }
        database = initArgs.getOrDefault("database", TestPostgres.DATABASE);
    }

    @Override
    public Map<String, String> start() {
        TestPostgres postgres = TestPostgres.get();
        String password = postgres.prepareService(service, database);
        Map<String, String> config = new HashMap<>();
        config.put("quarkus.datasource.username", postgres.role(service));
        config.put("quarkus.datasource.password", password);
        config.put("quarkus.datasource.jdbc.url", postgres.server().jdbcUrl(database));
        config.put("quarkus.datasource.reactive.url", "postgresql://127.0.0.1:" + postgres.port() + "/" + database);
        config.put("kafka.bootstrap.servers", TestKafka.bootstrapServers());
        config.put("quarkus.oidc.public-key", TestTokens.publicKey());
        config.put("quarkus.oidc.token.issuer", TestTokens.ISSUER);
        config.put("quarkus.oidc.auth-server-url", "");
        return config;
    }

    @Override
    public void stop() {
        // PostgreSQL and Kafka are shared by the module's test classes and stop with the JVM
    }
}
