package io.clp.pipeline.pipeline;

import jakarta.validation.Valid;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;

import java.util.Map;

/**
 * The body of {@code PATCH .../pipelines/{id}}: the fields to change; absent fields stay. A schedule change that names
 * {@code scheduleType} replaces the schedule whole (the cron or interval it does not send is cleared; the time zone, when
 * not sent, stays). {@code status} pauses (active to paused) or resumes (to active) the pipeline. New {@code params} are
 * validated against the template version the pipeline was made from, and replace the old ones whole.
 */
public record UpdatePipeline(
        @Size(min = 1, max = 255) @Pattern(regexp = ".*\\S.*", message = "must not be blank") String name,
        @Size(max = 10_000) String description,
        String scheduleType,
        @Size(max = 100) String scheduleCron,
        Integer scheduleIntervalMinutes,
        String scheduleTimezone,
        @Min(0) @Max(90) Integer lookbackDays,
        @Valid Retry retry,
        @Pattern(regexp = "active|paused", message = "must be active or paused") String status,
        Map<String, Object> params) {

    boolean empty() {
        return name == null && description == null && !changesSchedule() && lookbackDays == null && retry == null
                && status == null && params == null;
    }

    boolean changesSchedule() {
        return scheduleType != null || scheduleCron != null || scheduleIntervalMinutes != null || scheduleTimezone != null;
    }
}
