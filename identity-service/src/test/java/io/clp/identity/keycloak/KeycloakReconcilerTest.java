package io.clp.identity.keycloak;

import io.clp.identity.IdentityFixtures;
import io.clp.tenancy.security.OrganizationClaim;
import io.clp.testing.PlatformTestResource;
import io.clp.testing.TestTokens;
import io.clp.testing.TestDatabase;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.smallrye.mutiny.Uni;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import jakarta.inject.Inject;
import org.eclipse.microprofile.rest.client.inject.RestClient;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import static io.clp.identity.keycloak.KeycloakTestSupport.await;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The reconciler against a real Keycloak: it acts only on differences, never undoes a change made
 * while its pass runs, and never runs beside another instance's pass.
 */
@QuarkusTest
@TestProfile(WithKeycloak.class)
@WithTestResource(value = PlatformTestResource.class, initArgs = @ResourceArg(name = "service", value = "identity"))
class KeycloakReconcilerTest {

    @Inject
    KeycloakReconciler reconciler;

    @Inject
    KeycloakOrganizations organizations;

    @Inject
    ApiKeyClients apiKeyClients;

    @Inject
    IdentityTruth truth;

    @Inject
    ReconcilerLease lease;

    @Inject
    @RestClient
    KeycloakAdminApi keycloakApi;

    @Inject
    KeycloakPages pages;

    @Inject
    MirrorLocks locks;

    @Inject
    KeycloakConfig config;

    private final TestKeycloak keycloak = TestKeycloak.get();

    @AfterEach
    void noHook() {
        reconciler.beforeAct(id -> Uni.createFrom().voidItem());
        reconciler.beforeWrite(id -> Uni.createFrom().voidItem());
    }

    /** Waits for {@code resume}, then carries on on the pass's own Vert.x context (the database needs it). */
    private static Uni<Void> resumed(CompletableFuture<Void> resume) {
        Context context = Vertx.currentContext();
        return Uni.createFrom().completionStage(resume).emitOn(task -> context.runOnContext(v -> task.run()));
    }

    private KeycloakReconciler.Pass pass() {
        return await(() -> reconciler.reconcile()).orElseThrow();
    }

    @Test
    void aPassOverOrganizationsWithNothingToChangeMakesNoWriteCall() {
        KeycloakTestSupport org = KeycloakTestSupport.organization();
        // three members and two keys: listings span pages of two
        TestTokens.User third = IdentityFixtures.memberOf(org.orgId(), "developer");
        keycloak.account(third.id(), third.email());
        KeycloakTestSupport.newKey(org.orgId(), org.admin());
        KeycloakWrites.reset();
        pass();
        assertThat(KeycloakWrites.since()).as("the first pass mirrors the new organization").isNotEmpty();
        String kcOrg = (String) keycloak.organization(org.orgId()).get("id");
        assertThat(keycloak.memberIds(kcOrg)).containsExactlyInAnyOrder(org.admin().id().toString(), org.member().id().toString(),
                third.id().toString());
        assertThat(keycloak.groupMemberIds(kcOrg, "developer")).containsExactlyInAnyOrder(org.member().id().toString(),
                third.id().toString());
        assertThat(keycloak.client(org.clientId())).isNotNull();

        KeycloakWrites.reset();
        KeycloakReconciler.Pass second = pass();

        assertThat(KeycloakWrites.since()).isEmpty();
        assertThat(second.organizationsChanged()).isZero();
        assertThat(second.keysChanged()).isZero();
    }

    @Test
    void driftMadeInKeycloakByHandIsRepairedAndDeletedOrganizationsAreDisabled() {
        KeycloakTestSupport org = KeycloakTestSupport.organization();
        pass();
        String kcOrg = (String) keycloak.organization(org.orgId()).get("id");
        keycloak.removeMember(kcOrg, org.member().id());
        keycloak.deleteClient(org.clientId());
        // an invitee whose account never reached Keycloak (an invitation's user row is bound to no subject yet)
        UUID invitee = UUID.randomUUID();
        String inviteeEmail = "invitee-" + invitee + "@clp.test";
        TestDatabase.execute("INSERT INTO identity.users (id, email) VALUES (?, ?)", invitee, inviteeEmail);
        TestDatabase.execute("INSERT INTO identity.org_memberships (org_id, user_id, role, is_active) "
                + "VALUES (?, ?, 'viewer', false)", org.orgId(), invitee);
        // an organization deleted while Keycloak missed it
        KeycloakTestSupport deleted = KeycloakTestSupport.organization();
        pass();
        TestDatabase.execute("UPDATE identity.organizations SET deleted_at = now(), status = 'deleted' WHERE id = ?", deleted.orgId());

        pass();

        assertThat(keycloak.memberIds(kcOrg)).contains(org.member().id().toString());
        assertThat(keycloak.groupMemberIds(kcOrg, "developer")).containsExactly(org.member().id().toString());
        assertThat(keycloak.client(org.clientId())).isNotNull();
        assertThat(await(() -> organizations.hasAccount(inviteeEmail))).isTrue();
        assertThat(keycloak.organization(deleted.orgId()).get("enabled")).isEqualTo(false);
        assertThat(keycloak.client(deleted.clientId())).as("a deleted organization's keys lose their clients").isNull();
    }

