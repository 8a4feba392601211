package io.clp.pipeline.run;

import io.clp.pipeline.campaigns.CampaignServiceException;
import io.clp.pipeline.source.PermanentSourceException;
import io.clp.pipeline.source.SourceRefusedException;
import io.clp.pipeline.source.TransientSourceException;
import io.clp.platform.messaging.Failures;
import io.clp.platform.problem.DatabaseErrors;

import java.io.IOException;
import java.time.Duration;
import java.lang.reflect.Method;
import java.sql.SQLException;
import java.sql.SQLNonTransientException;
import java.sql.SQLRecoverableException;
import java.sql.SQLTransientException;

/**
 * Tells a stage failure that may pass (retried with the pipeline's retry configuration) from one that never will (the
 * execution fails at once). First found along the causes decides: a {@link StageFailure} says itself; a DSP
 * connector's {@code DspException} by its {@code isTransient()} ("may succeed later"); a source that refuses for good
 * ({@link PermanentSourceException}, {@link SourceRefusedException}, {@link Failures.Permanent}) fails at once, though
 * the first two are {@link IOException}s; campaign-service's answers by {@link CampaignServiceException#isTransient()};
 * a database error (JDBC, the PostgreSQL client, Hibernate) by its SQL state as {@link DatabaseErrors#outlook} reads it,
 * else a JDBC {@link SQLException} by its type;
 * {@link IOException} passes. Anything else is decided as the event consumers decide ({@link Failures}): unrecognised
 * failures are transient, so they are retried within bounds and still end failed.
 */
final class ExecutionFailures {

    private ExecutionFailures() {
    }

    static boolean isTransient(Throwable failure) {
        for (Throwable e : DatabaseErrors.chain(failure)) {
            Boolean verdict = verdict(e);
            if (verdict != null) {
                return verdict;
            }
        }
        return Failures.isTransient(failure);
    }

    /** The longest wait a source may ask for before the next attempt; a longer one is cut to this. */
    static final Duration MAX_RETRY_AFTER = Duration.ofHours(1);

    /**
     * The wait a transient failure's source asked for ({@link TransientSourceException#retryAfter()}, a DSP's
     * Retry-After), at most {@link #MAX_RETRY_AFTER}; null when none did.
     */
    static Duration retryAfter(Throwable failure) {
        for (Throwable e : DatabaseErrors.chain(failure)) {
            if (e instanceof TransientSourceException source && source.retryAfter() != null) {
                return source.retryAfter().compareTo(MAX_RETRY_AFTER) > 0 ? MAX_RETRY_AFTER : source.retryAfter();
            }
        }
        return null;
    }

    /** {@code true} transient, {@code false} permanent, {@code null} look at the cause. */
    private static Boolean verdict(Throwable e) {
        if (e instanceof StageFailure stage) {
            return stage.isTransient();
        }
        if (e instanceof VirtualMachineError) {
            return false;
        }
        if (e instanceof PermanentSourceException || e instanceof SourceRefusedException || e instanceof Failures.Permanent) {
            return false;
        }
        if (e instanceof CampaignServiceException campaigns) {
            return campaigns.isTransient();
        }
        Boolean dsp = dspVerdict(e);
        if (dsp != null) {
            return dsp;
        }
        DatabaseErrors.Outlook outlook = DatabaseErrors.outlook(DatabaseErrors.sqlState(e));
        if (outlook != DatabaseErrors.Outlook.UNKNOWN) {
            return outlook == DatabaseErrors.Outlook.MAY_PASS;
        }
        if (e instanceof SQLException) {
            if (e instanceof SQLTransientException || e instanceof SQLRecoverableException) {
                return true;
            }
            if (e instanceof SQLNonTransientException) {
                return false;
            }
            return null;
        }
        if (e instanceof IOException) {
            return true;
        }
        return null;
    }

    /**
     * A DSP connector's failure ({@code io.clp.dsp.DspException}, from dsp-connectors, which sources may use): read by
     * name so that this class does not make the service depend on the connectors.
     */
    private static Boolean dspVerdict(Throwable e) {
        for (Class<?> type = e.getClass(); type != null; type = type.getSuperclass()) {
            if (type.getName().equals("io.clp.dsp.DspException")) {
                try {
                    Method isTransient = type.getMethod("isTransient");
                    return (Boolean) isTransient.invoke(e);
                } catch (ReflectiveOperationException | RuntimeException unreadable) {
                    return null;
                }
            }
        }
        return null;
    }
}
