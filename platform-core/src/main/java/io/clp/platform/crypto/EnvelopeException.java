package io.clp.platform.crypto;

/** Encryption or decryption refused: a missing or unknown key, or a value that does not authenticate. Never carries key material. */
public class EnvelopeException extends RuntimeException {

    public EnvelopeException(String message) {
        super(message);
    }
}
