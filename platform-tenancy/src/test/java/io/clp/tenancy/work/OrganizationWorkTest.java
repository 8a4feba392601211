package io.clp.tenancy.work;

import io.clp.platform.problem.ProblemException;
import io.clp.platform.problem.Problems;
import io.clp.platform.tx.Transactions;
import io.clp.tenancy.grant.EntityAccessFakes;
import io.clp.tenancy.security.Admission;
import io.clp.tenancy.security.Permission;
import io.clp.tenancy.security.Role;
import io.smallrye.mutiny.Uni;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The order of {@link OrganizationWork}'s steps, and that a failed step stops the sequence, with every
 * collaborator recording what it was asked. What the steps answer over HTTP is tested in the services
 * (campaign-service's OrganizationWorkOrderTest).
 */
class OrganizationWorkTest {

    private static final UUID ORG = UUID.randomUUID();
    private static final UUID ENTITY = UUID.randomUUID();

    private final List<String> calls = new ArrayList<>();
    private Role role = Role.VIEWER;

    private final Transactions transactions = new Transactions() {
        @Override
        public <T> Uni<T> write(Supplier<Uni<T>> work) {
            return Uni.createFrom().deferred(() -> {
                calls.add("write transaction");
                return work.get();
            });
        }

        @Override
        public <T> Uni<T> scoped(Supplier<Uni<T>> work) {
            return Uni.createFrom().deferred(() -> {
                calls.add("scoped transaction");
                return work.get();
            });
        }

        @Override
        public <T> Uni<T> scopedByWork(boolean change, Supplier<Uni<T>> work) {
            return Uni.createFrom().deferred(() -> {
                calls.add((change ? "write" : "read") + " transaction scoped on entering");
                return work.get();
            });
        }
    };

    /** A gate that admits a member holding {@code holds}, or refuses with {@code refusal}; entering fails with {@code stateRefusal}. */
    private OrganizationGate gate(boolean member, boolean holds, RuntimeException stateRefusal) {
        return gate(member, holds, stateRefusal, false);
    }

    /** As above; {@code setsScope}: a gate that admits from the token and sets the scope as it enters (the token gate). */
    private OrganizationGate gate(boolean member, boolean holds, RuntimeException stateRefusal, boolean setsScope) {
        return gate(member, holds, stateRefusal, setsScope, null);
    }

    /** As above; with a {@code reply}, the gate enters at once, and the entry's reply is the test's to give. */
    private OrganizationGate gate(boolean member, boolean holds, RuntimeException stateRefusal, boolean setsScope,
                                  CompletableFuture<Void> reply) {
        return new OrganizationGate() {
            @Override
            public boolean entersWithScope() {
                return setsScope;
            }

            @Override
            public boolean entersAtOnce() {
                return reply != null;
            }

            @Override
            public Uni<Admission> admit(UUID orgId, Permission permission, boolean permissionRequired) {
                return Uni.createFrom().deferred(() -> {
                    calls.add("admit" + (permissionRequired ? " requiring the permission" : ""));
                    if (!member) {
                        return Uni.createFrom().failure(Problems.notFound("organization", orgId));
                    }
                    if (permissionRequired && !holds) {
                        return Uni.createFrom().failure(Problems.forbidden("needs " + permission.scope()));
                    }
                    return Uni.createFrom().item(new Admission(orgId, UUID.randomUUID(), Set.of(role), permission, holds));
                });
            }

            @Override
            public Uni<Void> enter(UUID orgId, boolean change) {
                return Uni.createFrom().deferred(() -> {
                    calls.add(change ? "enter for a change" : "enter for a read");
                    if (reply != null) {
                        return Uni.createFrom().completionStage(reply);
                    }
                    return stateRefusal == null ? Uni.createFrom().voidItem() : Uni.createFrom().failure(stateRefusal);
                });
            }
        };
    }

    /**
     * The token gate's shape: it admits from the token, and enters in one statement sent when subscribed, whose reply
     * ({@code reply}) the test gives when it chooses.
     */
    private OrganizationGate atOnce(CompletableFuture<Void> reply) {
        return gate(true, true, null, true, reply);
    }

    private OrganizationWork work(OrganizationGate gate, boolean grant) {
        return new OrganizationWork(transactions, gate, EntityAccessFakes.recording(calls, grant), new ClientScope() {
            @Override
            Uni<Void> apply(Admission admission) {
                return Uni.createFrom().item(() -> {
                    if (ClientScope.limited(admission)) {
                        calls.add("limit to the granted clients");
                    }
                    return null;
                });
            }
        });
    }

    private Uni<Void> step(String name) {
        return Uni.createFrom().item(() -> {
            calls.add(name);
            return null;
        });
    }

    private Uni<String> find(String entity) {
        return Uni.createFrom().item(() -> {
            calls.add("find");
            return entity;
        });
    }

    private static int status(Uni<?> work) {
        try {
            work.await().indefinitely();
            return 200;
        } catch (ProblemException e) {
            return e.status();
        }
    }

    @Test
    void aChangeRunsEveryStepInOrderInAWriteTransaction() {
        String result = work(gate(true, true, null), false).onEntity(ORG, Permission.DSP_ACCOUNT_UPDATE, "dsp_account", ENTITY,
                () -> find("account"), account -> step("work").replaceWith(account + " changed")).await().indefinitely();
        assertThat(result).isEqualTo("account changed");
        assertThat(calls).containsExactly("write transaction", "admit", "enter for a change",
                "find", "entity access", "work");
    }

    @Test
    void aGateThatSetsTheScopeAsItEntersGetsATransactionScopedByItsEntryInTheSameOrder() {
        String result = work(gate(true, true, null, true), false).onEntity(ORG, Permission.DSP_ACCOUNT_UPDATE, "dsp_account",
                ENTITY, () -> find("account"), account -> step("work").replaceWith(account + " changed")).await().indefinitely();
        assertThat(result).isEqualTo("account changed");
        assertThat(calls).containsExactly("write transaction scoped on entering", "admit", "enter for a change",
                "find", "entity access", "work");

        calls.clear();
        assertThat(status(work(gate(false, true, null, true), false).run(ORG, Permission.CAMPAIGN_READ, () -> step("work"))))
                .isEqualTo(404);
        assertThat(calls).containsExactly("read transaction scoped on entering", "admit requiring the permission");
    }

    @Test
    void aClientMembersWorkIsLimitedToTheirClientsOnceTheOrganizationIsEnteredAndBeforeTheWork() {
        role = Role.CLIENT;
        work(gate(true, true, null), false).run(ORG, Permission.CAMPAIGN_READ, () -> step("work")).await().indefinitely();
        assertThat(calls).containsExactly("scoped transaction", "admit requiring the permission", "enter for a read",
                "limit to the granted clients", "work");
    }

    @Test
    void aReadRunsInAScopedTransactionAndAsksForTheStateOfARead() {
        work(gate(true, true, null), false).run(ORG, Permission.DSP_ACCOUNT_READ, () -> step("work")).await().indefinitely();
        assertThat(calls).containsExactly("scoped transaction", "admit requiring the permission", "enter for a read",
                "work");
    }

    @Test
    void aNonMemberIsRefusedBeforeTheOrganizationIsMadeVisibleOrAnyEntityIsLookedUp() {
        assertThat(status(work(gate(false, false, null), true).onEntity(ORG, Permission.DSP_ACCOUNT_UPDATE, "dsp_account", ENTITY,
                () -> find("account"), account -> step("work")))).isEqualTo(404);
        assertThat(calls).containsExactly("write transaction", "admit");
    }

    @Test
    void aSuspendedOrganizationStopsAChangeBeforeTheEntityAndItsGrants() {
        RuntimeException suspended = Problems.conflict("organization-suspended", "suspended");
        assertThat(status(work(gate(true, false, suspended), true).onEntity(ORG, Permission.DSP_ACCOUNT_UPDATE, "dsp_account",
                ENTITY, () -> find("account"), account -> step("work")))).isEqualTo(409);
        assertThat(calls).containsExactly("write transaction", "admit", "enter for a change");
    }

    @Test
    void aMissingEntityIsNotFoundBeforeAnyGrantIsConsulted() {
        assertThatThrownBy(() -> work(gate(true, false, null), true).onEntity(ORG, Permission.DSP_ACCOUNT_UPDATE, "dsp_account",
                ENTITY, () -> find(null), account -> step("work")).await().indefinitely())
                .isInstanceOf(ProblemException.class).hasMessageContaining("no dsp account " + ENTITY);
        assertThat(calls).containsExactly("write transaction", "admit", "enter for a change", "find");
    }

    @Test
    void workOnTheOrganizationNeedsThePermissionItselfWhereWorkOnOneEntityMayRelyOnAGrant() {
        OrganizationWork work = work(gate(true, false, null), true);
        assertThat(status(work.run(ORG, Permission.DSP_ACCOUNT_UPDATE, () -> step("work")))).isEqualTo(403);
        assertThat(calls).containsExactly("write transaction", "admit requiring the permission");

        calls.clear();
        assertThat(status(work.onEntity(ORG, Permission.DSP_ACCOUNT_UPDATE, "dsp_account", ENTITY,
                () -> find("account"), account -> step("work")))).isEqualTo(200);
        assertThat(calls).containsExactly("write transaction", "admit", "enter for a change",
                "find", "entity access", "work");
    }

    @Test
    void aRefusedGrantStopsTheWork() {
        assertThat(status(work(gate(true, false, null), false).onEntity(ORG, Permission.DSP_ACCOUNT_UPDATE, "dsp_account", ENTITY,
                () -> find("account"), account -> step("work")))).isEqualTo(403);
        assertThat(calls).doesNotContain("work");
    }

    @Test
    void aReadBehindAGateThatEntersAtOnceIsSentBeforeTheEntryRepliesAndAnsweredOnlyAfter() {
        CompletableFuture<Void> reply = new CompletableFuture<>();
        CompletableFuture<String> answer = work(atOnce(reply), false)
                .read(ORG, Permission.CAMPAIGN_READ, () -> step("read").replaceWith("rows")).subscribeAsCompletionStage();
        assertThat(calls).containsExactly("read transaction scoped on entering", "admit requiring the permission",
                "enter for a read", "read");
        assertThat(answer).isNotDone();

        reply.complete(null);
        assertThat(answer.join()).isEqualTo("rows");
    }

    @Test
    void aClientMembersReadIsSentBehindTheLimitToTheirClients() {
        role = Role.CLIENT;
        CompletableFuture<Void> reply = new CompletableFuture<>();
        CompletableFuture<String> answer = work(atOnce(reply), false)
                .read(ORG, Permission.CAMPAIGN_READ, () -> step("read").replaceWith("rows")).subscribeAsCompletionStage();
        assertThat(calls).containsExactly("read transaction scoped on entering", "admit requiring the permission",
                "enter for a read", "limit to the granted clients", "read");
        reply.complete(null);
        assertThat(answer.join()).isEqualTo("rows");
    }

    @Test
    void whatAReadFoundIsDroppedWhenTheEntryRefuses() {
        CompletableFuture<Void> reply = new CompletableFuture<>();
        reply.completeExceptionally(Problems.notFound("organization", ORG));
        assertThat(status(work(atOnce(reply), false).read(ORG, Permission.CAMPAIGN_READ, () -> step("read").replaceWith("rows"))))
                .isEqualTo(404);
        assertThat(calls).containsExactly("read transaction scoped on entering", "admit requiring the permission",
                "enter for a read", "read");
    }

    @Test
    void anEntityReadBehindAGateThatEntersAtOnceLoadsTheEntityBeforeTheEntryRepliesAndChecksNothingElseUntilThen() {
        CompletableFuture<Void> reply = new CompletableFuture<>();
        CompletableFuture<String> answer = work(atOnce(reply), false).onEntity(ORG, Permission.DSP_ACCOUNT_READ, "dsp_account",
                ENTITY, () -> find("account"), account -> step("work").replaceWith(account + " read")).subscribeAsCompletionStage();
        assertThat(calls).containsExactly("read transaction scoped on entering", "admit", "enter for a read", "find");
        assertThat(answer).isNotDone();

        reply.complete(null);
        assertThat(answer.join()).isEqualTo("account read");
        assertThat(calls).containsExactly("read transaction scoped on entering", "admit", "enter for a read", "find",
                "entity access", "work");

        calls.clear();
        CompletableFuture<Void> refused = CompletableFuture.failedFuture(Problems.notFound("organization", ORG));
        assertThat(status(work(atOnce(refused), false).onEntity(ORG, Permission.DSP_ACCOUNT_READ, "dsp_account", ENTITY,
                () -> find("account"), account -> step("work")))).isEqualTo(404);
        assertThat(calls).containsExactly("read transaction scoped on entering", "admit", "enter for a read", "find");
    }

    @Test
    void aChangeBehindAGateThatEntersAtOnceWaitsForTheEntry() {
        CompletableFuture<Void> reply = new CompletableFuture<>();
        CompletableFuture<String> answer = work(atOnce(reply), false).onEntity(ORG, Permission.DSP_ACCOUNT_UPDATE, "dsp_account",
                ENTITY, () -> find("account"), account -> step("work").replaceWith(account + " changed")).subscribeAsCompletionStage();
        assertThat(calls).containsExactly("write transaction scoped on entering", "admit", "enter for a change");

        reply.complete(null);
        assertThat(answer.join()).isEqualTo("account changed");
        assertThat(calls).containsExactly("write transaction scoped on entering", "admit", "enter for a change", "find",
                "entity access", "work");
        assertThatThrownBy(() -> work(atOnce(reply), false).read(ORG, Permission.DSP_ACCOUNT_UPDATE, () -> step("work")))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void aReadBehindAnyOtherGateRunsTheStepsInTurn() {
        work(gate(true, true, null), false).read(ORG, Permission.CAMPAIGN_READ, () -> step("work")).await().indefinitely();
        assertThat(calls).containsExactly("scoped transaction", "admit requiring the permission", "enter for a read", "work");
    }
}
