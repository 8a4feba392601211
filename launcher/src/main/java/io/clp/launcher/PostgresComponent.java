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
        // the platform's bulk writes (a sync's 10,000-row batches, the audit trail's polls of them) keep their indexes in
        // shared memory, and a run's WAL (about 600 MB for 220,000 synced entities) normally fits between two timed
        // checkpoints, so the index pages it touches are not logged again as full-page images (docs/sync.md, Throughput)
        ManagedProcess.spawn(server().serverCommand("shared_buffers=1GB", "max_wal_size=4GB"), Map.of(), ctx.layout().home(), log(), pidFile());
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
        return Duration.ofSeconds(90); // the shutdown checkpoint writes what shared_buffers (1 GB) holds dirty
    }
}
