package io.clp.campaign.client;

import io.clp.campaign.query.ColumnValues;
import io.clp.platform.pagination.Cursor;
import io.clp.platform.pagination.Page;
import io.clp.platform.pagination.PageRequest;
import io.clp.platform.problem.DatabaseErrors;
import io.clp.platform.problem.Problems;
import io.clp.tenancy.security.Permission;
import io.clp.tenancy.work.OrganizationWork;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.quarkus.panache.common.Parameters;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.LockModeType;

import java.math.BigDecimal;
import java.time.Instant;
import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.UUID;

/**
 * An organization's clients, their links to DSP advertisers and their effective-dated CPM rates (docs/clients.md).
 * Reading needs {@code client:read}; every change {@code client:manage}, and each runs as an {@link OrganizationWork}
 * (another organization's ids are 404). A change of links or rates reprices the metric rows it affects in the same
 * transaction ({@link ClientBilling}).
 */
@ApplicationScoped
public class Clients {

    /** The most advertiser links, and CPM rates, one client holds. */
    static final int MAX_LINKS = 1_000;
    static final int MAX_RATES = 1_000;
    private static final BigDecimal MAX_CPM = new BigDecimal("999999.9999");

    private static final String ACCOUNT = "SELECT dsp_type::text FROM dsp_accounts WHERE id = ?1 AND org_id = ?2";
    private static final String LINK = """
            INSERT INTO client_advertisers (org_id, client_id, dsp_account_id, advertiser_id) VALUES (?1, ?2, ?3, ?4)
            ON CONFLICT (dsp_account_id, coalesce(advertiser_id, '')) DO NOTHING
            RETURNING id
            """;
    private static final String LINK_HOLDER = """
            SELECT c.name FROM client_advertisers l JOIN clients c ON c.id = l.client_id
            WHERE l.dsp_account_id = ?1 AND coalesce(l.advertiser_id, '') = ?2
            """;
    private static final String COUNT_LINKS = "SELECT count(*) FROM client_advertisers WHERE client_id = ?1";
    private static final String ADVERTISERS = """
            SELECT l.id, l.dsp_account_id, a.dsp_type::text, l.advertiser_id,
                   (SELECT count(*) FROM campaigns c
                    WHERE c.client_id = l.client_id AND c.dsp_account_id = l.dsp_account_id
                      AND (l.advertiser_id IS NULL OR c.advertiser_id = l.advertiser_id)),
                   l.created_at
            FROM client_advertisers l JOIN dsp_accounts a ON a.id = l.dsp_account_id
            WHERE l.client_id = ?1 AND l.org_id = ?2 %s
            ORDER BY l.created_at, l.id
            LIMIT %d
            """;
    private static final String UNLINK = """
            DELETE FROM client_advertisers WHERE id = ?1 AND client_id = ?2 AND org_id = ?3 RETURNING dsp_account_id
            """;
    private static final String UNLINK_ALL = """
            DELETE FROM client_advertisers WHERE client_id = ?1 AND org_id = ?2 RETURNING dsp_account_id
            """;
    private static final String RATES = """
            SELECT r.effective_date::text, (lead(r.effective_date) OVER (ORDER BY r.effective_date) - 1)::text, r.cpm::text,
                   r.updated_at
            FROM client_cpm_rates r
            WHERE r.client_id = ?1 AND r.org_id = ?2
            ORDER BY r.effective_date
            LIMIT %d
            """;
    /** How many rates the client holds on other dates than ?2: a replaced rate does not count against the limit. */
    private static final String COUNT_RATES = "SELECT count(*) FROM client_cpm_rates WHERE client_id = ?1 AND effective_date <> ?2";
    private static final String SET_RATE = """
            INSERT INTO client_cpm_rates (client_id, effective_date, org_id, cpm) VALUES (?1, ?2, ?3, ?4)
            ON CONFLICT (client_id, effective_date) DO UPDATE SET cpm = EXCLUDED.cpm, updated_at = now()
            """;
    private static final String DELETE_RATE = "DELETE FROM client_cpm_rates WHERE client_id = ?1 AND effective_date = ?2";
    private static final String NEXT_RATE = """
            SELECT min(effective_date) FROM client_cpm_rates WHERE client_id = ?1 AND effective_date > ?2
            """;

    private final OrganizationWork work;
    private final ClientBilling billing;

    Clients(OrganizationWork work, ClientBilling billing) {
        this.work = work;
        this.billing = billing;
    }

