package io.clp.platform.problem;

import io.vertx.pgclient.PgException;
import org.hibernate.JDBCException;
import org.hibernate.dialect.PostgreSQLDialect;
import org.hibernate.exception.internal.SQLExceptionTypeDelegate;
import org.hibernate.exception.internal.SQLStateConversionDelegate;
import org.hibernate.exception.internal.StandardSQLExceptionConverter;
import org.hibernate.exception.ConstraintViolationException;
import org.junit.jupiter.api.Test;

import java.sql.SQLException;
import java.util.concurrent.CompletionException;

import static org.assertj.core.api.Assertions.assertThat;

/** A database refusal is read the same however it arrives: from the PostgreSQL client, JDBC, or Hibernate Reactive. */
class DatabaseErrorsTest {

    private static final PostgreSQLDialect DIALECT = new PostgreSQLDialect();

    /** Hibernate's conversion of an SQLException, as it is set up for the PostgreSQL dialect (JdbcEnvironment). */
    private static final StandardSQLExceptionConverter HIBERNATE = new StandardSQLExceptionConverter(
            DIALECT.buildSQLExceptionConversionDelegate(), new SQLExceptionTypeDelegate(DIALECT), new SQLStateConversionDelegate(DIALECT));

    private static final String DUPLICATE = "duplicate key value violates unique constraint \"uq_clients_name\"";

    /** The PostgreSQL client's error, as the server reports it. */
    private static PgException fromServer(String message, String state) {
        return new PgException(message, "ERROR", state, null);
    }

    /**
     * As Hibernate Reactive hands the same error over: an SQLException keeping the client's message and SQLSTATE (not
     * the PgException), converted by the PostgreSQL dialect, which reads a constraint's name from the message.
     */
    private static JDBCException asHibernateReactiveConvertsIt(PgException pg) {
        SQLException sql = new SQLException(pg.getMessage(), pg.getSqlState(), pg.getErrorCode());
        return HIBERNATE.convert(sql, "error executing SQL statement", "insert into clients ...");
    }

    @Test
    void aConstraintIsRecognisedFromEitherClient() {
        PgException pg = fromServer(DUPLICATE, "23505");
        JDBCException converted = asHibernateReactiveConvertsIt(pg);
        assertThat(converted).isInstanceOf(ConstraintViolationException.class);

        assertThat(DatabaseErrors.violated(new CompletionException(converted), "uq_clients_name")).isTrue();
        assertThat(DatabaseErrors.violated(new CompletionException(pg), "uq_clients_name")).isTrue();
        assertThat(DatabaseErrors.violated(converted, "uq_clients")).isFalse();
        assertThat(DatabaseErrors.violated(converted, "uq_clients_name_lower")).isFalse();
        assertThat(DatabaseErrors.violated(pg, "uq_other")).isFalse();
    }

    @Test
    void eachWayOfNamingTheConstraintIsReadOnItsOwn() {
        // the PostgreSQL client's own field, with a message that does not name it
        PgException named = new PgException("duplicate key value violates unique constraint", "ERROR", "23505", null, null, null,
                null, null, null, null, null, null, "campaign", "clients", null, null, "uq_clients_name");
        assertThat(DatabaseErrors.violated(new CompletionException(named), "uq_clients_name")).isTrue();
        assertThat(DatabaseErrors.violated(named, "uq_other")).isFalse();
        // Hibernate's field, over an SQLException whose message does not name it
        ConstraintViolationException extracted = new ConstraintViolationException("duplicate",
                new SQLException("duplicate key", "23505", 0), "insert", "uq_clients_name");
        assertThat(DatabaseErrors.violated(new CompletionException(extracted), "uq_clients_name")).isTrue();
        assertThat(DatabaseErrors.violated(extracted, "uq_other")).isFalse();
    }

    @Test
    void aConstraintsNameInAnotherErrorIsNoViolation() {
        PgException dropped = fromServer("constraint \"uq_clients_name\" of relation \"clients\" does not exist", "42704");
        assertThat(DatabaseErrors.violated(dropped, "uq_clients_name")).isFalse();
        assertThat(DatabaseErrors.violated(asHibernateReactiveConvertsIt(dropped), "uq_clients_name")).isFalse();
    }

    @Test
    void theStateIsReadFromEitherClient() {
        PgException timeout = fromServer("canceling statement due to lock timeout", "55P03");
        assertThat(DatabaseErrors.hasSqlState(new CompletionException(timeout), "55P03")).isTrue();
        assertThat(DatabaseErrors.hasSqlState(new CompletionException(asHibernateReactiveConvertsIt(timeout)), "55P03")).isTrue();
        assertThat(DatabaseErrors.hasSqlState(new RuntimeException(new SQLException("x", "55P03")), "55P03")).isTrue();
        assertThat(DatabaseErrors.hasSqlState(timeout, "23505")).isFalse();
        assertThat(DatabaseErrors.hasSqlState(new IllegalStateException("no database here"), "55P03")).isFalse();
    }

    @Test
    void aCycleOfCausesEnds() {
        RuntimeException a = new RuntimeException("a");
        RuntimeException b = new RuntimeException("b", a);
        a.initCause(b);
        assertThat(DatabaseErrors.chain(a)).containsExactly(a, b);
        assertThat(DatabaseErrors.hasSqlState(a, "23505")).isFalse();
        assertThat(DatabaseErrors.violated(a, "uq_clients_name")).isFalse();
    }

    @Test
    void aVeryLongChainIsCut() {
        Throwable deep = new SQLException("deep", "23505");
        for (int i = 0; i < 100; i++) {
            deep = new RuntimeException(deep);
        }
        assertThat(DatabaseErrors.chain(deep)).hasSize(DatabaseErrors.MAX_DEPTH);
        assertThat(DatabaseErrors.hasSqlState(deep, "23505")).isFalse();
    }

    @Test
    void theOutlookOfAState() {
        for (String mayPass : new String[]{"08006", "40001", "40P01", "53300", "57P01", "58030", "55P03"}) {
            assertThat(DatabaseErrors.outlook(mayPass)).as(mayPass).isEqualTo(DatabaseErrors.Outlook.MAY_PASS);
        }
        for (String never : new String[]{"22P02", "23505", "42501", "42P01", "P0001"}) {
            assertThat(DatabaseErrors.outlook(never)).as(never).isEqualTo(DatabaseErrors.Outlook.NEVER_PASSES);
        }
        for (String unknown : new String[]{"55000", "CLPQ1", "", null}) {
            assertThat(DatabaseErrors.outlook(unknown)).as(String.valueOf(unknown)).isEqualTo(DatabaseErrors.Outlook.UNKNOWN);
        }
    }
}
