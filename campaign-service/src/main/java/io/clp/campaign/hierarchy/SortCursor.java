package io.clp.campaign.hierarchy;

import io.clp.platform.problem.Problems;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.UUID;

/**
 * An opaque keyset cursor for a sorted list: the sort, direction and period (or "-" without one) it was issued for,
 * and the sort key and id of the last item of the page. It names all three so that a cursor is never read under
 * another list, which would skip or repeat items silently.
 */
record SortCursor(CampaignSort sort, boolean descending, String period, String value, UUID id) {

    String encode() {
        String raw = sort.id + "|" + (descending ? "desc" : "asc") + "|" + period + "|" + id + "|" + (value == null ? "n" : "v" + value);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(raw.getBytes(StandardCharsets.UTF_8));
    }

    /** Reads a cursor issued for {@code sort} in the given direction and period; 400 naming {@code cursor} otherwise. */
    static SortCursor decode(String token, CampaignSort sort, boolean descending, String period) {
        SortCursor cursor;
        try {
            String[] parts = new String(Base64.getUrlDecoder().decode(token), StandardCharsets.UTF_8).split("\\|", 5);
            CampaignSort issuedFor = CampaignSort.parse(parts[0]);
            String value = parts[4].startsWith("v") ? parts[4].substring(1) : null;
            if (value == null && !parts[4].equals("n")) {
                throw new IllegalArgumentException("no value marker");
            }
            cursor = new SortCursor(issuedFor, parts[1].equals("desc"), parts[2], value, UUID.fromString(parts[3]));
            if (value != null) {
                issuedFor.read(value);
            }
        } catch (RuntimeException e) {
            throw Problems.validation("cursor", "is not a cursor this API returned");
        }
        if (cursor.sort != sort || cursor.descending != descending || !cursor.period.equals(period)) {
            throw Problems.validation("cursor", "was issued for sort=" + cursor.sort.id + "&order="
                    + (cursor.descending ? "desc" : "asc") + (cursor.period.equals("-") ? " without a period" : " over another period")
                    + "; send the same sort, order and period, or start without a cursor");
        }
        return cursor;
    }
}
