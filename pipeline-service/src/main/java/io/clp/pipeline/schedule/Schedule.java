package io.clp.pipeline.schedule;

import com.cronutils.model.Cron;
import com.cronutils.model.CronType;
import com.cronutils.model.definition.CronDefinitionBuilder;
import com.cronutils.model.time.ExecutionTime;
import com.cronutils.parser.CronParser;

import java.time.DateTimeException;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.time.temporal.ChronoUnit;
import java.time.zone.ZoneOffsetTransition;
import java.util.Locale;
import java.util.Optional;

/**
 * When a pipeline runs: a five-field Unix cron expression or a fixed interval, in the pipeline's time zone, or only
 * when asked (manual). Cron ticks are computed by cron-utils on the zone's wall clock, so a daily 06:00 stays at 06:00
 * local time across daylight-saving changes; a tick whose local time a spring-forward change skips runs when the clocks
 * jump, and one in a fall-back overlap runs once.
 *
 * <p>{@link #nextAfter} answers the first tick strictly after an instant. A scheduler that was down passes the current
 * time, so the ticks it missed collapse into the one run it starts now, never one run per missed tick; that run is
 * for {@link #latestAtOrBefore the latest missed tick} and reads the days of all of them.
 */
public final class Schedule {

    public enum Type {
        CRON, INTERVAL, MANUAL;

        public String label() {
            return name().toLowerCase(Locale.ROOT);
        }

        public static Optional<Type> fromLabel(String label) {
            for (Type t : values()) {
                if (t.label().equals(label)) {
                    return Optional.of(t);
                }
            }
            return Optional.empty();
        }
    }

    /** The shortest interval a pipeline may run at. */
    public static final int MIN_INTERVAL_MINUTES = 5;
    /** The longest: a pipeline that runs less often than monthly is a cron pipeline. */
    public static final int MAX_INTERVAL_MINUTES = 31 * 24 * 60;

    private static final CronParser UNIX = new CronParser(CronDefinitionBuilder.instanceDefinitionFor(CronType.UNIX));

    private final Type type;
    private final String cron;
    private final Integer intervalMinutes;
    private final ZoneId zone;
    private final ExecutionTime ticks;

    private Schedule(Type type, String cron, Integer intervalMinutes, ZoneId zone, ExecutionTime ticks) {
        this.type = type;
        this.cron = cron;
        this.intervalMinutes = intervalMinutes;
        this.zone = zone;
        this.ticks = ticks;
    }

    /** A schedule a user asked for, or {@link InvalidSchedule} naming the field that is wrong and why. */
    public static Schedule of(String type, String cron, Integer intervalMinutes, String timezone) {
        Type t = Type.fromLabel(type == null ? "manual" : type)
                .orElseThrow(() -> new InvalidSchedule("scheduleType", "must be one of cron, interval, manual"));
        ZoneId zone;
        try {
            zone = ZoneId.of(timezone == null || timezone.isBlank() ? "UTC" : timezone);
        } catch (DateTimeException e) {
            throw new InvalidSchedule("scheduleTimezone", "is not a time zone id (such as Europe/Paris or UTC)");
        }
        return switch (t) {
            case CRON -> {
                if (intervalMinutes != null) {
                    throw new InvalidSchedule("scheduleIntervalMinutes", "is for interval schedules only");
                }
                if (cron == null || cron.isBlank()) {
                    throw new InvalidSchedule("scheduleCron", "is required for a cron schedule");
                }
                Cron parsed;
                try {
                    parsed = UNIX.parse(cron.trim());
                    parsed.validate();
                } catch (IllegalArgumentException e) {
                    throw new InvalidSchedule("scheduleCron", "is not a five-field cron expression (minute hour day month weekday)");
                }
                ExecutionTime ticks = ExecutionTime.forCron(parsed);
                if (ticks.nextExecution(ZonedDateTime.now(zone)).isEmpty()) {
                    throw new InvalidSchedule("scheduleCron", "never fires");
                }
                notTooFrequent(ticks, zone);
                yield new Schedule(t, cron.trim(), null, zone, ticks);
            }
            case INTERVAL -> {
                if (cron != null) {
                    throw new InvalidSchedule("scheduleCron", "is for cron schedules only");
                }
                if (intervalMinutes == null || intervalMinutes < MIN_INTERVAL_MINUTES || intervalMinutes > MAX_INTERVAL_MINUTES) {
                    throw new InvalidSchedule("scheduleIntervalMinutes",
                            "must be between " + MIN_INTERVAL_MINUTES + " and " + MAX_INTERVAL_MINUTES);
                }
                yield new Schedule(t, null, intervalMinutes, zone, null);
            }
            case MANUAL -> {
                if (cron != null || intervalMinutes != null) {
                    throw new InvalidSchedule(cron != null ? "scheduleCron" : "scheduleIntervalMinutes",
                            "is not used by a manual schedule");
                }
                yield new Schedule(t, null, null, zone, null);
            }
        };
    }

    /** How many consecutive cron ticks, from now, must each be {@link #MIN_INTERVAL_MINUTES} apart. */
    private static final int TICKS_CHECKED = 6;

