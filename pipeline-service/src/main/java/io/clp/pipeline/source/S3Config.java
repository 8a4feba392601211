package io.clp.pipeline.source;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

import java.util.Optional;

/**
 * The platform's bucket of daily files ({@code clp.pipelines.s3.*}, read by {@link S3Source}). Without a bucket the
 * service runs, and pipelines whose source is {@code {"kind": "s3"}} fail with a message naming the missing setting.
 * The secret key is never logged, nor written anywhere but the HTTP requests' signatures.
 */
@ConfigMapping(prefix = "clp.pipelines.s3")
public interface S3Config {

    /** An S3-compatible server's URL ({@code http://127.0.0.1:8300}); absent: AWS S3 of {@link #region()}. */
    Optional<String> endpoint();

    @WithDefault("us-east-1")
    String region();

    Optional<String> bucket();

    /** Path-style addressing ({@code endpoint/bucket/key}), which most S3-compatible servers need. */
    @WithDefault("false")
    boolean pathStyle();

    /** With {@link #secretAccessKey()}; both absent: the AWS SDK's default credentials chain (environment, role). */
    Optional<String> accessKeyId();

    Optional<String> secretAccessKey();

    /** Keys asked per listing request (1..1000); a listing follows continuation tokens to the end. */
    @WithDefault("1000")
    int pageSize();

    @WithDefault("10s")
    java.time.Duration connectTimeout();

    /** The longest wait for the next bytes of a response (not for a whole object). */
    @WithDefault("60s")
    java.time.Duration readTimeout();
}
