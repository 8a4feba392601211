package io.clp.campaign.hierarchy;

import io.clp.platform.pagination.PageRequest;
import io.clp.platform.problem.Problems;
import jakarta.ws.rs.QueryParam;
import org.eclipse.microprofile.openapi.annotations.enums.SchemaType;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.parameters.Parameter;

/**
 * The query of every list of one entity's children (a campaign's insertion orders, an insertion order's line items,
 * a line item's creatives): a page and whether entities removed at the DSP count. Read as text so that a bad value is
 * a 400 problem naming the parameter rather than the framework's bare 404.
 */
public class ChildListQuery {

    @Parameter(schema = @Schema(type = SchemaType.INTEGER))
    @QueryParam("limit")
    String limit;

    @QueryParam("cursor")
    String cursor;

    @Parameter(description = CampaignHierarchyResource.INCLUDE_REMOVED, schema = @Schema(type = SchemaType.BOOLEAN))
    @QueryParam("includeRemoved")
    String includeRemoved;

    PageRequest page() {
        Integer size = null;
        if (limit != null && !limit.isBlank()) {
            try {
                size = Integer.parseInt(limit.strip());
            } catch (NumberFormatException e) {
                throw Problems.validation("limit", "must be between 1 and " + PageRequest.MAX_LIMIT);
            }
        }
        return PageRequest.of(size, cursor);
    }

    boolean includeRemoved() {
        if (includeRemoved == null || includeRemoved.isBlank() || includeRemoved.strip().equals("false")) {
            return false;
        }
        if (includeRemoved.strip().equals("true")) {
            return true;
        }
        throw Problems.validation("includeRemoved", "must be true or false");
    }
}
