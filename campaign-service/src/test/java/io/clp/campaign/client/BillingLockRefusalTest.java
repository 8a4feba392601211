package io.clp.campaign.client;

import io.vertx.pgclient.PgException;
import org.hibernate.JDBCException;
import org.junit.jupiter.api.Test;

import java.sql.SQLException;
import java.util.concurrent.CompletionException;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A billing lock that is not granted in time (55P03) is answered 503, recognised both as the PostgreSQL client reports
 * it and as Hibernate Reactive converts it (an SQLException that keeps only the SQLSTATE).
 */
class BillingLockRefusalTest {

    @Test
    void aBillingLockTimeoutIsRecognisedFromEitherClient() {
        assertThat(ClientBilling.lockNotAvailable(new CompletionException(new PgException("timeout", "ERROR", "55P03", null)))).isTrue();
        assertThat(ClientBilling.lockNotAvailable(new CompletionException(
                new JDBCException("could not obtain lock", new SQLException("lock timeout", "55P03", 0))))).isTrue();
        assertThat(ClientBilling.lockNotAvailable(new JDBCException("deadlock", new SQLException("deadlock", "40P01", 0)))).isFalse();
    }
}
