package io.clp.campaign.account;

import io.clp.campaign.client.ClientBilling;
import io.clp.dsp.AccountInfo;
import io.clp.dsp.AccountRef;
import io.clp.dsp.Dsp;
import io.clp.dsp.DspConnector;
import io.clp.dsp.DspCredentials;
import io.clp.platform.outbox.Outbox;
import io.clp.platform.pagination.Cursor;
import io.clp.platform.pagination.Page;
import io.clp.platform.pagination.PageRequest;
import io.clp.platform.problem.DatabaseErrors;
import io.clp.platform.problem.FieldError;
import io.clp.platform.problem.Problems;
import io.clp.platform.tx.CallersContext;
import io.clp.tenancy.security.Permission;
import io.clp.tenancy.work.OrganizationWork;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.Executor;
import java.util.concurrent.Executors;
import java.util.function.Supplier;
import java.util.stream.Collectors;

/**
 * The organization's DSP accounts. Reading and changing one account is allowed by the caller's role
 * or by an entity grant on that account; every operation runs as an {@link OrganizationWork}.
 * Connecting (and replacing credentials) asks the DSP first, on a virtual thread and outside any transaction:
 * a slow DSP holds no connection and no lock, and nothing is written unless the DSP accepted the credentials.
 * Each change publishes its {@code io.clp.dsp-account.*} event through the outbox in the transaction that writes the
 * row, so the event exists exactly when the change does.
 */
@ApplicationScoped
public class DspAccounts {

    /** DSP calls block (rate limiter, retries with backoff): virtual threads, never the event loop. */
    private static final Executor DSP_CALLS = Executors.newVirtualThreadPerTaskExecutor();

    private final OrganizationWork work;
    private final DspAccountRepository accounts;
    private final AccountConnections connections;
    private final CredentialsCodec codec;
    private final Outbox outbox;
    private final ClientBilling billing;

    DspAccounts(OrganizationWork work, DspAccountRepository accounts, AccountConnections connections, CredentialsCodec codec,
                Outbox outbox, ClientBilling billing) {
        this.work = work;
        this.billing = billing;
        this.outbox = outbox;
        this.accounts = accounts;
        this.connections = connections;
        this.codec = codec;
    }

    public Uni<Page<DspAccountView>> list(UUID orgId, PageRequest page) {
        return work.run(orgId, Permission.DSP_ACCOUNT_READ, () -> accounts.page(orgId, page))
                .map(rows -> Page.of(rows, page.limit(), a -> new Cursor(a.createdAt, a.id), DspAccountView::of));
    }

    public Uni<DspAccountView> get(UUID orgId, UUID accountId) {
        return work.onEntity(orgId, Permission.DSP_ACCOUNT_READ, DspAccount.ENTITY_TYPE, accountId,
                () -> accounts.inOrganization(orgId, accountId), account -> Uni.createFrom().item(DspAccountView.of(account)));
    }

    /**
     * What each DSP's account ids look like. The id goes into request paths at the DSP, so anything else is refused
     * here rather than sent (connectors also percent-encode it).
     */
    private static final Map<Dsp, java.util.regex.Pattern> EXTERNAL_ID_FORMATS = Map.of(
            Dsp.DV360, java.util.regex.Pattern.compile("\\d{1,20}"),
            Dsp.AMAZON, java.util.regex.Pattern.compile("\\d{1,20}"),
            Dsp.GOOGLE_ADS, java.util.regex.Pattern.compile("\\d{1,20}"),
            Dsp.META, java.util.regex.Pattern.compile("act_\\d{1,20}"),
            Dsp.TTD, java.util.regex.Pattern.compile("[A-Za-z0-9]{1,64}"));
    private static final Map<Dsp, String> EXTERNAL_ID_HINTS = Map.of(
            Dsp.DV360, "digits", Dsp.AMAZON, "digits", Dsp.GOOGLE_ADS, "digits, without dashes",
            Dsp.META, "act_ followed by digits", Dsp.TTD, "letters and digits");

