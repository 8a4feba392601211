package io.clp.campaign.account;

import org.hibernate.exception.ConstraintViolationException;
import org.junit.jupiter.api.Test;

import java.sql.SQLException;
import java.util.concurrent.CompletionException;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A second connection of the same DSP account that loses the race to the unique constraint is answered
 * {@code dsp-account-exists}, recognised as Hibernate Reactive converts the violation (the constraint's name read from
 * the message), not only as the PostgreSQL client reports it.
 */
class DspAccountRaceRefusalTest {

    @Test
    void theAccountsOwnConstraintIsRecognisedAsHibernateReactiveConvertsIt() {
        assertThat(DspAccounts.uniqueViolation(new CompletionException(new ConstraintViolationException("duplicate",
                new SQLException("duplicate key", "23505", 0), "insert", "uq_dsp_accounts_external")))).isTrue();
        assertThat(DspAccounts.uniqueViolation(new ConstraintViolationException("duplicate",
                new SQLException("duplicate key", "23505", 0), "insert", "some_other_constraint"))).isFalse();
    }
}
