package io.clp.launcher;

import java.nio.file.Path;
import java.util.Map;

/** What every component of one stack shares: where it lives, its ports, its secrets, the JVM to run. */
public record StackContext(StackLayout layout, Ports ports, Secrets secrets, Path javaHome) {

    static final String LOOPBACK = "127.0.0.1";

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

    /**
     * The address the services listen on: loopback, like the infrastructure, unless
     * {@code CLP_BIND_HOST} says otherwise (for example {@code 0.0.0.0} to reach them from another machine).
     */
    public String bindHost() {
        return bindHost(System.getenv());
    }

    static String bindHost(Map<String, String> environment) {
        String host = environment.get("CLP_BIND_HOST");
        return host == null || host.isBlank() ? LOOPBACK : host.trim();
    }

    /** Where the launcher reaches a service it started: loopback when the service listens on every address. */
    public String probeHost() {
        return probeHost(bindHost());
    }

    static String probeHost(String host) {
        if (host.equals("0.0.0.0") || host.equals("::") || host.equals("[::]")) {
            return LOOPBACK;
        }
        return host.contains(":") && !host.startsWith("[") ? "[" + host + "]" : host;
    }
}
