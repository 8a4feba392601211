package io.clp.dspsim;

import java.math.BigDecimal;
import java.time.Instant;
import java.time.LocalDate;
import java.util.List;

/**
 * One simulated object, DSP-neutral; each DSP's API renders it in its own shape and units.
 *
 * @param level    0 campaign, 1 insertion order, 2 line item, 3 creative
 * @param id       the DSP's id (digits; unique per account and level)
 * @param parentId the parent's id, null for a campaign
 * @param budget   in major units of the account currency; null at levels without one
 * @param removed  deleted at the DSP (listings that hide deleted objects leave it out)
 */
public record SimEntity(
        int level,
        long index,
        String id,
        String parentId,
        String campaignId,
        String name,
        String status,
        BigDecimal budget,
        String budgetType,
        LocalDate startDate,
        LocalDate endDate,
        String pacingPeriod,
        String pacingType,
        List<String> labels,
        Instant updatedAt,
        boolean removed) {

    public static final int CAMPAIGN = 0;
    public static final int INSERTION_ORDER = 1;
    public static final int LINE_ITEM = 2;
    public static final int CREATIVE = 3;
}
