package io.clp.launcher;

import java.nio.file.Path;

/** What every component of one stack shares: where it lives, its ports, its secrets, the JVM to run. */
public record StackContext(StackLayout layout, Ports ports, Secrets secrets, Path javaHome) {

    public static StackContext of(StackLayout layout, Ports ports) {
        return new StackContext(layout, ports, new Secrets(layout.secretsFile()), Path.of(System.getProperty("java.home")));
    }

    public String java() {
        return javaHome.resolve("bin/java").toString();
    }

    public String databaseName() {
        return "clp";
    }

    public String databasePassword(String service) {
        return secrets.get("db." + service);
    }

    public String jdbcUrl() {
        return "jdbc:postgresql://127.0.0.1:" + ports.postgres() + "/" + databaseName();
    }

    public String kafkaBootstrap() {
        return "127.0.0.1:" + ports.kafka();
    }

    public String keycloakUrl() {
        return "http://127.0.0.1:" + ports.keycloak();
    }

    public String realmUrl() {
        return keycloakUrl() + "/realms/clp";
    }
}
