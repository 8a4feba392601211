package io.clp.dspsim;

import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Finished report files, served at {@code /files/<name>} as the DSPs' signed download URLs (Google Cloud Storage,
 * S3) are: whoever has the URL may read it, without the API's token.
 */
public final class Files {

    private static final SecureRandom RANDOM = new SecureRandom();

    public record StoredFile(String contentType, byte[] content) {
    }

    private final Map<String, StoredFile> files = new ConcurrentHashMap<>();

    /** Stores a file and returns its unguessable name. */
    public String put(String extension, String contentType, byte[] content) {
        byte[] bytes = new byte[16];
        RANDOM.nextBytes(bytes);
        String name = HexFormat.of().formatHex(bytes) + extension;
        files.put(name, new StoredFile(contentType, content));
        return name;
    }

    public Optional<StoredFile> get(String name) {
        return Optional.ofNullable(files.get(name));
    }
}
