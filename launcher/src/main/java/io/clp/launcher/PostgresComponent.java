package io.clp.launcher;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

/** The stack's PostgreSQL: one database, a schema and role per service, a publication for Debezium. */
public final class PostgresComponent extends Component {

    private PostgresServer server;

    public PostgresComponent(StackContext ctx) {
        super(ctx);
    }

    @Override
    public String name() {
        return "postgres";
    }

    @Override
    public int port() {
        return ctx.ports().postgres();
    }

    private PostgresServer server() {
        if (server == null) {
            server = new PostgresServer(PostgresServer.unpackBinaries(ctx.layout().dist()),
                    ctx.layout().data("postgres"), port(), ctx.secrets().get("db.superuser"));
        }
        return server;
    }

    @Override
    public void prepare() {
        server().initIfNeeded();
    }

    @Override
    protected void spawn() {
        ManagedProcess.spawn(server().serverCommand(), Map.of(), ctx.layout().home(), log(), pidFile());
    }

    @Override
    public boolean healthy() {
        return server().accepting();
    }

    @Override
    public void afterHealthy() {
        Map<String, String> passwords = new LinkedHashMap<>();
        ServiceCatalog.NAMES.forEach(s -> passwords.put(s, ctx.databasePassword(s)));
        DatabaseBootstrap.bootstrap(server(), ctx.databaseName(), passwords, ServiceCatalog.CAPTURED_SCHEMAS,
                ctx.databasePassword("cdc"));
    }

    @Override
    protected Duration stopGrace() {
        return Duration.ofSeconds(30);
    }
}
