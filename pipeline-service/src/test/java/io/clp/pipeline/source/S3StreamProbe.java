package io.clp.pipeline.source;

import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.InputStream;
import java.security.MessageDigest;
import java.time.LocalDate;
import java.util.HexFormat;
import java.util.List;
import java.util.UUID;

/**
 * Run in a JVM of its own with a heap much smaller than the object it reads ({@link S3SourceTest}): lists the
 * pipeline's folder through {@link S3Source}, streams the one object and prints its length and SHA-256. Settings come
 * from the environment ({@code PROBE_*}), the secret too, never the command line.
 */
public final class S3StreamProbe {

    public static void main(String[] args) throws Exception {
        S3Settings settings = S3Settings.compatible(System.getenv("PROBE_ENDPOINT"), System.getenv("PROBE_REGION"),
                System.getenv("PROBE_BUCKET"), System.getenv("PROBE_KEY_ID"), System.getenv("PROBE_SECRET"));
        LocalDate day = LocalDate.parse(System.getenv("PROBE_DAY"));
        SourceRequest request = new SourceRequest(UUID.fromString(System.getenv("PROBE_ORG")), UUID.randomUUID(),
                UUID.randomUUID(), null, new ObjectMapper().readTree(System.getenv("PROBE_CONFIG")), day, day);
        try (S3Source source = new S3Source(settings)) {
            List<SourceObject> objects = source.list(request);
            if (objects.size() != 1) {
                throw new IllegalStateException("expected one object, listed " + objects);
            }
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            long length = 0;
            byte[] buffer = new byte[64 * 1024];
            try (InputStream in = source.open(request, objects.get(0))) {
                for (int n; (n = in.read(buffer)) >= 0; ) {
                    sha.update(buffer, 0, n);
                    length += n;
                }
            }
            System.out.println("read " + length + " " + HexFormat.of().formatHex(sha.digest()));
        }
    }
}
