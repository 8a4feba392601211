package io.clp.campaign;

import io.clp.dsp.Dsp;
import io.clp.dspsim.Catalog;
import io.clp.dspsim.DspSimulator;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * An in-process DSP simulator for campaign-service tests, with {@code clp.dsp.endpoints.*} pointed at it, as the
 * local stack does. Use with {@code @WithTestResource(SimulatedDsps.class)}.
 */
public class SimulatedDsps implements QuarkusTestResourceLifecycleManager {

    public static final long SEED = 11;
    private static volatile DspSimulator simulator;

    @Override
    public Map<String, String> start() {
        simulator = DspSimulator.start("127.0.0.1", 0, SEED);
        Map<String, String> config = new LinkedHashMap<>();
        config.put("clp.dsp.endpoints.google-oauth", simulator.baseUrl("/google-oauth"));
        config.put("clp.dsp.endpoints.dv360", simulator.baseUrl("/dv360"));
        config.put("clp.dsp.endpoints.bid-manager", simulator.baseUrl("/bidmanager"));
        config.put("clp.dsp.endpoints.google-ads", simulator.baseUrl("/google-ads"));
        config.put("clp.dsp.endpoints.ttd", simulator.baseUrl("/ttd"));
        config.put("clp.dsp.endpoints.meta", simulator.baseUrl("/meta"));
        config.put("clp.dsp.endpoints.amazon-auth", simulator.baseUrl("/amazon-auth"));
        config.put("clp.dsp.endpoints.amazon", simulator.baseUrl("/amazon"));
        return config;
    }

    @Override
    public void stop() {
        if (simulator != null) {
            simulator.close();
            simulator = null;
        }
    }

    public static DspSimulator simulator() {
        return simulator;
    }

    /** The small simulated account of each DSP. */
    public static String smallAccount(Dsp dsp) {
        return switch (dsp) {
            case DV360 -> "1000001";
            case TTD -> "ttdadv01";
            case META -> "act_2000001";
            case AMAZON -> "3000001";
            case GOOGLE_ADS -> "4000000001";
        };
    }

    /** The credentials the simulator accepts, under the names the DSP's connector asks for. */
    public static Map<String, String> credentials(Dsp dsp, Set<String> names) {
        Map<String, String> values = new LinkedHashMap<>();
        for (String name : names) {
            values.put(name, accepted(dsp, name));
        }
        return values;
    }

    private static String accepted(Dsp dsp, String name) {
        String n = name.toLowerCase(java.util.Locale.ROOT);
        if (n.contains("client_id") || n.contains("clientid")) {
            return Catalog.CLIENT_ID;
        }
        if (n.contains("client_secret") || n.contains("clientsecret")) {
            return Catalog.CLIENT_SECRET;
        }
        if (n.contains("refresh")) {
            return Catalog.REFRESH_TOKEN;
        }
        if (n.contains("developer")) {
            return Catalog.DEVELOPER_TOKEN;
        }
        if (n.contains("password")) {
            return Catalog.TTD_PASSWORD;
        }
        if (n.contains("login") || n.contains("user")) {
            return Catalog.TTD_LOGIN;
        }
        if (dsp == Dsp.META && n.contains("token")) {
            return Catalog.META_TOKEN;
        }
        throw new IllegalArgumentException("no simulator credential for " + dsp.label() + " '" + name + "'");
    }
}
