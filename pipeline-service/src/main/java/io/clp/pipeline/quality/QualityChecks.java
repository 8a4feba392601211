package io.clp.pipeline.quality;

import java.sql.Connection;
import java.sql.SQLException;

/**
 * The data-quality checks of one execution, run over its silver staging table after entity resolution and before
 * gold (docs/pipelines.md, "Data quality"). Writes one {@code data_quality_metrics} row per check on the given JDBC
 * connection (the caller owns the transaction) and answers whether a blocking check failed.
 */
public interface QualityChecks {

    QualityOutcome check(Connection connection, QualityContext context) throws SQLException;
}
