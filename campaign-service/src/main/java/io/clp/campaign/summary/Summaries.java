package io.clp.campaign.summary;

import de.siegmar.fastcsv.writer.CsvWriter;
import de.siegmar.fastcsv.writer.LineDelimiter;
import io.clp.platform.problem.Problems;
import io.clp.tenancy.security.Permission;
import io.clp.tenancy.work.OrganizationWork;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;

import java.io.StringWriter;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;

/**
 * Reading the summaries (docs/summaries.md): sums of the kept per-period rows, never of daily metrics. Needs
 * {@code metrics:read}; a client member reads only their clients' rows (row-level security).
 */
@ApplicationScoped
public class Summaries {

    /** The most entities a ranking answers. */
    static final int MAX_TOP = SummaryRefresher.TOP;
    /** Periods one page of an export reads. */
    static final int EXPORT_PERIODS = 31;

    private static final String TOTALS = """
            SELECT s.period_start, s.period_end, %1$s AS client_id,
                   %2$s AS client_name, %3$s AS dsp_type, s.currency, s.billed_currency,
                   sum(s.campaigns), sum(s.impressions), sum(s.clicks), sum(s.conversions), sum(s.views), sum(s.spend),
                   sum(s.revenue), sum(s.billed_spend)
            FROM metric_summaries s
            WHERE s.org_id = :org AND s.grain = :grain AND s.period_start BETWEEN :from AND :to %4$s
            GROUP BY s.period_start, s.period_end, %5$s s.currency, s.billed_currency
            ORDER BY s.period_start, %5$s s.currency, s.billed_currency
            """;

    private static final String TOP = """
            WITH items AS (
                SELECT s.currency, (e ->> 'id')::uuid AS id, (e ->> 'spend')::numeric AS spend,
                       (e ->> 'conversions')::bigint AS conversions, (e ->> 'revenue')::numeric AS revenue,
                       (e ->> 'roas')::numeric AS roas, s.period_end
                FROM metric_summaries s CROSS JOIN LATERAL jsonb_array_elements(s.%1$s -> CAST(:ranking AS text)) e
                WHERE s.org_id = :org AND s.grain = :grain AND s.period_start = :from %2$s),
            ranked AS (
                SELECT items.*, row_number() OVER (PARTITION BY currency ORDER BY %3$s DESC NULLS LAST, id) AS rank FROM items)
            SELECT r.rank::int, r.id, (SELECT n.name FROM %4$s n WHERE n.id = r.id), r.currency, r.spend::text, r.conversions,
                   r.revenue::text, r.roas::text, r.period_end
            FROM ranked r WHERE r.rank <= :n
            ORDER BY r.currency, r.rank
            """;

    private final OrganizationWork work;

    Summaries(OrganizationWork work) {
        this.work = work;
    }

    public Uni<SummaryViews.Summary> summary(UUID orgId, SummaryQuery q) {
        return work.run(orgId, Permission.METRICS_READ, () -> groups(orgId, q)
                .chain(current -> q.comparePrevious()
                        ? groups(orgId, q.previousPeriods()).map(previous -> compared(q, current, previous))
                        : Uni.createFrom().item(current)))
                .map(groups -> new SummaryViews.Summary(q.grain().id(), q.from().toString(), q.to().toString(), periods(groups)));
    }

