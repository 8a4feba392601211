package io.clp.launcher;

import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.Properties;

/**
 * Passwords and client secrets of one local installation: generated on first use, kept in a
 * file readable only by its owner, never in the repository.
 */
public final class Secrets {

    private static final SecureRandom RANDOM = new SecureRandom();
    private final Path file;
    private final Properties values = new Properties();

    public Secrets(Path file) {
        this.file = file;
        if (Files.isRegularFile(file)) {
            try (Reader reader = Files.newBufferedReader(file)) {
                values.load(reader);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }

    public synchronized String get(String key) {
        String value = values.getProperty(key);
        if (value == null) {
            value = generate();
            values.setProperty(key, value);
            save();
        }
        return value;
    }

    /** An AES-256 key (base64 of 32 random bytes), generated on first use. */
    public synchronized String key(String key) {
        String value = values.getProperty(key);
        if (value == null) {
            byte[] bytes = new byte[32];
            RANDOM.nextBytes(bytes);
            value = Base64.getEncoder().encodeToString(bytes);
            values.setProperty(key, value);
            save();
        }
        return value;
    }

    public synchronized boolean contains(String key) {
        return values.containsKey(key);
    }

    /** Keeps a value that was not generated here (a secret carried over from an older installation). */
    public synchronized void put(String key, String value) {
        values.setProperty(key, value);
        save();
    }

    private void save() {
        StringWriter text = new StringWriter();
        try {
            values.store(text, "CLP local stack secrets (generated; delete with ./clp reset)");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        PrivateFiles.write(file, text.toString());
    }

    static String generate() {
        byte[] bytes = new byte[24];
        RANDOM.nextBytes(bytes);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }
}
