package io.clp.campaign.account;

import io.clp.dsp.DspException;
import io.clp.platform.problem.FailureTranslator;
import io.clp.platform.problem.ProblemException;
import jakarta.enterprise.context.ApplicationScoped;

import java.time.Duration;
import java.util.Optional;

/**
 * What a DSP answered when an account was connected or its credentials replaced, as a problem: credentials or an
 * account the DSP refuses are the caller's to fix (422), a DSP that throttles or does not answer is worth retrying
 * later (503 with Retry-After). Connector messages never carry credentials, so they are passed on as the detail.
 */
@ApplicationScoped
public class DspFailures implements FailureTranslator {

    static final Duration UNAVAILABLE_RETRY = Duration.ofSeconds(30);

    @Override
    public Optional<ProblemException> translate(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t instanceof DspException dsp) {
                return Optional.of(problem(dsp));
            }
        }
        return Optional.empty();
    }

    static ProblemException problem(DspException failure) {
        return switch (failure) {
            case DspException.InvalidCredentials e -> new ProblemException(422, "dsp-credentials-rejected",
                    "The DSP refused the credentials", e.getMessage(), null);
            case DspException.Rejected e -> new ProblemException(422, "dsp-credentials-rejected",
                    "The DSP refused the credentials", "the DSP refused access to the account (" + e.status() + "): " + e.getMessage(), null);
            case DspException.RateLimited e -> new ProblemException(503, "dsp-unavailable", "The DSP is not available",
                    "the DSP is throttling requests; retry later", null, e.retryAfter() == null ? UNAVAILABLE_RETRY : e.retryAfter());
            case DspException.Unavailable e -> new ProblemException(503, "dsp-unavailable", "The DSP is not available",
                    "the DSP did not answer: " + e.getMessage(), null, UNAVAILABLE_RETRY);
            case DspException.ReportFailed e -> new ProblemException(503, "dsp-unavailable", "The DSP is not available",
                    e.getMessage(), null, UNAVAILABLE_RETRY);
        };
    }
}
