package io.clp.dspsim;

import java.io.IOException;

/**
 * One DSP's API (or one of its hosts: DV360 and Bid Manager are two) under a path prefix of the simulator; a
 * connector or an official client library is pointed at {@code http://host:port/<prefix>} as its base URL.
 */
public interface DspApi {

    /** The path prefix, e.g. {@code /dv360}. */
    String prefix();

    /** Answers one call; {@link SimExchange#path()} is the path after the prefix. */
    void handle(SimExchange exchange) throws IOException;
}
