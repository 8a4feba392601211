package io.clp.identity.keycloak;

import java.util.HashMap;
import java.util.Map;

/**
 * {@link WithKeycloak} with the event-driven mirror consuming (its own group), delayed retries every
 * 15 s for as long as a test's outage lasts, and no reconciler: what reaches Keycloak got there
 * through the mirror.
 */
public class MirrorDuringOutage extends WithKeycloak {

    static final String GROUP = "identity-keycloak-mirror-outage-test";

    @Override
    public Map<String, String> getConfigOverrides() {
        Map<String, String> config = new HashMap<>(super.getConfigOverrides());
        config.put("mp.messaging.incoming.organization-mirror.enabled", "true");
        config.put("mp.messaging.incoming.organization-mirror.group.id", GROUP);
        config.put("mp.messaging.incoming.organization-mirror.client.id", GROUP);
        config.put("mp.messaging.incoming.organization-mirror.delayed-retry-topic.topics", "clp.identity.keycloak-mirror.test.retry_15000");
        config.put("mp.messaging.incoming.organization-mirror.delayed-retry-topic.max-retries", "100");
        config.put("mp.messaging.incoming.organization-mirror.delayed-retry-topic.timeout", "900000");
        config.put("clp.keycloak.reconcile-every", "off");
        return config;
    }
}
