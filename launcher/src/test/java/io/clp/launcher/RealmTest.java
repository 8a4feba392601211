package io.clp.launcher;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/** The realm the local stack imports (deploy/keycloak/clp-realm.json): its clients and what they may do. */
class RealmTest {

    private static final Pattern PLACEHOLDER = Pattern.compile("\\$\\{([A-Z0-9_]+)}");
    private static JsonNode realm;
    private static Path root;

    @BeforeAll
    static void read() throws IOException {
        root = StackLayout.locateRepoRoot();
        realm = new ObjectMapper().readTree(root.resolve("deploy/keycloak/clp-realm.json").toFile());
    }

    private static List<JsonNode> clients() {
        List<JsonNode> list = new ArrayList<>();
        realm.path("clients").forEach(list::add);
        return list;
    }

    private static List<JsonNode> confidentialClients() {
        return clients().stream().filter(c -> !c.path("publicClient").asBoolean(false)).toList();
    }

    @Test
    void everyConfidentialClientHasItsOwnSecretGeneratedPerInstallation(@TempDir Path home) {
        Map<String, String> keycloakEnv = KeycloakComponent.environment(TestStacks.context(home));
        Map<String, String> secretByClient = new HashMap<>();
        for (JsonNode client : confidentialClients()) {
            String clientId = client.path("clientId").asText();
            assertThat(client.path("clientAuthenticatorType").asText()).isEqualTo("client-secret");
            Matcher m = PLACEHOLDER.matcher(client.path("secret").asText());
            assertThat(m.matches()).as("%s's secret is filled in per installation, never written in the file", clientId).isTrue();
            assertThat(m.group(1)).isEqualTo(KeycloakComponent.secretVariable(clientId));
            assertThat(keycloakEnv.get(m.group(1))).as("the launcher hands Keycloak %s", m.group(1)).isNotBlank();
            secretByClient.put(clientId, keycloakEnv.get(m.group(1)));
        }
        assertThat(secretByClient.keySet()).containsExactlyInAnyOrderElementsOf(KeycloakComponent.CONFIDENTIAL_CLIENTS);
        assertThat(Set.copyOf(secretByClient.values())).as("no two clients share a secret").hasSameSizeAs(secretByClient.values());
    }

    @Test
    void onlyClientsThatCallKeycloakAsThemselvesHaveServiceAccounts() {
        List<String> withServiceAccounts = clients().stream().filter(c -> c.path("serviceAccountsEnabled").asBoolean(false))
                .map(c -> c.path("clientId").asText()).toList();
        assertThat(withServiceAccounts).containsExactly("identity-service", KeycloakComponent.PIPELINE_CLIENT);
        List<String> serviceAccountUsers = new ArrayList<>();
        realm.path("users").forEach(u -> {
            if (u.has("serviceAccountClientId")) {
                serviceAccountUsers.add(u.path("serviceAccountClientId").asText());
            }
        });
        assertThat(serviceAccountUsers).containsExactly("identity-service", KeycloakComponent.PIPELINE_CLIENT);
    }

    @Test
    void onlyClientsWhoseTokensCallTheApisCarryTheClpApiAudience() {
        List<String> withAudience = clients().stream()
                .filter(c -> c.path("defaultClientScopes").toString().contains("\"clp-api\""))
                .map(c -> c.path("clientId").asText()).toList();
        assertThat(withAudience).containsExactlyInAnyOrder("clp-web", "clp-cli");
        assertThat(realm.path("defaultDefaultClientScopes").toString())
                .as("a client added later does not get the audience by default").doesNotContain("clp-api");
    }

    @Test
    void pipelineServicesServiceAccountGetsTheInternalAudienceAndRoleAndNothingElse() {
        JsonNode client = clients().stream()
                .filter(c -> KeycloakComponent.PIPELINE_CLIENT.equals(c.path("clientId").asText())).findFirst().orElseThrow();
        assertThat(client.path("defaultClientScopes").toString()).contains("\"clp-internal\"").doesNotContain("\"clp-api\"");
        assertThat(client.path("optionalClientScopes").size()).isZero();
        assertThat(client.path("standardFlowEnabled").asBoolean(true)).isFalse();
        assertThat(client.path("directAccessGrantsEnabled").asBoolean(true)).isFalse();
        assertThat(client.path("fullScopeAllowed").asBoolean(true)).as("only scope-mapped roles reach its tokens").isFalse();
        List<String> withInternalAudience = clients().stream()
                .filter(c -> c.path("defaultClientScopes").toString().contains("\"clp-internal\""))
                .map(c -> c.path("clientId").asText()).toList();
        assertThat(withInternalAudience).containsExactly(KeycloakComponent.PIPELINE_CLIENT);
        assertThat(realm.path("defaultDefaultClientScopes").toString()).doesNotContain("clp-internal");

        List<String> mapped = new ArrayList<>();
        realm.path("scopeMappings").forEach(m -> m.path("roles").forEach(r -> mapped.add(m.path("client").asText() + "=" + r.asText())));
        assertThat(mapped).containsExactly(KeycloakComponent.PIPELINE_CLIENT + "=clp-internal:campaign.read");
        for (JsonNode user : realm.path("users")) {
            if (KeycloakComponent.PIPELINE_CLIENT.equals(user.path("serviceAccountClientId").asText())) {
                assertThat(user.path("realmRoles").toString()).isEqualTo("[\"clp-internal:campaign.read\"]");
                assertThat(user.has("clientRoles")).isFalse();
            } else {
                assertThat(user.path("realmRoles").toString()).doesNotContain("clp-internal");
            }
        }
    }

    @Test
    void identityServicesServiceAccountHoldsExactlyTheRealmManagementRolesAdr3Documents() throws IOException {
        JsonNode account = null;
        for (JsonNode user : realm.path("users")) {
            if ("identity-service".equals(user.path("serviceAccountClientId").asText())) {
                account = user;
            }
        }
        assertThat(account).isNotNull();
        Set<String> granted = new TreeSet<>();
        account.path("clientRoles").path("realm-management").forEach(r -> granted.add(r.asText()));
        assertThat(account.path("clientRoles").size()).as("no roles of other clients").isEqualTo(1);

        // ADR 3 lists each role with the calls that need it: | `role` | why |
        String adr = Files.readString(root.resolve("docs/adr/0003-api-keys.md"));
        String table = adr.substring(adr.indexOf("<!-- realm-management roles -->"), adr.indexOf("<!-- /realm-management roles -->"));
        Set<String> documented = new TreeSet<>();
        Matcher row = Pattern.compile("(?m)^\\| `([a-z-]+)` \\|").matcher(table);
        while (row.find()) {
            documented.add(row.group(1));
        }
        assertThat(granted).isEqualTo(documented);
        assertThat(granted).doesNotContain("realm-admin", "manage-realm", "view-realm", "manage-authorization",
                "manage-identity-providers", "impersonation", "manage-events");
    }
}
