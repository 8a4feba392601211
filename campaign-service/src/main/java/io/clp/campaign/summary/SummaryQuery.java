package io.clp.campaign.summary;

import io.clp.campaign.account.DspType;
import io.clp.campaign.query.QueryDates;
import io.clp.platform.problem.Problems;

import java.time.LocalDate;
import java.time.temporal.ChronoUnit;
import java.util.Arrays;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;

/**
 * What a summaries request asks for, validated: the grain, the periods whose first day falls between {@code from}
 * (moved back to its period's start) and {@code to}, an optional client and DSP, how to group, and whether to
 * compare with the previous period.
 */
record SummaryQuery(Grain grain, LocalDate from, LocalDate to, Optional<UUID> clientId, Optional<String> dspType,
                    boolean byClient, boolean byDsp, boolean comparePrevious) {

    /** The widest range a request covers: 400 days of days, ten years of weeks or months. */
    static final int MAX_DAYS_OF_DAYS = 400;
    static final int MAX_DAYS = 3660;

    static SummaryQuery of(String grain, String from, String to, String clientId, String dspType, String groupBy, String compare) {
        Grain g = Grain.parse(grain, "grain");
        LocalDate end = date(to, "to");
        LocalDate start = g.start(date(from, "from"));
        if (end.isBefore(start)) {
            throw Problems.validation("from", "must not be after to");
        }
        long days = ChronoUnit.DAYS.between(start, end) + 1;
        int max = g == Grain.DAY ? MAX_DAYS_OF_DAYS : MAX_DAYS;
        if (days > max) {
            throw Problems.validation("to", "the range covers at most " + max + " days at grain " + g.id());
        }
        Optional<UUID> client = Optional.empty();
        if (clientId != null && !clientId.isBlank()) {
            try {
                client = Optional.of(UUID.fromString(clientId.strip()));
            } catch (IllegalArgumentException e) {
                throw Problems.validation("clientId", "must be a UUID");
            }
        }
        Optional<String> dsp = Optional.empty();
        if (dspType != null && !dspType.isBlank()) {
            String d = dspType.strip();
            if (Arrays.stream(DspType.values()).noneMatch(t -> t.name().equals(d))) {
                throw Problems.validation("dspType", "must be one of "
                        + Arrays.stream(DspType.values()).map(DspType::name).collect(Collectors.joining(", ")));
            }
            dsp = Optional.of(d);
        }
        Set<String> groups = groupBy == null || groupBy.isBlank() ? Set.of()
                : Arrays.stream(groupBy.split(",")).map(String::strip).collect(Collectors.toSet());
        if (!Set.of("client", "dsp", "none").containsAll(groups)) {
            throw Problems.validation("groupBy", "takes client, dsp, or both (client,dsp)");
        }
        boolean previous;
        if (compare == null || compare.isBlank() || compare.equals("none")) {
            previous = false;
        } else if (compare.equals("previous")) {
            previous = true;
        } else {
            throw Problems.validation("compare", "must be previous or none");
        }
        return new SummaryQuery(g, start, end, client, dsp, groups.contains("client"), groups.contains("dsp"), previous);
    }

    static LocalDate date(String value, String field) {
        return QueryDates.date(value, field);
    }

    /** The same query over the periods just before: what {@code compare=previous} compares with. */
    SummaryQuery previousPeriods() {
        return new SummaryQuery(grain, grain.previous(from), grain.previous(grain.start(to)), clientId, dspType, byClient, byDsp,
                false);
    }
}
