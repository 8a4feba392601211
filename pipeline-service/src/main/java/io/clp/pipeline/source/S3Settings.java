package io.clp.pipeline.source;

import io.clp.platform.messaging.Failures;

import java.net.URI;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * {@link S3Config} checked: what {@link S3Source} connects with. {@link #toString()} never shows the secret key.
 */
public record S3Settings(
        Optional<URI> endpoint,
        String region,
        Optional<String> bucket,
        boolean pathStyle,
        Optional<String> accessKeyId,
        Optional<String> secretAccessKey,
        int pageSize,
        Duration connectTimeout,
        Duration readTimeout) {

    public S3Settings {
        Objects.requireNonNull(endpoint);
        Objects.requireNonNull(bucket);
        Objects.requireNonNull(accessKeyId);
        Objects.requireNonNull(secretAccessKey);
        if (region == null || region.isBlank()) {
            throw new IllegalArgumentException("clp.pipelines.s3.region is empty");
        }
        if (pageSize < 1 || pageSize > 1000) {
            throw new IllegalArgumentException("clp.pipelines.s3.page-size must be 1..1000, not " + pageSize);
        }
        endpoint.ifPresent(uri -> {
            if (!"http".equals(uri.getScheme()) && !"https".equals(uri.getScheme()) || uri.getHost() == null) {
                throw new IllegalArgumentException("clp.pipelines.s3.endpoint must be an http(s) URL");
            }
        });
    }

    public static S3Settings of(S3Config config) {
        Optional<URI> endpoint;
        try {
            endpoint = config.endpoint().filter(s -> !s.isBlank()).map(s -> URI.create(s.trim()));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("clp.pipelines.s3.endpoint is not a URL");
        }
        return new S3Settings(endpoint, config.region().trim(), config.bucket().filter(s -> !s.isBlank()).map(String::trim),
                config.pathStyle(), config.accessKeyId().filter(s -> !s.isBlank()),
                config.secretAccessKey().filter(s -> !s.isBlank()), config.pageSize(), config.connectTimeout(),
                config.readTimeout());
    }

    /** A settings object for an S3-compatible server: path-style, static credentials, default page size and timeouts. */
    public static S3Settings compatible(String endpoint, String region, String bucket, String accessKeyId,
                                        String secretAccessKey) {
        return new S3Settings(Optional.of(URI.create(endpoint)), region, Optional.ofNullable(bucket), true,
                Optional.ofNullable(accessKeyId), Optional.ofNullable(secretAccessKey), 1000, Duration.ofSeconds(10),
                Duration.ofSeconds(60));
    }

    public S3Settings withPageSize(int size) {
        return new S3Settings(endpoint, region, bucket, pathStyle, accessKeyId, secretAccessKey, size, connectTimeout,
                readTimeout);
    }

    public S3Settings withBucket(String name) {
        return new S3Settings(endpoint, region, Optional.ofNullable(name), pathStyle, accessKeyId, secretAccessKey,
                pageSize, connectTimeout, readTimeout);
    }

    public S3Settings withCredentials(String keyId, String secret) {
        return new S3Settings(endpoint, region, bucket, pathStyle, Optional.ofNullable(keyId),
                Optional.ofNullable(secret), pageSize, connectTimeout, readTimeout);
    }

    /** The bucket, or a permanent failure naming the setting: a pipeline cannot read an S3 source without it. */
    String requireBucket() {
        return bucket.orElseThrow(() -> new Failures.Permanent(
                "no S3 bucket is configured (clp.pipelines.s3.bucket): this installation cannot read S3 sources"));
    }

    @Override
    public String toString() {
        return "S3Settings[endpoint=" + endpoint.map(URI::toString).orElse("(AWS)") + ", region=" + region
                + ", bucket=" + bucket.orElse("(none)") + ", pathStyle=" + pathStyle + ", accessKeyId="
                + accessKeyId.orElse("(default chain)") + ", secretAccessKey=" + (secretAccessKey.isPresent() ? "***" : "(none)")
                + ", pageSize=" + pageSize + "]";
    }
}
