package io.clp.launcher;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The DSP simulator (module dsp-simulator): the five DSPs' APIs on one port, one path prefix each, with seeded
 * accounts. A development and test tool: only the local stack points campaign-service's connectors at it.
 */
public final class DspSimulatorComponent extends Component {

    /** The simulator's data is generated from this seed: the same accounts and campaigns on every start. */
    static final long SEED = 42;

    public DspSimulatorComponent(StackContext ctx) {
        super(ctx);
    }

    @Override
    public String name() {
        return "dsp-simulator";
    }

    @Override
    public int port() {
        return ctx.ports().dspSimulator();
    }

    @Override
    protected void spawn() {
        // the launcher's own classpath holds the simulator and its few libraries; 128 MB ran out of heap serving the
        // pages of 10,000 rows of ./clp bench sync's account (10,000 campaigns / 100,000 line items)
        List<String> cmd = List.of(ctx.java(), "-Xms16m", "-Xmx512m", "-XX:+UseSerialGC",
                "-cp", System.getProperty("java.class.path"), "io.clp.dspsim.DspSimulator",
                "--port", Integer.toString(port()), "--seed", Long.toString(SEED));
        ManagedProcess.spawn(cmd, Map.of(), ctx.layout().home(), log(), pidFile());
    }

    @Override
    public boolean healthy() {
        return Probes.tcp(port());
    }

    /** The base URL of each DSP API, by the suffix of its {@code CLP_DSP_ENDPOINTS_*} variable. */
    static Map<String, String> endpoints(StackContext ctx) {
        String root = "http://" + StackContext.LOOPBACK + ":" + ctx.ports().dspSimulator();
        Map<String, String> urls = new LinkedHashMap<>();
        urls.put("GOOGLE_OAUTH", root + "/google-oauth");
        urls.put("DV360", root + "/dv360");
        urls.put("BID_MANAGER", root + "/bidmanager");
        urls.put("GOOGLE_ADS", root + "/google-ads");
        urls.put("TTD", root + "/ttd");
        urls.put("META", root + "/meta");
        urls.put("AMAZON_AUTH", root + "/amazon-auth");
        urls.put("AMAZON", root + "/amazon");
        return urls;
    }
}
