package io.clp.pipeline.source;

import io.clp.platform.messaging.Failures;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.jboss.logging.Logger;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.ResponseInputStream;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.core.checksums.RequestChecksumCalculation;
import software.amazon.awssdk.core.checksums.ResponseChecksumValidation;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.GetObjectRequest;
import software.amazon.awssdk.services.s3.model.GetObjectResponse;
import software.amazon.awssdk.services.s3.model.ListObjectsV2Request;
import software.amazon.awssdk.services.s3.model.ListObjectsV2Response;
import software.amazon.awssdk.services.s3.model.S3Exception;
import software.amazon.awssdk.services.s3.model.S3Object;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.function.Predicate;

/**
 * Daily files of a prefix of the platform's S3 bucket (kind {@code s3}): the objects directly under
 * {@code orgs/<orgId>/<config.source.prefix>/} whose name matches {@code filenamePattern} and holds a day of the
 * window (rules in {@link S3Keys}), listed page by page and streamed, never held in memory. Works with AWS S3 and with
 * S3-compatible servers (endpoint and path-style addressing in {@link S3Config}).
 *
 * <p>Failures: {@link S3Unavailable} (an {@link IOException}: transient) when the server cannot be reached, answers
 * 5xx, throttles, or the object changed since it was listed; {@link Failures.Permanent} with a message saying what to
 * fix for access denied, a missing bucket or object, missing configuration, or a prefix that is not the
 * organization's. Object names given out ({@link SourceObject#name()}) are keys relative to {@code orgs/<orgId>/}.
 */
@ApplicationScoped
public class S3Source implements Source.Listed, AutoCloseable {

    public static final String KIND = "s3";
    private static final Logger LOG = Logger.getLogger(S3Source.class);

    private final S3Settings settings;
    private S3Client client;

    @Inject
    public S3Source(S3Config config) {
        this(S3Settings.of(config));
    }

    public S3Source(S3Settings settings) {
        this.settings = settings;
    }

    @Override
    public String kind() {
        return KIND;
    }

    @Override
    public List<SourceObject> list(SourceRequest request) throws IOException {
        String bucket = settings.requireBucket();
        String orgPrefix = S3Keys.organizationPrefix(request.organizationId());
        String prefix = S3Keys.pipelinePrefix(request.organizationId(), S3Keys.configuredPrefix(request.config()));
        Predicate<String> matches = S3Keys.fileNameMatcher(S3Keys.configuredPattern(request.config()));
        List<SourceObject> found = new ArrayList<>();
        String continuation = null;
        try {
            do {
                ListObjectsV2Response page = client().listObjectsV2(ListObjectsV2Request.builder()
                        .bucket(bucket)
                        .prefix(prefix)
                        .delimiter("/")
                        .maxKeys(settings.pageSize())
                        .continuationToken(continuation)
                        .build());
                for (S3Object object : page.contents()) {
                    String key = object.key();
                    if (!key.startsWith(prefix)) {
                        continue; // a server that ignores the prefix: never read outside it
                    }
                    String fileName = key.substring(prefix.length());
                    if (fileName.isEmpty() || fileName.indexOf('/') >= 0 || !matches.test(fileName)) {
                        continue;
                    }
                    Optional<LocalDate> day = S3Keys.dayInName(fileName);
                    if (day.isEmpty() || day.get().isBefore(request.from()) || day.get().isAfter(request.to())) {
                        continue;
                    }
                    found.add(new SourceObject(key.substring(orgPrefix.length()), object.size(), object.lastModified(),
                            unquote(object.eTag()), day.get()));
                }
                continuation = Boolean.TRUE.equals(page.isTruncated()) ? page.nextContinuationToken() : null;
            } while (continuation != null);
        } catch (SdkException e) {
            throw translate(e, "list s3://" + bucket + "/" + prefix);
        }
        found.sort(Comparator.comparing(SourceObject::day).thenComparing(SourceObject::name));
        return found;
    }

    @Override
    public InputStream open(SourceRequest request, SourceObject object) throws IOException {
        String bucket = settings.requireBucket();
        String prefix = S3Keys.relativePrefix(S3Keys.configuredPrefix(request.config()));
        String name = object.name();
        // the name comes back from the caller: it must still be a file directly in this pipeline's folder
        String fileName = name == null || !name.startsWith(prefix) ? null : name.substring(prefix.length());
        if (fileName == null || fileName.isEmpty() || fileName.equals(".") || fileName.equals("..")
                || fileName.indexOf('/') >= 0 || name.indexOf('\\') >= 0) {
            throw new Failures.Permanent("object " + name + " is not a file of the pipeline's S3 prefix " + prefix);
        }
        // no '..' or '.' segment, absolute path or control characters: the key is exactly the name under the org
        if (!S3Keys.relativePrefix(name).equals(name + "/")) {
            throw new Failures.Permanent("object " + name + " is not a plain key of the pipeline's S3 prefix " + prefix);
        }
        String key = S3Keys.organizationPrefix(request.organizationId()) + name;
        GetObjectRequest.Builder get = GetObjectRequest.builder().bucket(bucket).key(key);
        if (object.version() != null && !object.version().isBlank()) {
            get.ifMatch("\"" + object.version() + "\"");
        }
        try {
            return new ObjectStream(client().getObject(get.build()), "read s3://" + bucket + "/" + key);
        } catch (SdkException e) {
            throw translate(e, "read s3://" + bucket + "/" + key);
        }
    }