    /** The period's first {@code limit} campaigns or creatives by spend, conversions or ROAS, per currency. */
    public Uni<SummaryViews.Top> top(UUID orgId, String grain, String period, String entity, String by, Integer limit,
                                     String clientId, String dspType) {
        String day = io.clp.campaign.query.QueryDates.date(period, "period").toString();
        SummaryQuery q = SummaryQuery.of(grain, day, day, clientId, dspType, null, null);
        String column = switch (entity == null ? "campaign" : entity) {
            case "campaign" -> "top_campaigns";
            case "creative" -> "top_creatives";
            default -> throw Problems.validation("entity", "must be campaign or creative");
        };
        String ranking = by == null ? "spend" : by;
        if (!List.of("spend", "conversions", "roas").contains(ranking)) {
            throw Problems.validation("by", "must be spend, conversions or roas");
        }
        int n = limit == null ? MAX_TOP : limit;
        if (n < 1 || n > MAX_TOP) {
            throw Problems.validation("limit", "must be between 1 and " + MAX_TOP);
        }
        String sql = TOP.formatted(column, filters(q), ranking, column.equals("top_campaigns") ? "campaigns" : "creatives");
        return work.run(orgId, Permission.METRICS_READ, () -> Panache.getSession().chain(s -> {
                    var query = s.createNativeQuery(sql, Object[].class).setParameter("org", orgId).setParameter("grain", q.grain().id())
                            .setParameter("from", q.from()).setParameter("ranking", ranking).setParameter("n", n);
                    bindFilters(query, q);
                    return query.getResultList();
                }))
                .map(rows -> new SummaryViews.Top(q.grain().id(), q.from().toString(), q.grain().end(q.from()).toString(),
                        column.equals("top_campaigns") ? "campaign" : "creative", ranking,
                        rows.stream().map(r -> new SummaryViews.TopItem(((Number) r[0]).intValue(), (UUID) r[1], (String) r[2],
                                text(r[3]), (String) r[4], r[5] == null ? 0 : ((Number) r[5]).longValue(), (String) r[6],
                                (String) r[7])).toList()));
    }

    /**
     * The summary as CSV, streamed a page of periods at a time (each page its own read, so memory stays bounded
     * whatever the range): a header, then a line per period and group.
     */
    public Multi<String> export(UUID orgId, SummaryQuery q) {
        List<SummaryQuery> pages = new ArrayList<>();
        LocalDate start = q.from();
        while (!start.isAfter(q.to())) {
            LocalDate last = start;
            for (int i = 1; i < EXPORT_PERIODS; i++) {
                LocalDate next = q.grain() == Grain.DAY ? last.plusDays(1) : q.grain() == Grain.WEEK ? last.plusWeeks(1) : last.plusMonths(1);
                if (next.isAfter(q.to())) {
                    break;
                }
                last = next;
            }
            pages.add(new SummaryQuery(q.grain(), start, last, q.clientId(), q.dspType(), q.byClient(), q.byDsp(), false));
            start = q.grain() == Grain.DAY ? last.plusDays(1) : q.grain() == Grain.WEEK ? last.plusWeeks(1) : last.plusMonths(1);
        }
        // the first page's read also checks access before anything is sent
        return Multi.createFrom().iterable(pages).onItem().transformToUniAndConcatenate(page ->
                work.run(orgId, Permission.METRICS_READ, () -> groups(orgId, page)).map(groups -> csv(groups, page == pages.get(0))));
    }