    /**
     * A cron schedule may not tick more often than an interval schedule may: consecutive ticks from now less than
     * {@link #MIN_INTERVAL_MINUTES} apart (such as {@code * * * * *} or {@code 0,1 6 * * *}) are refused.
     */
    private static void notTooFrequent(ExecutionTime ticks, ZoneId zone) {
        Duration least = Duration.ofMinutes(MIN_INTERVAL_MINUTES);
        ZonedDateTime previous = ticks.nextExecution(ZonedDateTime.now(zone).truncatedTo(ChronoUnit.MINUTES)).orElse(null);
        for (int i = 1; i < TICKS_CHECKED && previous != null; i++) {
            ZonedDateTime next = ticks.nextExecution(previous).orElse(null);
            if (next != null && Duration.between(previous.toInstant(), next.toInstant()).compareTo(least) < 0) {
                throw new InvalidSchedule("scheduleCron", "runs more often than every " + MIN_INTERVAL_MINUTES
                        + " minutes (ticks at " + previous.toInstant() + " and " + next.toInstant() + ")");
            }
            previous = next;
        }
    }

    /**
     * The first tick strictly after {@code after}; empty for a manual schedule. An interval schedule keeps its cadence
     * from {@code previous} (the tick that was due last, or null for a new pipeline, which first runs one interval from
     * {@code after}): the next tick is the first of previous + k x interval that lies after {@code after}.
     */
    public Optional<Instant> nextAfter(Instant after, Instant previous) {
        return switch (type) {
            case MANUAL -> Optional.empty();
            case CRON -> ticks.nextExecution(after.atZone(zone)).map(ZonedDateTime::toInstant)
                    .map(next -> inSkippedHour(after, next).orElse(next));
            case INTERVAL -> {
                Duration every = Duration.ofMinutes(intervalMinutes);
                if (previous == null || previous.isAfter(after)) {
                    yield Optional.of(previous == null ? after.plus(every) : previous);
                }
                long behind = Duration.between(previous, after).toMillis() / every.toMillis() + 1;
                yield Optional.of(previous.plus(every.multipliedBy(behind)));
            }
        };
    }

    /** How far back {@link #latestAtOrBefore} looks for a start close to now before it steps from the due tick. */
    private static final Duration[] LOOK_BACK = {Duration.ofHours(1), Duration.ofDays(1), Duration.ofDays(32), Duration.ofDays(400)};
    /** A bound on the ticks {@link #latestAtOrBefore} steps through. */
    private static final int MAX_STEPS = 200_000;

    /**
     * The latest tick at or before {@code now}, counting from {@code due} (a tick, at or before now): {@code due} itself
     * when no later tick has passed. A scheduler that was down runs once for the ticks it missed, at the latest of them.
     * Ticks are stepped with {@link #nextAfter}, from a start close to now when there is one, so the answer is always a
     * tick of this schedule and the number of steps stays bounded.
     */
    public Instant latestAtOrBefore(Instant due, Instant now) {
        if (type == Type.MANUAL || due.isAfter(now)) {
            return due;
        }
        if (type == Type.INTERVAL) {
            Duration every = Duration.ofMinutes(intervalMinutes);
            return due.plus(every.multipliedBy(Duration.between(due, now).toMillis() / every.toMillis()));
        }
        for (Duration back : LOOK_BACK) {
            Instant start = now.minus(back);
            if (!start.isAfter(due)) {
                break;
            }
            Optional<Instant> first = nextAfter(start, start);
            if (first.isPresent() && !first.get().isAfter(now)) {
                return stepTo(first.get(), now);
            }
        }
        return stepTo(due, now);
    }

    private Instant stepTo(Instant from, Instant now) {
        Instant latest = from;
        for (int i = 0; i < MAX_STEPS; i++) {
            Optional<Instant> next = nextAfter(latest, latest);
            if (next.isEmpty() || next.get().isAfter(now) || !next.get().isAfter(latest)) {
                return latest;
            }
            latest = next.get();
        }
        return latest;
    }

    /**
     * A tick whose local time a spring-forward change skips (02:30 on the day New York moves from 02:00 to 03:00) runs
     * when the clocks jump, as cron daemons do, rather than not at all that day: the first such tick between
     * {@code after} and {@code next} gives the instant of its change.
     */
    private Optional<Instant> inSkippedHour(Instant after, Instant next) {
        ZoneOffsetTransition change = zone.getRules().nextTransition(after);
        while (change != null && change.getInstant().isBefore(next)) {
            if (change.isGap()) {
                for (LocalDateTime t = change.getDateTimeBefore(); t.isBefore(change.getDateTimeAfter()); t = t.plusMinutes(1)) {
                    if (ticks.isMatch(t.atZone(change.getOffsetBefore()))) {
                        return Optional.of(change.getInstant());
                    }
                }
            }
            change = zone.getRules().nextTransition(change.getInstant());
        }
        return Optional.empty();
    }

    public Type type() {
        return type;
    }

    /** The cron expression, or null. */
    public String cron() {
        return cron;
    }

    /** The interval in minutes, or null. */
    public Integer intervalMinutes() {
        return intervalMinutes;
    }

    public ZoneId zone() {
        return zone;
    }

    /** A schedule field that is wrong: its API name and what is wrong with it. */
    public static final class InvalidSchedule extends IllegalArgumentException {
        private final String field;

        public InvalidSchedule(String field, String problem) {
            super(field + " " + problem);
            this.field = field;
        }

        public String field() {
            return field;
        }
    }
}