    public Uni<Page<ClientViews.ClientView>> list(UUID orgId, String status, PageRequest page) {
        if (status != null && !status.equals("active") && !status.equals("disabled")) {
            throw Problems.validation("status", "must be active or disabled");
        }
        return work.run(orgId, Permission.CLIENT_READ, () -> {
                    StringBuilder query = new StringBuilder("orgId = :org");
                    Parameters params = Parameters.with("org", orgId);
                    if (status != null) {
                        query.append(" and status = :status");
                        params.and("status", status);
                    }
                    page.after().ifPresent(after -> {
                        query.append(" and (createdAt > :at or (createdAt = :at and id > :id))");
                        params.and("at", after.at()).and("id", after.id());
                    });
                    return Client.<Client>find(query.append(" order by createdAt, id").toString(), params)
                            .range(0, page.limit()).list();
                })
                .map(rows -> Page.of(rows, page.limit(), c -> new Cursor(c.createdAt, c.id), ClientViews.ClientView::of));
    }

    public Uni<ClientViews.ClientView> get(UUID orgId, UUID clientId) {
        return work.run(orgId, Permission.CLIENT_READ, () -> client(orgId, clientId, false)).map(ClientViews.ClientView::of);
    }

    public Uni<ClientViews.ClientView> create(UUID orgId, ClientRequests.Create request) {
        String name = text(request.name(), "name");
        return work.run(orgId, Permission.CLIENT_MANAGE, () -> {
            Client c = new Client();
            c.id = UUID.randomUUID();
            c.orgId = orgId;
            c.name = name;
            c.status = "active";
            c.currency = request.currency();
            c.createdAt = now();
            c.updatedAt = c.createdAt;
            return c.persist().chain(() -> Panache.getSession()).chain(s -> s.flush()).replaceWith(c);
        }).map(ClientViews.ClientView::of).onFailure(Clients::nameTaken).transform(e -> duplicateName(request.name()));
    }

    public Uni<ClientViews.ClientView> update(UUID orgId, UUID clientId, ClientRequests.Update request) {
        if (request.empty()) {
            throw Problems.validation("body", "send at least one of name, status");
        }
        String newName = request.name() == null ? null : text(request.name(), "name");
        return work.run(orgId, Permission.CLIENT_MANAGE, () -> client(orgId, clientId, true).chain(c -> {
            String name = newName == null ? c.name : newName;
            String status = request.status() == null ? c.status : request.status();
            if (!name.equals(c.name) || !status.equals(c.status)) {
                c.name = name;
                c.status = status;
                c.updatedAt = now();
            }
            return Panache.getSession().chain(s -> s.flush()).replaceWith(c);
        })).map(ClientViews.ClientView::of).onFailure(Clients::nameTaken).transform(e -> duplicateName(request.name()));
    }

    /**
     * Deletes the client, its links and rates. Its campaigns stay: each takes the client its account's remaining links
     * give (another client's link of the whole account), else none, and their rows are repriced.
     */
    public Uni<Void> delete(UUID orgId, UUID clientId) {
        return work.run(orgId, Permission.CLIENT_MANAGE, () -> billing.lock(orgId)
                .chain(() -> client(orgId, clientId, true))
                .chain(c -> Panache.getSession().chain(s -> s.createNativeQuery(UNLINK_ALL, UUID.class).setParameter(1, clientId)
                                .setParameter(2, orgId).getResultList())
                        .chain(accounts -> Multi.createFrom().iterable(accounts.stream().distinct().toList()).onItem()
                                .transformToUniAndConcatenate(account -> billing.linksChanged(orgId, clientId, account))
                                .collect().asList())
                        .chain(ignored -> billing.clientDeleted(orgId, clientId))
                        .chain(ignored -> c.delete())));
    }

    public Uni<ClientViews.Advertisers> advertisers(UUID orgId, UUID clientId) {
        return work.run(orgId, Permission.CLIENT_READ, () -> client(orgId, clientId, false)
                .chain(c -> advertiserViews(orgId, clientId, null))).map(ClientViews.Advertisers::new);
    }

