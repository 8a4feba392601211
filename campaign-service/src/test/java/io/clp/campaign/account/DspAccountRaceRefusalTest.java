package io.clp.campaign.account;

import io.vertx.pgclient.PgException;
import org.hibernate.exception.ConstraintViolationException;
import org.junit.jupiter.api.Test;

import java.sql.SQLException;
import java.util.concurrent.CompletionException;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A second connection of the same DSP account that loses the race to the unique constraint is answered
 * {@code dsp-account-exists}: the check names the account's unique constraint, in either form. That the name is found however the
 * violation arrives, from the PostgreSQL client or converted by Hibernate Reactive and its dialect, is proved once for
 * every such check in platform-core's {@code DatabaseErrorsTest}.
 */
class DspAccountRaceRefusalTest {

    private static Throwable lostRace(String constraint) {
        return new CompletionException(new PgException("duplicate key value violates unique constraint \"" + constraint + "\"",
                "ERROR", "23505", "Key (org_id, dsp_type, external_account_id)=(...) already exists."));
    }

    @Test
    void theAccountsOwnConstraintIsRecognised() {
        assertThat(DspAccounts.uniqueViolation(lostRace("uq_dsp_accounts_external"))).isTrue();
        assertThat(DspAccounts.uniqueViolation(lostRace("some_other_constraint"))).isFalse();
        // as Hibernate Reactive hands it over: the name the dialect read, over an SQLException
        assertThat(DspAccounts.uniqueViolation(new CompletionException(new ConstraintViolationException("duplicate",
                new SQLException("duplicate key", "23505", 0), "insert", "uq_dsp_accounts_external")))).isTrue();
    }
}
