package io.clp.campaign.account;

import io.clp.campaign.SimulatedDsps;
import io.clp.dsp.Dsp;
import io.clp.events.campaign.DspAccountConnected;
import io.clp.events.campaign.DspAccountDeleted;
import io.clp.events.campaign.DspAccountUpdated;
import io.clp.testing.Emitted;
import io.clp.testing.EmittedEvent;
import io.clp.testing.EmittedEvents;
import io.clp.testing.PlatformTestResource;
import io.clp.testing.TestDatabase;
import io.clp.testing.TestOrganizations;
import io.clp.testing.TestPostgres;
import io.clp.testing.TestTokens;
import io.clp.testing.TestTokens.User;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import jakarta.inject.Inject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * An account's credentials, connected through the API against the DSP simulator, appear in no response, no log
 * line, no event (in any column of its outbox row, while its connection, changes and deletion are published), no
 * table in plaintext (so in nothing change data capture could stream) and not in their own
 * encrypted blob; their table is kept out of CDC. Needs the DSP's connector (default Meta; {@code -Dclp.test.dsp=ttd}
 * picks another): on a branch where it is still a stub, connecting answers 500.
 */
@QuarkusTest
@WithTestResource(value = PlatformTestResource.class, initArgs = @ResourceArg(name = "service", value = "campaign"))
@WithTestResource(SimulatedDsps.class)
class DspCredentialSecrecyTest {

    private static final Dsp DSP = Dsp.fromLabel(System.getProperty("clp.test.dsp", "meta")).orElseThrow();

    @Inject
    AccountConnections connections;

    private final List<String> logLines = Collections.synchronizedList(new ArrayList<>());
    private final Handler capture = new Handler() {
        @Override
        public void publish(LogRecord record) {
            // everything this JVM logs except the simulator's own lines (it is the DSP, not the service)
            if (record.getLoggerName() == null || !record.getLoggerName().startsWith("io.clp.dspsim")) {
                StringBuilder line = new StringBuilder(String.valueOf(record.getMessage()));
                if (record.getParameters() != null) {
                    for (Object p : record.getParameters()) {
                        line.append(' ').append(p);
                    }
                }
                for (Throwable t = record.getThrown(); t != null; t = t.getCause()) {
                    line.append(' ').append(t);
                }
                logLines.add(line.toString());
            }
        }

        @Override
        public void flush() {
        }

        @Override
        public void close() {
        }
    };

    @BeforeEach
    void captureLogs() {
        Logger.getLogger("").addHandler(capture);
    }

    @AfterEach
    void stopCapturing() {
        Logger.getLogger("").removeHandler(capture);
    }

    @Test
    void theCredentialsAppearInNoResponseLogLineEventOrCapturedTableAndNotInTheirBlob() throws Exception {
        UUID orgId = UUID.randomUUID();
        TestOrganizations.known("campaign", orgId);
        String admin = TestTokens.token(User.member(orgId, "admin"));
        Map<String, String> credentials = SimulatedDsps.credentials(DSP, connections.connector(DSP).credentialNames());
        List<String> secrets = List.copyOf(credentials.values());
        EmittedEvents.Mark mark = EmittedEvents.mark();
        String base = "/api/v1/organizations/" + orgId + "/dsp-accounts";

        List<String> bodies = new ArrayList<>();
        var connected = given().auth().oauth2(admin).contentType(ContentType.JSON)
                .body(Map.of("dspType", DSP.label(), "externalAccountId", SimulatedDsps.smallAccount(DSP),
                        "credentials", credentials, "rateLimit", Map.of("requestsPerSecond", 5)))
                .when().post(base).then().statusCode(201).extract();
        bodies.add(connected.asString());
        String accountId = connected.path("id");
        assertThat(connected.header("Location")).endsWith(base + "/" + accountId);
        bodies.add(given().auth().oauth2(admin).when().get(base).then().statusCode(200).extract().asString());
        bodies.add(given().auth().oauth2(admin).when().get(base + "/" + accountId).then().statusCode(200).extract().asString());
        bodies.add(given().auth().oauth2(admin).contentType(ContentType.JSON).body(Map.of("displayName", "Renamed"))
                .when().patch(base + "/" + accountId).then().statusCode(200).extract().asString());
        bodies.add(given().auth().oauth2(admin).contentType(ContentType.JSON).body(Map.of("credentials", credentials))
                .when().patch(base + "/" + accountId).then().statusCode(200).extract().asString());
        // a rejected replacement: the DSP's answer is passed on, the values are not
        Map<String, String> wrong = new java.util.LinkedHashMap<>();
        credentials.keySet().forEach(name -> wrong.put(name, "wrong-" + name + "-" + UUID.randomUUID()));
        String refused = given().auth().oauth2(admin).contentType(ContentType.JSON).body(Map.of("credentials", wrong))
                .when().patch(base + "/" + accountId).then().statusCode(422).extract().asString();
        bodies.add(refused);
        assertThat(refused).contains("dsp-credentials-rejected");

        List<String> allSecrets = new ArrayList<>(secrets);
        allSecrets.addAll(wrong.values());
        for (String secret : allSecrets) {
            assertThat(bodies).as("responses").noneMatch(body -> body.contains(secret));
            assertThat(logLines).as("log lines").noneMatch(line -> line.contains(secret));
            assertThat(EmittedEvents.since(mark).payloads()).as("events").noneMatch(p -> p.contains(secret));
            assertThat(plaintextHits("campaign", secret)).as("tables holding the secret in plaintext").isEmpty();
        }

        byte[] blob = blob(UUID.fromString(accountId));
        for (String secret : secrets) {
            assertThat(HexFormat.of().formatHex(blob)).doesNotContain(HexFormat.of().formatHex(secret.getBytes(StandardCharsets.UTF_8)));
        }
        // the reference the sync engine gets decrypts them again, bound to this row
        assertThat(connections.accountRef(orgId, UUID.fromString(accountId)).await().indefinitely().credentials().asMap())
                .isEqualTo(credentials);

        given().auth().oauth2(admin).when().delete(base + "/" + accountId).then().statusCode(204);
        // the account's events were published (so the check below is not vacuous), none with a secret in any column
        Emitted events = EmittedEvents.since(mark).inOrganization(orgId);
        assertThat(events.types()).containsExactly(DspAccountConnected.TYPE, DspAccountUpdated.TYPE, DspAccountUpdated.TYPE,
                DspAccountDeleted.TYPE);
        for (String secret : allSecrets) {
            String hex = HexFormat.of().formatHex(secret.getBytes(StandardCharsets.UTF_8));
            for (EmittedEvent event : events.events()) {
                assertThat(event.columns().values()).as("columns of %s", event.type())
                        .noneMatch(column -> column != null && (column.contains(secret) || column.contains(hex)));
            }
        }
    }