    @Test
    void aRevocationAndARemovalAppliedWhileAPassIsInFlightStayApplied() throws Exception {
        KeycloakTestSupport org = KeycloakTestSupport.organization();
        pass();
        String kcOrg = (String) keycloak.organization(org.orgId()).get("id");
        // drift the pass will want to repair: the member and the key's client are missing in Keycloak
        keycloak.removeMember(kcOrg, org.member().id());
        keycloak.deleteClient(org.clientId());

        CountDownLatch reached = new CountDownLatch(1);
        CompletableFuture<Void> resume = new CompletableFuture<>();
        reconciler.beforeAct(id -> {
            if (id.equals(org.orgId())) {
                reached.countDown();
                return resumed(resume);
            }
            return Uni.createFrom().voidItem();
        });
        CompletableFuture<Optional<KeycloakReconciler.Pass>> inFlight = CompletableFuture.supplyAsync(() -> await(() -> reconciler.reconcile()));
        assertThat(reached.await(180, TimeUnit.SECONDS)).isTrue();

        // while the pass has read Keycloak but not acted: the member is removed and the key revoked
        org.removeMember();
        org.revokeKey();
        resume.complete(null);
        KeycloakReconciler.Pass pass = inFlight.get(120, TimeUnit.SECONDS).orElseThrow();

        assertThat(keycloak.memberIds(kcOrg)).doesNotContain(org.member().id().toString());
        assertThat(keycloak.groupMemberIds(kcOrg, "developer")).isEmpty();
        assertThat(keycloak.client(org.clientId())).isNull();
        assertThat(pass.organizationsSkipped()).isGreaterThanOrEqualTo(1);
        assertThat(pass.keysSkipped()).isGreaterThanOrEqualTo(1);

        // and the next pass, with the change behind it, keeps them applied
        pass();
        assertThat(keycloak.memberIds(kcOrg)).doesNotContain(org.member().id().toString());
        assertThat(keycloak.client(org.clientId())).isNull();
    }

    @Test
    void twoReconcilersNeverActAtOnce() throws Exception {
        KeycloakTestSupport org = KeycloakTestSupport.organization();
        KeycloakReconciler other = new KeycloakReconciler(organizations, apiKeyClients, truth, lease, keycloakApi, pages, locks, config);
        CountDownLatch reached = new CountDownLatch(1);
        CompletableFuture<Void> resume = new CompletableFuture<>();
        reconciler.beforeAct(id -> {
            reached.countDown();
            return resumed(resume);
        });
        CompletableFuture<Optional<KeycloakReconciler.Pass>> first = CompletableFuture.supplyAsync(() -> await(() -> reconciler.reconcile()));
        assertThat(reached.await(180, TimeUnit.SECONDS)).isTrue();

        KeycloakWrites.reset();
        Optional<KeycloakReconciler.Pass> second = await(() -> other.reconcile());
        assertThat(second).as("the second instance runs no pass while the first holds the lease").isEmpty();
        assertThat(KeycloakWrites.since()).isEmpty();

        resume.complete(null);
        assertThat(first.get(120, TimeUnit.SECONDS)).isPresent();
        assertThat(keycloak.organization(org.orgId())).isNotNull();
        assertThat(await(() -> other.reconcile())).as("the lease is free once the pass ended").isPresent();
    }