    /** Links an advertiser (or a whole account) to the client: the campaigns it covers move to the client, repriced. */
    public Uni<ClientViews.AdvertiserLinked> link(UUID orgId, UUID clientId, ClientRequests.LinkAdvertiser request) {
        String advertiser = request.advertiserId() == null ? null : text(request.advertiserId(), "advertiserId");
        return work.run(orgId, Permission.CLIENT_MANAGE, () -> billing.lock(orgId)
                .chain(() -> client(orgId, clientId, true))
                .chain(c -> {
                    if (!"active".equals(c.status)) {
                        throw Problems.conflict("client-disabled", "client " + clientId + " is disabled; enable it before linking advertisers");
                    }
                    return Panache.getSession();
                })
                .chain(s -> s.createNativeQuery(ACCOUNT, String.class).setParameter(1, request.dspAccountId()).setParameter(2, orgId)
                        .getResultList()
                        .chain(types -> {
                            if (types.isEmpty()) {
                                throw Problems.validation("dspAccountId", "the organization has no DSP account " + request.dspAccountId());
                            }
                            return s.createNativeQuery(COUNT_LINKS, Long.class).setParameter(1, clientId).getSingleResult();
                        })
                        .chain(count -> {
                            if (count >= MAX_LINKS) {
                                throw Problems.conflict("client-advertiser-limit", "a client holds at most " + MAX_LINKS + " advertiser links");
                            }
                            return s.createNativeQuery(LINK, UUID.class).setParameter(1, orgId).setParameter(2, clientId)
                                    .setParameter(3, request.dspAccountId()).setParameter(4, advertiser).getResultList();
                        })
                        .chain(ids -> {
                            if (ids.isEmpty()) {
                                return s.createNativeQuery(LINK_HOLDER, String.class).setParameter(1, request.dspAccountId())
                                        .setParameter(2, advertiser == null ? "" : advertiser).getResultList()
                                        .map(holders -> {
                                            throw Problems.conflict("advertiser-linked", (advertiser == null ? "the whole account"
                                                    : "advertiser " + advertiser) + " is already linked to client "
                                                    + (holders.isEmpty() ? "another client" : "'" + holders.get(0) + "'"));
                                        });
                            }
                            UUID linkId = ids.get(0);
                            return billing.linksChanged(orgId, clientId, request.dspAccountId())
                                    .chain(recomputed -> advertiserViews(orgId, clientId, linkId)
                                            .map(views -> new ClientViews.AdvertiserLinked(views.get(0), recomputed)));
                        })));
    }

    /** Unlinks an advertiser: its campaigns fall back to the account's link, if any, else to no client, repriced. */
    public Uni<ClientViews.Recomputed> unlink(UUID orgId, UUID clientId, UUID linkId) {
        return work.run(orgId, Permission.CLIENT_MANAGE, () -> billing.lock(orgId)
                .chain(() -> client(orgId, clientId, true))
                .chain(c -> Panache.getSession())
                .chain(s -> s.createNativeQuery(UNLINK, UUID.class).setParameter(1, linkId).setParameter(2, clientId)
                        .setParameter(3, orgId).getResultList())
                .chain(accounts -> {
                    if (accounts.isEmpty()) {
                        throw Problems.notFound("advertiser link", linkId);
                    }
                    return billing.linksChanged(orgId, clientId, accounts.get(0));
                }));
    }

    public Uni<ClientViews.Rates> rates(UUID orgId, UUID clientId) {
        return work.run(orgId, Permission.CLIENT_READ, () -> client(orgId, clientId, false)
                .chain(c -> rateViews(orgId, c))).map(ClientViews.Rates::new);
    }

    /** Sets the CPM in effect from a date (until the next rate's); the days it governs are repriced. */
    public Uni<ClientViews.CpmRateSet> setRate(UUID orgId, UUID clientId, String effectiveDate, ClientRequests.SetCpmRate request) {
        LocalDate date = effectiveDate(effectiveDate);
        BigDecimal cpm = cpm(request.cpm());
        return work.run(orgId, Permission.CLIENT_MANAGE, () -> billing.lock(orgId)
                .chain(() -> client(orgId, clientId, true))
                .chain(c -> Panache.getSession().chain(s -> s.createNativeQuery(COUNT_RATES, Long.class).setParameter(1, clientId)
                        .setParameter(2, date).getSingleResult()
                        .chain(count -> {
                            if (count >= MAX_RATES) {
                                throw Problems.conflict("client-rate-limit", "a client holds at most " + MAX_RATES + " CPM rates");
                            }
                            return s.createNativeQuery(SET_RATE).setParameter(1, clientId).setParameter(2, date)
                                    .setParameter(3, orgId).setParameter(4, cpm).executeUpdate();
                        })
                        .chain(() -> governed(clientId, date))
                        .chain(until -> billing.ratesChanged(orgId, clientId, date, until))
                        .chain(recomputed -> rateViews(orgId, c).map(views -> new ClientViews.CpmRateSet(views.stream()
                                .filter(v -> v.effectiveDate().equals(date.toString())).findFirst().orElseThrow(), recomputed))))));
    }