    /** Validates the credentials with the DSP, then saves the account (its name, time zone and currency from the DSP) and its sealed credentials. */
    public Uni<DspAccountView> connect(UUID orgId, ConnectDspAccount request) {
        Dsp dsp = Dsp.fromLabel(request.dspType()).orElseThrow(() -> Problems.validation("dspType", "must be one of "
                + Arrays.stream(Dsp.values()).map(Dsp::label).collect(Collectors.joining(", "))));
        DspType type = DspType.valueOf(dsp.label());
        String externalId = request.externalAccountId().strip();
        if (!EXTERNAL_ID_FORMATS.get(dsp).matcher(externalId).matches()) {
            throw Problems.validation("externalAccountId", "not a " + dsp.label() + " account id (" + EXTERNAL_ID_HINTS.get(dsp) + ")");
        }
        DspConnector connector = connections.connector(dsp);
        DspCredentials credentials = credentials(connector, request.credentials());
        AccountRateLimit rateLimit = request.rateLimit() == null ? new AccountRateLimit(null, null, null) : request.rateLimit();
        UUID accountId = UUID.randomUUID();
        return work.run(orgId, Permission.DSP_ACCOUNT_CREATE, () -> accounts.byExternalId(orgId, type, externalId)
                        .invoke(existing -> {
                            if (existing != null) {
                                throw duplicate(dsp, externalId);
                            }
                        }).replaceWithVoid())
                .chain(() -> onDsp(() -> {
                    AccountInfo info = connector.connect(new AccountRef(accountId.toString(), dsp, externalId, credentials, rateLimit.toRateLimit()));
                    return new Validated(info, codec.seal(orgId, accountId, credentials));
                }))
                .chain(validated -> work.run(orgId, Permission.DSP_ACCOUNT_CREATE, () -> {
                    DspAccount account = new DspAccount();
                    account.id = accountId;
                    account.orgId = orgId;
                    account.dspType = type;
                    account.externalAccountId = externalId;
                    account.displayName = request.displayName() != null ? request.displayName().strip()
                            : truncate(validated.info().displayName(), 255);
                    account.active = true;
                    account.rateLimit = rateLimit;
                    account.syncIntervalMinutes = request.syncIntervalMinutes();
                    account.takeFromDsp(validated.info());
                    account.updatedAt = Instant.now().truncatedTo(ChronoUnit.MICROS);
                    DspAccountCredentials sealed = sealed(orgId, accountId, validated.sealed());
                    return accounts.persist(account)
                            .chain(() -> sealed.persist())
                            .chain(() -> accounts.flush())
                            .chain(() -> accounts.getSession())
                            .chain(session -> session.refresh(account)) // created_at is the database's
                            .call(() -> outbox.publish(DspAccountEvents.connected(account)))
                            .map(ignored -> DspAccountView.of(account));
                }))
                .onFailure(DspAccounts::uniqueViolation).transform(e -> duplicate(dsp, externalId));
    }

    /**
     * Applies a change. New credentials are validated with the DSP first (outside any transaction) and replace the
     * old ones whole, re-encrypted under the active key.
     */
    public Uni<DspAccountView> update(UUID orgId, UUID accountId, UpdateDspAccount request) {
        if (request.credentials() == null) {
            return work.onEntity(orgId, Permission.DSP_ACCOUNT_UPDATE, DspAccount.ENTITY_TYPE, accountId,
                    () -> accounts.inOrganizationForChange(orgId, accountId), account -> {
                        DspAccountEvents.Snapshot before = DspAccountEvents.Snapshot.of(account);
                        account.apply(request);
                        return published(before, account, false).map(ignored -> DspAccountView.of(account));
                    });
        }
        return work.onEntity(orgId, Permission.DSP_ACCOUNT_UPDATE, DspAccount.ENTITY_TYPE, accountId,
                        () -> accounts.inOrganization(orgId, accountId), account -> Uni.createFrom().item(
                                new Target(Dsp.fromLabel(account.dspType.name()).orElseThrow(), account.externalAccountId,
                                        request.rateLimit() != null ? request.rateLimit() : account.rateLimit)))
                .chain(target -> {
                    DspConnector connector = connections.connector(target.dsp());
                    DspCredentials credentials = credentials(connector, request.credentials());
                    return onDsp(() -> {
                        AccountInfo info = connector.connect(new AccountRef(accountId.toString(), target.dsp(), target.externalId(), credentials,
                                AccountRateLimit.toRateLimit(target.rateLimit())));
                        return new Validated(info, codec.seal(orgId, accountId, credentials));
                    });
                })
                .chain(validated -> work.onEntity(orgId, Permission.DSP_ACCOUNT_UPDATE, DspAccount.ENTITY_TYPE, accountId,
                        () -> accounts.inOrganizationForChange(orgId, accountId), account -> {
                            DspAccountEvents.Snapshot before = DspAccountEvents.Snapshot.of(account);
                            account.apply(request.withoutCredentials());
                            account.takeFromDsp(validated.info());
                            return DspAccountCredentials.<DspAccountCredentials>findById(accountId)
                                    .chain(row -> {
                                        if (row == null) {
                                            return sealed(orgId, accountId, validated.sealed()).persist().replaceWithVoid();
                                        }
                                        row.keyId = codec.activeKeyId();
                                        row.encrypted = validated.sealed();
                                        return Uni.createFrom().voidItem();
                                    })
                                    .chain(() -> published(before, account, true))
                                    .map(ignored -> DspAccountView.of(account));
                        }));
    }

