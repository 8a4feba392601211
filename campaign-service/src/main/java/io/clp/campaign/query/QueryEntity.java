package io.clp.campaign.query;

import io.clp.platform.problem.Problems;

import java.util.List;
import java.util.UUID;

/**
 * An entity of a campaign named by the query parameters {@code level} (default {@code campaign}) and {@code entityId}
 * (default the campaign itself), else a 400 naming the parameter.
 */
public record QueryEntity(String level, UUID id) {

    /**
     * @param levels       the levels the caller answers for
     * @param levelMessage what a 400 for another level says
     */
    public static QueryEntity parse(String level, String entityId, UUID campaignId, List<String> levels, String levelMessage) {
        String lvl = level == null || level.isBlank() ? "campaign" : level.strip();
        if (!levels.contains(lvl)) {
            throw Problems.validation("level", levelMessage);
        }
        UUID entity;
        try {
            entity = entityId == null || entityId.isBlank() ? campaignId : UUID.fromString(entityId.strip());
        } catch (IllegalArgumentException e) {
            throw Problems.validation("entityId", "must be a UUID");
        }
        return new QueryEntity(lvl, entity);
    }
}
