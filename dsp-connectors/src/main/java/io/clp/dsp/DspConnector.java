package io.clp.dsp;

import java.time.LocalDate;
import java.util.Set;
import java.util.function.Consumer;

/**
 * One DSP behind one interface. Calls block (run them on a worker or virtual thread, never on an event loop).
 * Every call authenticates as needed (a cached access token, refreshed once when the DSP says it expired), waits for
 * the account's rate limiter, retries throttling, 5xx and timeouts with backoff (never earlier than the DSP's
 * Retry-After), and otherwise fails with a {@link DspException} saying whether a later attempt may succeed.
 */
public interface DspConnector {

    Dsp dsp();

    /** The credential names this DSP needs; {@link #connect} refuses an account that lacks one. */
    Set<String> credentialNames();

    /** Validates the credentials against the DSP and returns the account's name, time zone and currency. */
    AccountInfo connect(AccountRef account);

    /** One page of one level of the account's hierarchy. */
    HierarchyPage list(AccountRef account, ListRequest request);

    /**
     * Runs the DSP's daily performance report for {@code from..to} (inclusive, account days) at line-item level where
     * the DSP reports it (campaign level otherwise) and hands each row to {@code rows} as it is read, never holding the
     * whole report in memory.
     */
    void dailyReport(AccountRef account, LocalDate from, LocalDate to, Consumer<ReportRow> rows);

    /**
     * Mints short-lived credentials for report calls on the account (see {@link DelegatedAccess}), for a service that
     * must call the DSP without holding the account's long-lived secrets: an access token from the account's token
     * cache (renewed first when it has less than {@link DelegatedAccess#MINIMUM_LIFETIME} left) and the companions the
     * DSP's calls carry. Which values cross is listed per connector. Any connector accepts the result as an account's
     * credentials for {@link #connect}, {@link #list} and {@link #dailyReport}. Refuses credentials that are already
     * delegated ({@link DspException.InvalidCredentials}).
     */
    DelegatedAccess delegate(AccountRef account);
}