    /**
     * Deletes the account and its credentials; its campaigns and their hierarchy stay, no longer tied to an account nor
     * to a client (their metric rows are no longer billed, docs/clients.md). The organization's billing lock is taken
     * first, before the account's row: the order every writer of campaigns keeps.
     */
    public Uni<Void> delete(UUID orgId, UUID accountId) {
        return work.onEntity(orgId, Permission.DSP_ACCOUNT_DELETE, DspAccount.ENTITY_TYPE, accountId,
                () -> accounts.inOrganization(orgId, accountId),
                // allowed: now the billing lock, then the account's row (a caller who may not delete takes no lock)
                found -> billing.lock(orgId).chain(() -> accounts.inOrganizationForChange(orgId, accountId))
                        .onItem().ifNull().failWith(() -> io.clp.platform.problem.Problems.notFound("dsp account", accountId))
                        .chain(account -> billing.accountDeleted(orgId, accountId)
                        .chain(() -> outbox.publish(DspAccountEvents.deleted(account, Instant.now().truncatedTo(ChronoUnit.MICROS))))
                        .chain(() -> DspAccountCredentials.delete("accountId", accountId))
                        .chain(() -> accounts.delete(account))));
    }

    /** The account's update event, in the caller's transaction; none when the change changed nothing. */
    private Uni<Void> published(DspAccountEvents.Snapshot before, DspAccount after, boolean credentialsRotated) {
        return DspAccountEvents.updated(before, after, credentialsRotated)
                .map(event -> outbox.publish(event).replaceWithVoid())
                .orElseGet(() -> Uni.createFrom().voidItem());
    }

    /** The credentials the DSP takes, each present; a name the DSP does not know is refused rather than stored. */
    private static DspCredentials credentials(DspConnector connector, Map<String, String> given) {
        Set<String> names = connector.credentialNames();
        List<FieldError> errors = new ArrayList<>();
        for (String name : new TreeSet<>(names)) {
            String value = given.get(name);
            if (value == null || value.isBlank()) {
                errors.add(new FieldError("credentials." + name, "required by " + connector.dsp().label()));
            }
        }
        for (String name : new TreeSet<>(given.keySet())) {
            if (!names.contains(name)) {
                errors.add(new FieldError("credentials." + name, "not a credential of " + connector.dsp().label()
                        + " (it takes " + String.join(", ", new TreeSet<>(names)) + ")"));
            }
        }
        if (!errors.isEmpty()) {
            throw Problems.validation(errors);
        }
        return new DspCredentials(given);
    }

    private DspAccountCredentials sealed(UUID orgId, UUID accountId, byte[] encrypted) {
        DspAccountCredentials row = new DspAccountCredentials();
        row.accountId = accountId;
        row.orgId = orgId;
        row.keyId = codec.activeKeyId();
        row.encrypted = encrypted;
        return row;
    }

    /** Runs a blocking DSP call on a virtual thread and continues on the caller's Vert.x context (Hibernate Reactive needs it). */
    private static <T> Uni<T> onDsp(Supplier<T> call) {
        return CallersContext.back(Uni.createFrom().item(call).runSubscriptionOn(DSP_CALLS));
    }

    static boolean uniqueViolation(Throwable failure) {
        return DatabaseErrors.violated(failure, "uq_dsp_accounts_external");
    }

    private static io.clp.platform.problem.ProblemException duplicate(Dsp dsp, String externalId) {
        return Problems.conflict("dsp-account-exists", "the organization already connected " + dsp.label() + " account " + externalId);
    }

    private static String truncate(String value, int max) {
        return value == null || value.length() <= max ? value : value.substring(0, max);
    }

    private record Validated(AccountInfo info, byte[] sealed) {
    }

    private record Target(Dsp dsp, String externalId, AccountRateLimit rateLimit) {
    }
}
