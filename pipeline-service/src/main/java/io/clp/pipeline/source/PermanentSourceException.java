package io.clp.pipeline.source;

import java.io.IOException;

/**
 * A source failed in a way only a change by someone can fix: the DSP refused the account's credentials or the request,
 * the account is of no DSP CLP knows, no way to get access to DSP accounts is deployed. The execution fails with this
 * message (which never carries credentials); retrying the same thing would fail the same way.
 */
public class PermanentSourceException extends IOException {

    public PermanentSourceException(String message, Throwable cause) {
        super(message, cause);
    }
}