    @Test
    void theCredentialsTableIsLeftOutOfChangeDataCapture() throws Exception {
        Properties cdc = new Properties();
        Path file = Path.of("..", "deploy", "debezium", "clp-cdc.properties");
        try (Reader in = Files.newBufferedReader(file)) {
            cdc.load(in);
        }
        boolean excluded = false;
        for (String pattern : cdc.getProperty("table.exclude.list").split(",")) {
            excluded |= "campaign.dsp_account_credentials".matches(pattern.strip());
        }
        assertThat(excluded).as("campaign.dsp_account_credentials in table.exclude.list").isTrue();
        assertThat(TestDatabase.count("SELECT count(*) FROM information_schema.columns WHERE table_schema = 'campaign' "
                + "AND table_name = 'dsp_accounts' AND column_name = 'credentials_encrypted'")).isZero();
    }

    /** Every table of the schema with a row whose text (bytea as hex) contains the secret or its hex. */
    private static List<String> plaintextHits(String schema, String secret) throws Exception {
        List<String> hits = new ArrayList<>();
        String hex = HexFormat.of().formatHex(secret.getBytes(StandardCharsets.UTF_8));
        try (Connection c = TestPostgres.get().server().connect(TestPostgres.DATABASE)) {
            List<String> tables = new ArrayList<>();
            try (PreparedStatement ps = c.prepareStatement(
                    "SELECT table_name FROM information_schema.tables WHERE table_schema = ? AND table_type = 'BASE TABLE'")) {
                ps.setString(1, schema);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        tables.add(rs.getString(1));
                    }
                }
            }
            for (String table : tables) {
                try (PreparedStatement ps = c.prepareStatement("SELECT count(*) FROM " + schema + "." + table
                        + " t WHERE strpos(CAST(t.* AS text), ?) > 0 OR strpos(CAST(t.* AS text), ?) > 0")) {
                    ps.setString(1, secret);
                    ps.setString(2, hex);
                    try (ResultSet rs = ps.executeQuery()) {
                        rs.next();
                        if (rs.getLong(1) > 0) {
                            hits.add(table);
                        }
                    }
                }
            }
        }
        return hits;
    }

    private static byte[] blob(UUID accountId) throws Exception {
        try (Connection c = TestPostgres.get().server().connect(TestPostgres.DATABASE);
             PreparedStatement ps = c.prepareStatement(
                     "SELECT credentials_encrypted FROM campaign.dsp_account_credentials WHERE account_id = ?")) {
            ps.setObject(1, accountId);
            try (ResultSet rs = ps.executeQuery()) {
                assertThat(rs.next()).isTrue();
                return rs.getBytes(1);
            }
        }
    }
}