    /** Deletes a rate: the days it governed take the rate before it (or none), repriced. */
    public Uni<ClientViews.Recomputed> deleteRate(UUID orgId, UUID clientId, String effectiveDate) {
        LocalDate date = effectiveDate(effectiveDate);
        return work.run(orgId, Permission.CLIENT_MANAGE, () -> billing.lock(orgId)
                .chain(() -> client(orgId, clientId, true))
                .chain(c -> Panache.getSession())
                .chain(s -> s.createNativeQuery(DELETE_RATE).setParameter(1, clientId).setParameter(2, date).executeUpdate())
                .chain(deleted -> {
                    if (deleted == 0) {
                        throw Problems.notFound("CPM rate", date);
                    }
                    return governed(clientId, date);
                })
                .chain(until -> billing.ratesChanged(orgId, clientId, date, until)));
    }

    /** The last day a rate dated {@code from} governs: the day before the next rate's, or the end of time. */
    private static Uni<LocalDate> governed(UUID clientId, LocalDate from) {
        return Panache.getSession().chain(s -> s.createNativeQuery(NEXT_RATE, LocalDate.class).setParameter(1, clientId)
                .setParameter(2, from).getResultList())
                .map(next -> next.isEmpty() || next.get(0) == null ? ClientBilling.LAST_DAY : next.get(0).minusDays(1));
    }

    private static Uni<Client> client(UUID orgId, UUID clientId, boolean forChange) {
        var query = Client.<Client>find("id = ?1 and orgId = ?2", clientId, orgId);
        return (forChange ? query.withLock(LockModeType.PESSIMISTIC_WRITE) : query).firstResult()
                .map(c -> {
                    if (c == null) {
                        throw Problems.notFound("client", clientId);
                    }
                    return c;
                });
    }

    private static Uni<List<ClientViews.AdvertiserView>> advertiserViews(UUID orgId, UUID clientId, UUID onlyLink) {
        String sql = ADVERTISERS.formatted(onlyLink == null ? "" : "AND l.id = ?3", MAX_LINKS);
        return Panache.getSession().chain(s -> {
            var q = s.createNativeQuery(sql, Object[].class).setParameter(1, clientId).setParameter(2, orgId);
            if (onlyLink != null) {
                q.setParameter(3, onlyLink);
            }
            return q.getResultList();
        }).map(rows -> rows.stream().map(r -> new ClientViews.AdvertiserView((UUID) r[0], (UUID) r[1], (String) r[2],
                (String) r[3], ((Number) r[4]).longValue(), ColumnValues.instant(r[5]))).toList());
    }

    private static Uni<List<ClientViews.CpmRateView>> rateViews(UUID orgId, Client c) {
        return Panache.getSession().chain(s -> s.createNativeQuery(RATES.formatted(MAX_RATES), Object[].class)
                        .setParameter(1, c.id).setParameter(2, orgId).getResultList())
                .map(rows -> rows.stream().map(r -> new ClientViews.CpmRateView((String) r[0], (String) r[1], (String) r[2],
                        c.currency, ColumnValues.instant(r[3]))).toList());
    }

    /** The value without surrounding white space (Unicode's too); one that is nothing else is refused. */
    private static String text(String value, String field) {
        String stripped = value.strip();
        if (stripped.isEmpty()) {
            throw Problems.validation(field, "must not be blank");
        }
        return stripped;
    }

    static LocalDate effectiveDate(String value) {
        LocalDate date;
        try {
            date = LocalDate.parse(value);
        } catch (DateTimeParseException e) {
            throw Problems.validation("effectiveDate", "must be a date, YYYY-MM-DD");
        }
        if (date.isBefore(ClientBilling.FIRST_DAY) || date.isAfter(ClientBilling.LAST_DAY)) {
            throw Problems.validation("effectiveDate", "must be between 2000-01-01 and 9999-12-31");
        }
        return date;
    }

    static BigDecimal cpm(String value) {
        BigDecimal cpm;
        try {
            cpm = new BigDecimal(value.strip());
        } catch (NumberFormatException | ArithmeticException e) {
            throw Problems.validation("cpm", "must be a decimal number, such as \"12.5\"");
        }
        if (cpm.signum() < 0 || cpm.compareTo(MAX_CPM) > 0) {
            throw Problems.validation("cpm", "must be between 0 and " + MAX_CPM.toPlainString());
        }
        if (cpm.stripTrailingZeros().scale() > 4) {
            throw Problems.validation("cpm", "takes at most 4 fractional digits");
        }
        return cpm.setScale(4);
    }

    private static Instant now() {
        return Instant.now().truncatedTo(ChronoUnit.MICROS);
    }

    private static boolean nameTaken(Throwable failure) {
        return DatabaseErrors.violated(failure, "uq_clients_name");
    }

    private static io.clp.platform.problem.ProblemException duplicateName(String name) {
        return Problems.conflict("client-exists", "the organization already has a client named '" + (name == null ? "" : name.strip()) + "'");
    }
}