    @Test
    void aPassThatLostItsLeaseStopsBeforeActing() throws Exception {
        KeycloakTestSupport org = KeycloakTestSupport.organization();
        CountDownLatch reached = new CountDownLatch(1);
        CompletableFuture<Void> resume = new CompletableFuture<>();
        reconciler.beforeAct(id -> {
            reached.countDown();
            return resumed(resume);
        });
        CompletableFuture<Optional<KeycloakReconciler.Pass>> inFlight = CompletableFuture.supplyAsync(() -> await(() -> reconciler.reconcile()));
        assertThat(reached.await(180, TimeUnit.SECONDS)).isTrue();

        // the lease's connection breaks (the database restarted, the network dropped it)
        TestDatabase.count("SELECT count(pg_terminate_backend(pid)) FROM pg_locks WHERE locktype = 'advisory' AND objid = CAST(? AS bigint)::oid",
                ReconcilerLease.KEY & 0xffffffffL);
        KeycloakWrites.reset();
        resume.complete(null);

        assertThatThrownBy(() -> inFlight.get(120, TimeUnit.SECONDS)).hasRootCauseInstanceOf(ReconcilerLease.LeaseLost.class);
        assertThat(KeycloakWrites.since()).isEmpty();
        assertThat(keycloak.organization(org.orgId())).as("the organization the pass would have created").isNull();
    }

    @Test
    void aMirrorSyncWaitsForThePassActingOnTheOrganizationAndThenAppliesARemovalCommittedAfterThePassReadTheRows() throws Exception {
        KeycloakTestSupport org = KeycloakTestSupport.organization();
        pass();
        String kcOrg = (String) keycloak.organization(org.orgId()).get("id");
        // drift the pass will repair from its re-read: the member is missing in Keycloak
        keycloak.removeMember(kcOrg, org.member().id());

        CountDownLatch reached = new CountDownLatch(1);
        CompletableFuture<Void> resume = new CompletableFuture<>();
        reconciler.beforeWrite(id -> {
            if (id.equals(org.orgId()) && reached.getCount() > 0) {
                reached.countDown();
                return resumed(resume);
            }
            return Uni.createFrom().voidItem();
        });
        CompletableFuture<Optional<KeycloakReconciler.Pass>> inFlight = CompletableFuture.supplyAsync(() -> await(() -> reconciler.reconcile()));
        assertThat(reached.await(180, TimeUnit.SECONDS)).isTrue();

        // the pass has re-read the rows (member present) and is about to write; now the member is removed
        org.removeMember();
        CompletableFuture<KeycloakOrganizations.Outcome> mirrored = CompletableFuture.supplyAsync(() -> await(() -> organizations.sync(org.orgId())));
        Thread.sleep(3000);
        assertThat(mirrored).as("the mirror waits while the pass holds the organization").isNotDone();

        resume.complete(null);
        assertThat(inFlight.get(120, TimeUnit.SECONDS)).isPresent();
        mirrored.get(120, TimeUnit.SECONDS);

        assertThat(keycloak.memberIds(kcOrg)).doesNotContain(org.member().id().toString());
        assertThat(keycloak.groupMemberIds(kcOrg, "developer")).isEmpty();
        assertThat(keycloak.groupMemberIds(kcOrg, "admin")).containsExactly(org.admin().id().toString());
    }

    @Test
    void anOrganizationCreatedInKeycloakMeanwhileIsReadAgainNotFailed() {
        KeycloakTestSupport org = KeycloakTestSupport.organization();
        AtomicBoolean created = new AtomicBoolean();
        // another instance (or a hand) creates the organization between the pass's read and its create call: Keycloak answers 409
        reconciler.beforeWrite(id -> !id.equals(org.orgId()) || created.getAndSet(true) ? Uni.createFrom().voidItem()
                : truth.organization(id).chain(rows -> keycloakApi.createOrganization("clp", Map.of(
                        "name", rows.org().slug(), "alias", rows.org().slug(), "enabled", true,
                        "attributes", Map.of(OrganizationClaim.ORG_ID_ATTRIBUTE, List.of(id.toString()))))).replaceWithVoid());

        KeycloakReconciler.Pass pass = pass();

        assertThat(created).isTrue();
        assertThat(pass.failures()).isZero();
        String kcOrg = (String) keycloak.organization(org.orgId()).get("id");
        assertThat(keycloak.groupMemberIds(kcOrg, "admin")).containsExactly(org.admin().id().toString());
        assertThat(keycloak.groupMemberIds(kcOrg, "developer")).containsExactly(org.member().id().toString());
    }

    @Test
    void aKeyWhoseCreatorWasRemovedFromTheOrganizationLosesItsClientInAPass() {
        KeycloakTestSupport org = KeycloakTestSupport.organization();
        pass();
        assertThat(keycloak.client(org.clientId())).isNotNull();
        // the removal raced the key's creation: the membership is gone, the key still active
        TestDatabase.execute("UPDATE identity.org_memberships SET is_active = false WHERE org_id = ? AND user_id = ?",
                org.orgId(), org.admin().id());

        pass();

        assertThat(keycloak.client(org.clientId())).isNull();
    }
}
