package io.clp.pipeline.run.stage;

import io.agroal.api.AgroalDataSource;
import io.clp.pipeline.campaigns.EntityResolver;
import io.clp.pipeline.quality.QualityChecks;
import io.clp.pipeline.run.RunContext;
import io.clp.pipeline.run.StageResult;
import io.clp.pipeline.run.Stages;
import io.clp.pipeline.source.Source;
import io.clp.platform.outbox.JdbcOutbox;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Instance;
import jakarta.inject.Inject;
import org.eclipse.microprofile.config.inject.ConfigProperty;

import java.nio.file.Path;

/**
 * The executor's stages over the bulk data path ({@link DataPath}), wired from this build's beans: the sources by
 * kind, the entity resolver (silver fails permanently without one) and the data-quality checks (none: no outcome).
 */
@ApplicationScoped
public class DataPathStages implements Stages {

    private final DataPath path;

    @Inject
    public DataPathStages(AgroalDataSource dataSource, Instance<Source> sources, Instance<EntityResolver> resolvers,
                          Instance<QualityChecks> checks, JdbcOutbox outbox,
                          @ConfigProperty(name = "clp.service.name") String schema,
                          @ConfigProperty(name = "clp.pipelines.bronze.dir") Path bronzeDir,
                          @ConfigProperty(name = "clp.pipelines.silver.max-entities", defaultValue = "50000") int maxEntities,
                          @ConfigProperty(name = "clp.pipelines.silver.work-mem", defaultValue = "256MB") String workMem) {
        this.path = new DataPath(dataSource, new DataPath.Settings(schema, bronzeDir, maxEntities, workMem),
                kind -> sources.stream().filter(s -> s.kind().equals(kind)).findFirst().orElse(null),
                resolvers.isResolvable() ? resolvers.get() : null,
                checks.isResolvable() ? checks.get() : null,
                outbox);
    }

    public DataPath dataPath() {
        return path;
    }

    @Override
    public StageResult bronze(RunContext context) throws Exception {
        return path.bronze(context);
    }

    @Override
    public StageResult silver(RunContext context) throws Exception {
        return path.silver(context);
    }

    @Override
    public StageResult gold(RunContext context) throws Exception {
        return path.gold(context);
    }

    @Override
    public void cleanUp(RunContext context) {
        path.cleanUp(context);
    }
}