    private synchronized S3Client client() {
        if (client == null) {
            if (settings.accessKeyId().isPresent() != settings.secretAccessKey().isPresent()) {
                throw new Failures.Permanent("clp.pipelines.s3.access-key-id and clp.pipelines.s3.secret-access-key "
                        + "must be set together (or neither, for the default credentials chain)");
            }
            AwsCredentialsProvider credentials = settings.accessKeyId().isPresent()
                    ? StaticCredentialsProvider.create(AwsBasicCredentials.create(settings.accessKeyId().get(),
                            settings.secretAccessKey().get()))
                    : DefaultCredentialsProvider.builder().build();
            var builder = S3Client.builder()
                    .region(Region.of(settings.region()))
                    .forcePathStyle(settings.pathStyle())
                    .credentialsProvider(credentials)
                    // S3-compatible servers do not all know the newer default checksums (aws-chunked trailers)
                    .requestChecksumCalculation(RequestChecksumCalculation.WHEN_REQUIRED)
                    .responseChecksumValidation(ResponseChecksumValidation.WHEN_REQUIRED)
                    .httpClientBuilder(UrlConnectionHttpClient.builder()
                            .connectionTimeout(settings.connectTimeout())
                            .socketTimeout(settings.readTimeout()));
            settings.endpoint().ifPresent(builder::endpointOverride);
            client = builder.build();
            LOG.infof("S3 source: %s", settings);
        }
        return client;
    }

    /** Transient failures become {@link S3Unavailable}; the rest a permanent failure saying what to fix. */
    private RuntimeException translateUnchecked(SdkException e, String what) {
        String bucket = settings.bucket().orElse("?");
        if (e instanceof S3Exception s3) {
            int status = s3.statusCode();
            String code = s3.awsErrorDetails() == null ? null : s3.awsErrorDetails().errorCode();
            if (status == 403 || "AccessDenied".equals(code) || "InvalidAccessKeyId".equals(code)
                    || "SignatureDoesNotMatch".equals(code)) {
                return new Failures.Permanent("S3 refused to " + what + " (" + status + " " + code
                        + "): check the credentials (clp.pipelines.s3.access-key-id / secret-access-key) and the bucket's policy");
            }
            if ("NoSuchBucket".equals(code)) {
                return new Failures.Permanent("S3 bucket " + bucket + " does not exist (clp.pipelines.s3.bucket)");
            }
            if (status == 404 || "NoSuchKey".equals(code)) {
                return new Failures.Permanent("cannot " + what + ": the object is no longer there (404 " + code + ")");
            }
        }
        return new Failures.Permanent("cannot " + what + ": " + e.getMessage());
    }

    private IOException transientOrNull(SdkException e, String what) {
        if (e instanceof S3Exception s3) {
            int status = s3.statusCode();
            String code = s3.awsErrorDetails() == null ? null : s3.awsErrorDetails().errorCode();
            if (status >= 500 || status == 429 || status == 408 || "SlowDown".equals(code)
                    || "RequestTimeout".equals(code) || "Throttling".equals(code)) {
                return new S3Unavailable("S3 is unavailable, cannot " + what + " (" + status + " " + code + ")", e);
            }
            if (status == 412) {
                return new S3Unavailable("cannot " + what + ": the object changed since it was listed", e);
            }
            return null;
        }
        if (e instanceof SdkClientException) {
            // no answer: connection refused or reset, timeouts, an unresolved host, credentials not found yet
            return new S3Unavailable("S3 is unreachable, cannot " + what + ": " + e.getMessage(), e);
        }
        return null;
    }

    private IOException translate(SdkException e, String what) {
        IOException transientFailure = transientOrNull(e, what);
        if (transientFailure != null) {
            return transientFailure;
        }
        throw translateUnchecked(e, what);
    }

    private static String unquote(String etag) {
        if (etag == null) {
            return null;
        }
        return etag.length() >= 2 && etag.startsWith("\"") && etag.endsWith("\"") ? etag.substring(1, etag.length() - 1) : etag;
    }

    @PreDestroy
    @Override
    public synchronized void close() {
        if (client != null) {
            client.close();
            client = null;
        }
    }

    /**
     * The object's bytes as they arrive; SDK failures while reading become {@link S3Unavailable}. Closed before its
     * end, the connection is dropped rather than drained.
     */
    private final class ObjectStream extends FilterInputStream {

        private final ResponseInputStream<GetObjectResponse> response;
        private final String what;
        private boolean ended;

        ObjectStream(ResponseInputStream<GetObjectResponse> response, String what) {
            super(response);
            this.response = response;
            this.what = what;
        }

        @Override
        public int read() throws IOException {
            try {
                int b = super.read();
                ended |= b < 0;
                return b;
            } catch (SdkException e) {
                throw translate(e, what);
            }
        }

        @Override
        public int read(byte[] buffer, int offset, int length) throws IOException {
            try {
                int n = super.read(buffer, offset, length);
                ended |= n < 0;
                return n;
            } catch (SdkException e) {
                throw translate(e, what);
            }
        }

        @Override
        public void close() throws IOException {
            if (!ended) {
                response.abort();
            }
            super.close();
        }
    }
}