    private static String csv(Map<Key, SummaryViews.Group> groups, boolean header) {
        StringWriter out = new StringWriter();
        try (CsvWriter csv = CsvWriter.builder().lineDelimiter(LineDelimiter.CRLF).build(out)) {
            if (header) {
                csv.writeRecord("period_start", "period_end", "client_id", "client_name", "dsp_type", "currency", "campaigns",
                        "impressions", "clicks", "conversions", "views", "spend", "revenue", "ctr", "cpc", "cpm", "cpa", "cvr",
                        "roas", "billed_currency", "billed_spend");
            }
            groups.forEach((key, g) -> {
                SummaryViews.Totals t = g.totals();
                csv.writeRecord(key.start().toString(), key.end().toString(), g.clientId() == null ? "" : g.clientId().toString(),
                        spreadsheetSafe(Objects.toString(g.clientName(), "")), Objects.toString(g.dspType(), ""), g.currency(),
                        Long.toString(t.campaigns()), Long.toString(t.impressions()), Long.toString(t.clicks()),
                        Long.toString(t.conversions()), Long.toString(t.views()), Objects.toString(t.spend(), ""),
                        Objects.toString(t.revenue(), ""),
                        Objects.toString(t.ctr(), ""), Objects.toString(t.cpc(), ""), Objects.toString(t.cpm(), ""),
                        Objects.toString(t.cpa(), ""), Objects.toString(t.cvr(), ""), Objects.toString(t.roas(), ""),
                        String.join(";", t.billed().stream().map(SummaryViews.Billed::currency).toList()),
                        String.join(";", t.billed().stream().map(SummaryViews.Billed::billedSpend).toList()));
            });
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        return out.toString();
    }

    /**
     * A name as a spreadsheet cell shows it, never runs it: a leading =, +, - or @ (or a tab or carriage return) would
     * make a spreadsheet read the cell as a formula, so such a name is prefixed with an apostrophe (OWASP's advice).
     */
    static String spreadsheetSafe(String value) {
        return !value.isEmpty() && "=+-@\t\r".indexOf(value.charAt(0)) >= 0 ? "'" + value : value;
    }

    /** A group of a period: its key. */
    record Key(LocalDate start, LocalDate end, UUID clientId, String dspType, String currency) {
    }

    /** The query's groups, in period and group order. */
    private static Uni<Map<Key, SummaryViews.Group>> groups(UUID orgId, SummaryQuery q) {
        String groupCols = (q.byClient() ? "s.client_id, " : "") + (q.byDsp() ? "s.dsp_type, " : "");
        String sql = TOTALS.formatted(q.byClient() ? "s.client_id" : "NULL::uuid",
                q.byClient() ? "(SELECT c.name FROM clients c WHERE c.id = s.client_id)" : "NULL::text",
                q.byDsp() ? "s.dsp_type::text" : "NULL::text", filters(q), groupCols);
        return Panache.getSession().chain(s -> {
            var query = s.createNativeQuery(sql, Object[].class).setParameter("org", orgId).setParameter("grain", q.grain().id())
                    .setParameter("from", q.from()).setParameter("to", q.to());
            bindFilters(query, q);
            return query.getResultList();
        }).map(Summaries::fold);
    }

    /**
     * Rows of (period start, period end, client, client name, DSP, currency, billed currency, campaigns, impressions,
     * clicks, conversions, views, spend, revenue, billed spend) folded into one group per period, client, DSP and
     * currency, its billed spend kept per billed currency.
     */
    static Map<Key, SummaryViews.Group> fold(List<Object[]> rows) {
        {
            Map<Key, Acc> acc = LinkedHashMap.newLinkedHashMap(rows.size());
            for (Object[] r : rows) {
                Key key = new Key((LocalDate) r[0], (LocalDate) r[1], (UUID) r[2], (String) r[4], text(r[5]));
                Acc a = acc.computeIfAbsent(key, k -> new Acc((String) r[3]));
                a.add(r);
            }
            Map<Key, SummaryViews.Group> groups = LinkedHashMap.newLinkedHashMap(acc.size());
            acc.forEach((key, a) -> groups.put(key, new SummaryViews.Group(key.clientId(), a.clientName, key.dspType(), key.currency(),
                    a.totals(), null, null)));
            return groups;
        }
    }

    private static String filters(SummaryQuery q) {
        return (q.clientId().isPresent() ? " AND s.client_id = :client" : "") + (q.dspType().isPresent() ? " AND s.dsp_type = CAST(:dsp AS dsp_type)" : "");
    }

    private static void bindFilters(org.hibernate.reactive.mutiny.Mutiny.SelectionQuery<Object[]> query, SummaryQuery q) {
        q.clientId().ifPresent(id -> query.setParameter("client", id));
        q.dspType().ifPresent(d -> query.setParameter("dsp", d));
    }

    static Map<Key, SummaryViews.Group> compared(SummaryQuery q, Map<Key, SummaryViews.Group> current,
                                                         Map<Key, SummaryViews.Group> previous) {
        Map<Key, SummaryViews.Group> result = new LinkedHashMap<>();
        current.forEach((key, g) -> {
            LocalDate prevStart = q.grain().previous(key.start());
            Key prevKey = new Key(prevStart, q.grain().end(prevStart), key.clientId(), key.dspType(), key.currency());
            SummaryViews.Totals before = previous.containsKey(prevKey) ? previous.get(prevKey).totals() : null;
            result.put(key, new SummaryViews.Group(g.clientId(), g.clientName(), g.dspType(), g.currency(), g.totals(), before,
                    before == null ? null : change(g.totals(), before)));
        });
        return result;
    }

    private static SummaryViews.Change change(SummaryViews.Totals now, SummaryViews.Totals before) {
        return new SummaryViews.Change(relative(BigDecimal.valueOf(now.impressions()), BigDecimal.valueOf(before.impressions())),
                relative(BigDecimal.valueOf(now.clicks()), BigDecimal.valueOf(before.clicks())),
                relative(BigDecimal.valueOf(now.conversions()), BigDecimal.valueOf(before.conversions())),
                relative(now.spend().decimal(), before.spend().decimal()),
                relative(now.revenue().decimal(), before.revenue().decimal()));
    }

    private static Micros relative(BigDecimal now, BigDecimal before) {
        return before.signum() == 0 ? null : Micros.ratio(now.subtract(before), before);
    }


    static List<SummaryViews.Period> periods(Map<Key, SummaryViews.Group> groups) {
        Map<LocalDate, SummaryViews.Period> periods = LinkedHashMap.newLinkedHashMap(groups.size());
        groups.forEach((key, g) -> periods.computeIfAbsent(key.start(), s -> {
            String start = IsoDates.text(s);
            // a day's period ends where it starts
            return new SummaryViews.Period(start, s.equals(key.end()) ? start : IsoDates.text(key.end()), new ArrayList<>());
        }).groups().add(g));
        return List.copyOf(periods.values());
    }

    /** Sums of one group over its billed currencies. */
    private static final class Acc {
        final String clientName;
        long campaigns;
        long impressions;
        long clicks;
        long conversions;
        long views;
        BigDecimal spend = BigDecimal.ZERO;
        BigDecimal revenue = BigDecimal.ZERO;
        final Map<String, BigDecimal> billed = new LinkedHashMap<>();

        Acc(String clientName) {
            this.clientName = clientName;
        }

        void add(Object[] r) {
            campaigns = Math.addExact(campaigns, count(r[7]));
            impressions = Math.addExact(impressions, count(r[8]));
            clicks = Math.addExact(clicks, count(r[9]));
            conversions = Math.addExact(conversions, count(r[10]));
            views = Math.addExact(views, count(r[11]));
            spend = spend.add((BigDecimal) r[12]);
            revenue = revenue.add((BigDecimal) r[13]);
            if (r[6] != null && r[14] != null) {
                billed.merge(text(r[6]), (BigDecimal) r[14], BigDecimal::add);
            }
        }

        SummaryViews.Totals totals() {
            BigDecimal i = BigDecimal.valueOf(impressions);
            BigDecimal k = BigDecimal.valueOf(clicks);
            BigDecimal v = BigDecimal.valueOf(conversions);
            return new SummaryViews.Totals(campaigns, impressions, clicks, conversions, views, Micros.amount(spend),
                    Micros.amount(revenue), Micros.ratio(clicks, impressions), Micros.ratio(spend, k),
                    Micros.ratio(spend.scaleByPowerOfTen(3), i), Micros.ratio(spend, v), Micros.ratio(conversions, clicks),
                    Micros.ratio(revenue, spend),
                    billed.entrySet().stream().map(e -> new SummaryViews.Billed(e.getKey(), e.getValue().setScale(7).toPlainString()))
                            .toList());
        }
    }


    private static long count(Object value) {
        if (value instanceof BigDecimal d) {
            return d.longValueExact();
        }
        if (value instanceof BigInteger i) {
            return i.longValueExact();
        }
        return ((Number) value).longValue();
    }

    private static String text(Object value) {
        return value == null ? null : value.toString();
    }
}
