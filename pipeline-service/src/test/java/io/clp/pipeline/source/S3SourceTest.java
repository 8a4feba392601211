package io.clp.pipeline.source;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.clp.platform.messaging.Failures;
import io.clp.testing.TestS3;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.checksums.RequestChecksumCalculation;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.PutObjectRequest;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.LocalDate;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * {@link S3Source} against a real S3-compatible server ({@link TestS3}: S3Proxy as its own process). Each test works
 * in organizations of its own, so tests do not see each other's objects.
 */
class S3SourceTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String CSV = "date,campaign_name,strategy_name,placement_name,creative_name,impressions,"
            + "clicks,ctr,conversions,conversion_revenue\n";

    private static TestS3 s3;
    private static S3Client admin;
    private static S3Source source;

    @BeforeAll
    static void start() {
        s3 = TestS3.get();
        admin = S3Client.builder()
                .endpointOverride(URI.create(s3.endpoint()))
                .region(Region.of(s3.region()))
                .forcePathStyle(true)
                .requestChecksumCalculation(RequestChecksumCalculation.WHEN_REQUIRED)
                .credentialsProvider(StaticCredentialsProvider.create(
                        AwsBasicCredentials.create(s3.accessKeyId(), s3.secretAccessKey())))
                .httpClientBuilder(UrlConnectionHttpClient.builder())
                .build();
        source = new S3Source(settings());
    }

    @AfterAll
    static void stop() {
        source.close();
        admin.close();
    }

    private static S3Settings settings() {
        return S3Settings.compatible(s3.endpoint(), s3.region(), TestS3.BUCKET, s3.accessKeyId(), s3.secretAccessKey());
    }

    private static void put(String key, String content) {
        admin.putObject(PutObjectRequest.builder().bucket(TestS3.BUCKET).key(key).build(),
                RequestBody.fromString(content, StandardCharsets.UTF_8));
    }

    private static JsonNode config(String prefix, String pattern) {
        ObjectNode config = JSON.createObjectNode();
        config.putObject("source").put("kind", "s3").put("prefix", prefix);
        if (pattern != null) {
            config.put("filenamePattern", pattern);
        }
        return config;
    }

    private static SourceRequest request(UUID org, JsonNode config, LocalDate from, LocalDate to) {
        return new SourceRequest(org, UUID.randomUUID(), UUID.randomUUID(), null, config, from, to);
    }

    private static String read(InputStream in) throws IOException {
        try (in) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    @Test
    void listsTheFilesOfTheWindowThatMatchThePattern() throws IOException {
        UUID org = UUID.randomUUID();
        String base = "orgs/" + org + "/media/";
        put(base + "media_2026-03-01.csv", CSV + "2026-03-01,C,S,P,K,10,1,0.1,0,0\n");
        put(base + "media_20260302.csv", CSV + "2026-03-02,C,S,P,K,20,2,0.1,0,0\n");
        put(base + "media_2026-03-03.csv", CSV);
        put(base + "media_2026-03-04.csv", CSV);                  // after the window
        put(base + "media_2026-02-28.csv", CSV);                  // before it
        put(base + "notes_2026-03-02.csv", CSV);                  // not the pattern
        put(base + "media_2026-03-02.txt", CSV);                  // not the pattern
        put(base + "media.csv", CSV);                             // no day
        put(base + "media_20261340.csv", CSV);                    // not a date
        put(base + "media_120260302.csv", CSV);                   // a longer run of digits
        put(base + "archive/media_2026-03-02.csv", CSV);          // a folder below the prefix
        put("orgs/" + org + "/mediaX/media_2026-03-02.csv", CSV); // a sibling prefix

        List<SourceObject> objects = source.list(request(org, config("media", "media_*.csv"),
                LocalDate.of(2026, 3, 1), LocalDate.of(2026, 3, 3)));

        assertThat(objects).extracting(SourceObject::name).containsExactly(
                "media/media_2026-03-01.csv", "media/media_20260302.csv", "media/media_2026-03-03.csv");
        assertThat(objects).extracting(SourceObject::day).containsExactly(
                LocalDate.of(2026, 3, 1), LocalDate.of(2026, 3, 2), LocalDate.of(2026, 3, 3));
        SourceObject first = objects.get(0);
        assertThat(first.sizeBytes()).isEqualTo((CSV + "2026-03-01,C,S,P,K,10,1,0.1,0,0\n").length());
        assertThat(first.version()).isNotBlank().doesNotContain("\"");
        assertThat(first.modifiedAt()).isNotNull();
        assertThat(objects.get(1).version()).isNotEqualTo(first.version());

        assertThat(read(source.open(request(org, config("media/", null), LocalDate.of(2026, 3, 2),
                LocalDate.of(2026, 3, 2)), objects.get(1)))).isEqualTo(CSV + "2026-03-02,C,S,P,K,20,2,0.1,0,0\n");

        // the default pattern is *.csv; a trailing slash names the same folder
        assertThat(source.list(request(org, config("media/", null), LocalDate.of(2026, 3, 2), LocalDate.of(2026, 3, 2))))
                .extracting(SourceObject::name)
                .containsExactly("media/media_20260302.csv", "media/notes_2026-03-02.csv");
    }

    @Test
    void theBucketAnswersOnlySignedRequests() throws Exception {
        UUID org = UUID.randomUUID();
        String key = "orgs/" + org + "/media/media_2026-03-01.csv";
        put(key, CSV);
        try (java.net.http.HttpClient http = java.net.http.HttpClient.newHttpClient()) {
            for (String path : List.of("/" + TestS3.BUCKET, "/" + TestS3.BUCKET + "/" + key,
                    "/" + TestS3.BUCKET + "?list-type=2&prefix=orgs/")) {
                var response = http.send(java.net.http.HttpRequest.newBuilder(URI.create(s3.endpoint() + path)).build(),
                        java.net.http.HttpResponse.BodyHandlers.ofString());
                assertThat(response.statusCode()).as(path).isEqualTo(403);
                assertThat(response.body()).as(path).doesNotContain("date,campaign_name").doesNotContain(org.toString());
            }
        }
    }

    @Test
    void anotherOrganizationsObjectsAreNeverListedNorRead() throws IOException {
        UUID owner = UUID.randomUUID();
        UUID other = UUID.randomUUID();
        put("orgs/" + owner + "/media/media_2026-03-01.csv", CSV);
        JsonNode config = config("media", null);
        LocalDate day = LocalDate.of(2026, 3, 1);

        assertThat(source.list(request(other, config, day, day))).isEmpty();
        SourceObject owners = source.list(request(owner, config, day, day)).get(0);
        // the same name asked for by the other organization resolves under its own prefix: nothing there
        assertThatThrownBy(() -> source.open(request(other, config, day, day), owners))
                .isInstanceOf(Failures.Permanent.class).hasMessageContaining("no longer there");
        // a name walking out of the prefix is refused before any request
        for (String name : List.of("media/../../" + owner + "/media/media_2026-03-01.csv",
                "../" + owner + "/media/media_2026-03-01.csv", "/orgs/" + owner + "/media/media_2026-03-01.csv",
                "other/media_2026-03-01.csv", "media/sub/media_2026-03-01.csv", "media/", "media/.", "media/..",
                "media/./media_2026-03-01.csv", "./media/media_2026-03-01.csv")) {
            SourceObject forged = new SourceObject(name, 1, null, null, day);
            assertThatThrownBy(() -> source.open(request(other, config, day, day), forged))
                    .as(name).isInstanceOf(Failures.Permanent.class);
        }
    }

    @Test
    void prefixesThatAreNotAPlainRelativeFolderAreRefused() {
        UUID org = UUID.randomUUID();
        UUID victim = UUID.randomUUID();
        put("orgs/" + victim + "/media/media_2026-03-01.csv", CSV);
        LocalDate day = LocalDate.of(2026, 3, 1);
        for (String prefix : List.of("../" + victim + "/media", "media/../../" + victim + "/media", "..",
                "/orgs/" + victim + "/media", "/media", ".", "./", "media\\x", "media//x", "", "   ",
                "media\nx", "x".repeat(1025))) {
            assertThatThrownBy(() -> source.list(request(org, config(prefix, null), day, day)))
                    .as("prefix %s", prefix).isInstanceOf(Failures.Permanent.class)
                    .hasMessageContaining("prefix");
        }
        assertThat(S3Keys.pipelinePrefix(org, "a/b/")).isEqualTo("orgs/" + org + "/a/b/");
        assertThat(S3Keys.pipelinePrefix(org, "./a/./b")).isEqualTo("orgs/" + org + "/a/b/");
    }

    @Test
    void followsContinuationTokensPastOnePage() throws Exception {
        UUID org = UUID.randomUUID();
        LocalDate first = LocalDate.of(2026, 1, 1);
        for (int i = 0; i < 45; i++) {
            put("orgs/" + org + "/daily/media_" + first.plusDays(i) + ".csv", CSV);
        }
        try (S3Source paged = new S3Source(settings().withPageSize(7))) {
            List<SourceObject> all = paged.list(request(org, config("daily", null), first, first.plusDays(44)));
            assertThat(all).hasSize(45);
            assertThat(all.get(44).day()).isEqualTo(first.plusDays(44));
            assertThat(paged.list(request(org, config("daily", null), first.plusDays(40), first.plusDays(100))))
                    .hasSize(5);
        }
    }

    @Test
    void streamsAnObjectLargerThanTheReadersHeap() throws Exception {
        UUID org = UUID.randomUUID();
        LocalDate day = LocalDate.of(2026, 5, 1);
        String key = "orgs/" + org + "/big/media_" + day + ".csv";
        Path file = Files.createTempFile("s3-big-", ".csv");
        MessageDigest sha = MessageDigest.getInstance("SHA-256");
        long length = 0;
        try {
            Random random = new Random(7);
            try (OutputStream out = Files.newOutputStream(file)) {
                byte[] line = new byte[1024];
                for (int i = 0; i < 96 * 1024; i++) { // 96 MiB
                    for (int j = 0; j < line.length - 1; j++) {
                        line[j] = (byte) ('a' + random.nextInt(26));
                    }
                    line[line.length - 1] = '\n';
                    out.write(line);
                    sha.update(line);
                    length += line.length;
                }
            }
            admin.putObject(PutObjectRequest.builder().bucket(TestS3.BUCKET).key(key).build(), RequestBody.fromFile(file));
        } finally {
            Files.deleteIfExists(file);
        }

        // a JVM whose whole heap is a third of the object: it can only read it by streaming
        Path log = Files.createTempFile("s3-probe-", ".log");
        ProcessBuilder probe = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx32m", "-XX:+UseSerialGC", "-cp", System.getProperty("java.class.path"),
                S3StreamProbe.class.getName())
                .redirectErrorStream(true).redirectOutput(log.toFile());
        probe.environment().put("PROBE_ENDPOINT", s3.endpoint());
        probe.environment().put("PROBE_REGION", s3.region());
        probe.environment().put("PROBE_BUCKET", TestS3.BUCKET);
        probe.environment().put("PROBE_KEY_ID", s3.accessKeyId());
        probe.environment().put("PROBE_SECRET", s3.secretAccessKey());
        probe.environment().put("PROBE_ORG", org.toString());
        probe.environment().put("PROBE_DAY", day.toString());
        probe.environment().put("PROBE_CONFIG", config("big", null).toString());
        Process process = probe.start();
        assertThat(process.waitFor(5, TimeUnit.MINUTES)).isTrue();
        String output = Files.readString(log);
        assertThat(process.exitValue()).as(output).isZero();
        assertThat(output).contains("read " + length + " " + HexFormat.of().formatHex(sha.digest()));
    }

    @Test
    void aServerGoingDownMidReadOrWhileListingIsTransient() throws Exception {
        UUID org = UUID.randomUUID();
        LocalDate day = LocalDate.of(2026, 4, 1);
        SourceRequest request = request(org, config("media", null), day, day);
        byte[] body = new byte[8 * 1024 * 1024];
        new Random(3).nextBytes(body);
        admin.putObject(PutObjectRequest.builder().bucket(TestS3.BUCKET).key("orgs/" + org + "/media/m_" + day + ".csv")
                .build(), RequestBody.fromBytes(body));
        SourceObject object = source.list(request).get(0);
        try (InputStream in = source.open(request, object)) {
            assertThat(in.read(new byte[1024])).isPositive();
            s3.stop();
            assertThatThrownBy(() -> {
                byte[] buffer = new byte[64 * 1024];
                while (in.read(buffer) >= 0) {
                    // the rest, until the connection is found cut
                }
            }).isInstanceOf(IOException.class).satisfies(e -> assertThat(Failures.isTransient(e)).isTrue());
            assertThatThrownBy(() -> source.list(request)).isInstanceOf(S3Unavailable.class);
        } catch (IOException closing) {
            // closing a cut connection may fail too
        } finally {
            s3.start();
        }
        assertThat(source.list(request)).containsExactly(object);
    }

    @Test
    void aMissingBucketOrWrongCredentialsArePermanentFailuresSayingWhatToFix() throws Exception {
        UUID org = UUID.randomUUID();
        LocalDate day = LocalDate.of(2026, 3, 1);
        SourceRequest request = request(org, config("media", null), day, day);
        try (S3Source noSuchBucket = new S3Source(settings().withBucket("no-such-bucket"))) {
            assertThatThrownBy(() -> noSuchBucket.list(request))
                    .isInstanceOf(Failures.Permanent.class).hasMessageContaining("no-such-bucket does not exist");
        }
        try (S3Source wrongSecret = new S3Source(settings().withCredentials(s3.accessKeyId(), "not-the-secret"))) {
            assertThatThrownBy(() -> wrongSecret.list(request))
                    .isInstanceOf(Failures.Permanent.class).hasMessageContaining("check the credentials")
                    .hasMessageNotContaining("not-the-secret");
        }
        try (S3Source unknownKey = new S3Source(settings().withCredentials("nobody", "whatever"))) {
            assertThatThrownBy(() -> unknownKey.list(request))
                    .isInstanceOf(Failures.Permanent.class).hasMessageContaining("check the credentials");
        }
        try (S3Source halfCredentials = new S3Source(settings().withCredentials(s3.accessKeyId(), null))) {
            assertThatThrownBy(() -> halfCredentials.list(request))
                    .isInstanceOf(Failures.Permanent.class).hasMessageContaining("must be set together");
        }
        try (S3Source noBucket = new S3Source(settings().withBucket(null))) {
            assertThatThrownBy(() -> noBucket.list(request))
                    .isInstanceOf(Failures.Permanent.class).hasMessageContaining("clp.pipelines.s3.bucket");
        }
        assertThat(settings().toString()).doesNotContain(s3.secretAccessKey());
    }

    @Test
    void anUnreachableServerOrAnObjectReplacedSinceListingAreTransient() throws Exception {
        int closedPort;
        try (ServerSocket socket = new ServerSocket(0)) {
            closedPort = socket.getLocalPort();
        }
        UUID org = UUID.randomUUID();
        LocalDate day = LocalDate.of(2026, 3, 1);
        SourceRequest request = request(org, config("media", null), day, day);
        try (S3Source down = new S3Source(S3Settings.compatible("http://127.0.0.1:" + closedPort, s3.region(),
                TestS3.BUCKET, s3.accessKeyId(), s3.secretAccessKey()))) {
            assertThatThrownBy(() -> down.list(request))
                    .isInstanceOf(S3Unavailable.class).isInstanceOf(IOException.class)
                    .satisfies(e -> assertThat(Failures.isTransient(e)).isTrue());
        }

        String key = "orgs/" + org + "/media/media_2026-03-01.csv";
        put(key, CSV + "first delivery\n");
        SourceObject listed = source.list(request).get(0);
        put(key, CSV + "second delivery, replacing the first\n");
        assertThatThrownBy(() -> source.open(request, listed))
                .isInstanceOf(S3Unavailable.class).hasMessageContaining("changed since it was listed");
        assertThat(read(source.open(request, source.list(request).get(0)))).endsWith("replacing the first\n");
    }
}
