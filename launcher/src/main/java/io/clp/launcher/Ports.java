package io.clp.launcher;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The loopback ports of one stack. {@link #defaults()} are the documented ports of {@code ./clp up};
 * {@link #shiftedBy(int)} gives a second, non-clashing stack (the end-to-end tests use one).
 */
public record Ports(int postgres, int kafka, int kafkaController, int connect, int keycloak,
                    int keycloakManagement, int dspSimulator, Map<String, Integer> services) {

    public static Ports defaults() {
        Map<String, Integer> services = new LinkedHashMap<>();
        int port = 8181;
        for (String service : ServiceCatalog.NAMES) {
            services.put(service, port++);
        }
        return new Ports(15432, 19092, 19093, 18083, 8180, 9180, 8290, Map.copyOf(services));
    }

    public Ports shiftedBy(int offset) {
        Map<String, Integer> shifted = new LinkedHashMap<>();
        services.forEach((name, port) -> shifted.put(name, port + offset));
        return new Ports(postgres + offset, kafka + offset, kafkaController + offset, connect + offset,
                keycloak + offset, keycloakManagement + offset, dspSimulator + offset, Map.copyOf(shifted));
    }

    /**
     * The S3-compatible server's port: ten above the DSP simulator's (8300 by default), so it moves with
     * {@link #shiftedBy(int)}.
     */
    public int s3() {
        return dspSimulator + 10;
    }

    public int service(String name) {
        Integer port = services.get(name);
        if (port == null) {
            throw new IllegalArgumentException("unknown service " + name);
        }
        return port;
    }
}
