package io.clp.campaign.hierarchy;

import com.fasterxml.jackson.annotation.JsonInclude;

/** How many entities (not removed) lie below one: the levels that exist below it, the others left out. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Counts(Long insertionOrders, Long lineItems, Long creatives) {
}
