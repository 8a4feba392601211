package io.clp.launcher;

import java.util.List;

/** The six CLP services, their module folders, and the PostgreSQL schema and role each one owns. */
public final class ServiceCatalog {

    public static final List<String> NAMES =
            List.of("identity", "campaign", "pipeline", "rules", "notification", "audit");

    /** Schemas whose changes Debezium streams to Kafka (audit's own log is not re-audited). */
    public static final List<String> CAPTURED_SCHEMAS =
            List.of("identity", "campaign", "pipeline", "rules", "notification");

    private ServiceCatalog() {
    }

    public static String module(String service) {
        return service + "-service";
    }

    public static String schema(String service) {
        return service;
    }

    public static String role(String service) {
        return "clp_" + service;
    }
}
