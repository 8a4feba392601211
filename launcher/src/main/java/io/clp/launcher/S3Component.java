package io.clp.launcher;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The local stack's S3-compatible bucket ({@link S3ProxyServer}): pipeline-service reads daily files of pipelines
 * whose source is {@code {"kind": "s3"}} from the bucket {@value #BUCKET}, under {@code orgs/<orgId>/}. The objects
 * are files below {@code ~/.clp/data/s3/clp-drops/} (S3Proxy's filesystem backend); put them there through any S3
 * client (endpoint, access key and secret printed by {@code ./clp up}).
 */
public final class S3Component extends Component {

    public static final String BUCKET = "clp-drops";
    public static final String ACCESS_KEY_ID = "clp-local";

    public S3Component(StackContext ctx) {
        super(ctx);
    }

    @Override
    public String name() {
        return "s3";
    }

    @Override
    public int port() {
        return ctx.ports().s3();
    }

    S3ProxyServer server() {
        return server(ctx);
    }

    static S3ProxyServer server(StackContext ctx) {
        return new S3ProxyServer(ctx.layout().data("s3"), ctx.layout().conf("s3").resolve("s3proxy.conf"),
                ctx.ports().s3(), ACCESS_KEY_ID, ctx.secrets().get("s3.secret-access-key"));
    }

    private static Path jar(StackContext ctx) {
        Path file = ctx.layout().artifactPathFile("s3proxy");
        try {
            return Path.of(Files.readString(file).trim());
        } catch (IOException e) {
            throw new StackException("missing " + file + ": build the project first", e);
        }
    }

    @Override
    public void prepare() {
        S3ProxyServer server = server();
        server.writeConfig();
        server.createBucket(BUCKET);
    }

    @Override
    protected void spawn() {
        ManagedProcess.spawn(server().command(ctx.java(), jar(ctx)), Map.of("LOG_LEVEL", "warn"), ctx.layout().home(), log(),
                pidFile());
    }

    @Override
    public boolean healthy() {
        return Probes.tcp(port());
    }

    /** The settings pipeline-service reads ({@code clp.pipelines.s3.*}), pointed at this server. */
    static Map<String, String> serviceEnvironment(StackContext ctx) {
        Map<String, String> env = new LinkedHashMap<>();
        env.put("CLP_PIPELINES_S3_ENDPOINT", "http://" + StackContext.LOOPBACK + ":" + ctx.ports().s3());
        env.put("CLP_PIPELINES_S3_REGION", S3ProxyServer.REGION);
        env.put("CLP_PIPELINES_S3_BUCKET", BUCKET);
        env.put("CLP_PIPELINES_S3_PATH_STYLE", "true");
        env.put("CLP_PIPELINES_S3_ACCESS_KEY_ID", ACCESS_KEY_ID);
        env.put("CLP_PIPELINES_S3_SECRET_ACCESS_KEY", ctx.secrets().get("s3.secret-access-key"));
        return env;
    }
}
