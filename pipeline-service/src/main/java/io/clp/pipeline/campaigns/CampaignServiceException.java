package io.clp.pipeline.campaigns;

/**
 * A call to campaign-service that did not succeed. {@link Unavailable}: campaign-service or Keycloak did not answer,
 * answered 5xx or 429 on every bounded attempt; the work may be retried later. {@link Refused}: a permanent answer
 * (4xx: an unknown or suspended organization, an account that is not the organization's or is disabled, a refused
 * service account, a bad request), which retrying does not change. Messages never carry a token or credential.
 */
public abstract sealed class CampaignServiceException extends RuntimeException {

    CampaignServiceException(String message, Throwable cause) {
        super(message, cause);
    }

    /** Whether retrying later may succeed. */
    public abstract boolean isTransient();

    public static final class Unavailable extends CampaignServiceException {
        public Unavailable(String message, Throwable cause) {
            super(message, cause);
        }

        @Override
        public boolean isTransient() {
            return true;
        }
    }

    public static final class Refused extends CampaignServiceException {
        private final int status;
        private final String problemType;

        public Refused(int status, String problemType, String message) {
            super(message, null);
            this.status = status;
            this.problemType = problemType;
        }

        /** The HTTP status of the answer (of Keycloak's, when the service account itself was refused). */
        public int status() {
            return status;
        }

        /** The problem's {@code type} ({@code urn:clp:problem:...}), or null when the answer was not a problem document. */
        public String problemType() {
            return problemType;
        }

        @Override
        public boolean isTransient() {
            return false;
        }
    }
}
