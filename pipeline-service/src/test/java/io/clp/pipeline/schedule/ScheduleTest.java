package io.clp.pipeline.schedule;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.time.Instant;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ScheduleTest {

    private static Instant local(String zone, String dateTime) {
        return java.time.LocalDateTime.parse(dateTime).atZone(ZoneId.of(zone)).toInstant();
    }

    @ParameterizedTest(name = "{0} in {1} after {2} local is {3} local ({4})")
    @CsvSource({
            // a daily 06:00 stays at 06:00 local on both sides of each change (23 h and 25 h apart in UTC)
            "0 6 * * *,   America/New_York, 2026-03-08T05:00, 2026-03-08T06:00, -04:00",
            "0 6 * * *,   America/New_York, 2026-03-07T07:00, 2026-03-08T06:00, -04:00",
            "0 6 * * *,   America/New_York, 2026-10-31T07:00, 2026-11-01T06:00, -05:00",
            "0 6 * * *,   Europe/Paris,     2026-03-28T06:30, 2026-03-29T06:00, +02:00",
            // 02:30 does not exist on the spring-forward day in New York: that day's run happens when the clocks jump (03:00)
            "30 2 * * *,  America/New_York, 2026-03-08T01:00, 2026-03-08T03:00, -04:00",
            "30 2 * * *,  America/New_York, 2026-03-08T04:00, 2026-03-09T02:30, -04:00",
            // hourly in a zone with a 30-minute offset
            "0 * * * *,   Asia/Kolkata,     2026-06-01T10:15, 2026-06-01T11:00, +05:30",
            // Mondays only
            "0 9 * * 1,   UTC,              2026-12-02T12:00, 2026-12-07T09:00, Z",
    })
    void cronTicksFollowTheWallClockOfTheZone(String cron, String zone, String after, String expected, String offset) {
        Schedule schedule = Schedule.of("cron", cron, null, zone);
        Instant next = schedule.nextAfter(local(zone, after), null).orElseThrow();
        ZonedDateTime at = next.atZone(ZoneId.of(zone));
        assertThat(at.toLocalDateTime()).hasToString(expected);
        assertThat(at.getOffset().getId()).isEqualTo(offset);
    }

    @Test
    void aFallBackOverlapRunsTheTickOnce() {
        // 01:30 happens twice in New York on 2026-11-01; the schedule fires once that day
        Schedule schedule = Schedule.of("cron", "30 1 * * *", null, "America/New_York");
        Instant first = schedule.nextAfter(local("America/New_York", "2026-11-01T00:00"), null).orElseThrow();
        Instant second = schedule.nextAfter(first, null).orElseThrow();
        assertThat(second.atZone(ZoneId.of("America/New_York")).toLocalDate()).hasToString("2026-11-02");
    }

    @Test
    void missedTicksCollapseIntoOne() {
        Schedule hourly = Schedule.of("cron", "0 * * * *", null, "UTC");
        // down from 03:00 to 09:20: the next tick is the one after now, not 04:00
        assertThat(hourly.nextAfter(Instant.parse("2026-12-02T09:20:00Z"), Instant.parse("2026-12-02T03:00:00Z")))
                .contains(Instant.parse("2026-12-02T10:00:00Z"));
        Schedule every15 = Schedule.of("interval", null, 15, "UTC");
        // the interval keeps its cadence (:05, :20, :35, :50) and skips what it missed
        assertThat(every15.nextAfter(Instant.parse("2026-12-02T09:21:00Z"), Instant.parse("2026-12-02T03:05:00Z")))
                .contains(Instant.parse("2026-12-02T09:35:00Z"));
        assertThat(every15.nextAfter(Instant.parse("2026-12-02T09:35:00Z"), Instant.parse("2026-12-02T09:35:00Z")))
                .contains(Instant.parse("2026-12-02T09:50:00Z"));
        assertThat(every15.nextAfter(Instant.parse("2026-12-02T09:21:00Z"), null))
                .contains(Instant.parse("2026-12-02T09:36:00Z"));
    }

    @Test
    void manualSchedulesHaveNoTicks() {
        assertThat(Schedule.of("manual", null, null, null).nextAfter(Instant.now(), null)).isEmpty();
        assertThat(Schedule.of(null, null, null, null).type()).isEqualTo(Schedule.Type.MANUAL);
    }

    @ParameterizedTest(name = "{0} {1} {2} {3} -> {4}")
    @CsvSource(nullValues = "null", value = {
            "hourly,   null,         null, UTC,           scheduleType",
            "cron,     null,         null, UTC,           scheduleCron",
            "cron,     '0 6 * *',    null, UTC,           scheduleCron",
            "cron,     '61 6 * * *', null, UTC,           scheduleCron",
            "cron,     '0 6 30 2 *', null, UTC,           scheduleCron",
            "cron,     '0 6 * * *',  60,   UTC,           scheduleIntervalMinutes",
            "cron,     '0 6 * * *',  null, Mars/Olympus,  scheduleTimezone",
            "interval, null,         null, UTC,           scheduleIntervalMinutes",
            "interval, null,         4,    UTC,           scheduleIntervalMinutes",
            "interval, null,         50000, UTC,          scheduleIntervalMinutes",
            "interval, '0 6 * * *',  60,   UTC,           scheduleCron",
            "manual,   null,         60,   UTC,           scheduleIntervalMinutes",
    })
    void aWrongScheduleNamesItsField(String type, String cron, Integer interval, String zone, String field) {
        assertThatThrownBy(() -> Schedule.of(type, cron, interval, zone))
                .isInstanceOfSatisfying(Schedule.InvalidSchedule.class, e -> assertThat(e.field()).isEqualTo(field));
    }

    @Test
    void theLatestTickAtOrBeforeNowIsTheLastMissedOne() {
        Schedule daily = Schedule.of("cron", "0 6 * * *", null, "UTC");
        Instant now = Instant.parse("2026-11-14T12:00:00Z");
        assertThat(daily.latestAtOrBefore(Instant.parse("2026-11-10T06:00:00Z"), now)).isEqualTo(Instant.parse("2026-11-14T06:00:00Z"));
        assertThat(daily.latestAtOrBefore(Instant.parse("2026-11-14T06:00:00Z"), now)).isEqualTo(Instant.parse("2026-11-14T06:00:00Z"));
        assertThat(daily.latestAtOrBefore(Instant.parse("2020-01-01T06:00:00Z"), now)).isEqualTo(Instant.parse("2026-11-14T06:00:00Z"));
        Schedule everyFiveMinutes = Schedule.of("cron", "*/5 * * * *", null, "UTC");
        assertThat(everyFiveMinutes.latestAtOrBefore(Instant.parse("2024-01-01T00:00:00Z"), now)).isEqualTo(now);
        Schedule monthly = Schedule.of("cron", "0 0 1 * *", null, "Europe/Paris");
        assertThat(monthly.latestAtOrBefore(local("Europe/Paris", "2026-01-01T00:00"), now)).isEqualTo(local("Europe/Paris", "2026-11-01T00:00"));
        Schedule hourly = Schedule.of("interval", null, 60, "UTC");
        assertThat(hourly.latestAtOrBefore(Instant.parse("2026-11-14T07:10:00Z"), now)).isEqualTo(Instant.parse("2026-11-14T11:10:00Z"));
    }

    @Test
    void aCronScheduleMayNotTickMoreOftenThanEveryFiveMinutes() {
        for (String cron : List.of("* * * * *", "*/2 * * * *", "0,1 6 * * *", "0-4 * * * *")) {
            assertThatThrownBy(() -> Schedule.of("cron", cron, null, "Europe/Paris"))
                    .as(cron)
                    .isInstanceOfSatisfying(Schedule.InvalidSchedule.class, e -> assertThat(e.field()).isEqualTo("scheduleCron"))
                    .hasMessageContaining("more often than every 5 minutes");
        }
        assertThat(Schedule.of("cron", "*/5 * * * *", null, "UTC").cron()).isEqualTo("*/5 * * * *");
        assertThat(Schedule.of("cron", "0,5 6 * * *", null, "UTC").cron()).isEqualTo("0,5 6 * * *");
    }
}
