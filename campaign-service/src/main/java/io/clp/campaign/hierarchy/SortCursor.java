package io.clp.campaign.hierarchy;

import io.clp.platform.problem.Problems;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.UUID;

/**
 * An opaque keyset cursor for a sorted list: the sort and direction it was issued for, and the sort key
 * and id of the last item of the page. It names its sort so that a cursor is never read under another
 * one, which would skip or repeat items silently.
 */
record SortCursor(CampaignSort sort, boolean descending, String value, UUID id) {

    String encode() {
        String raw = sort.id + "|" + (descending ? "desc" : "asc") + "|" + id + "|" + (value == null ? "n" : "v" + value);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(raw.getBytes(StandardCharsets.UTF_8));
    }

    /** Reads a cursor issued for {@code sort} in the given direction; 400 naming {@code cursor} otherwise. */
    static SortCursor decode(String token, CampaignSort sort, boolean descending) {
        SortCursor cursor;
        try {
            String[] parts = new String(Base64.getUrlDecoder().decode(token), StandardCharsets.UTF_8).split("\\|", 4);
            CampaignSort issuedFor = CampaignSort.parse(parts[0]);
            String value = parts[3].startsWith("v") ? parts[3].substring(1) : null;
            if (value == null && !parts[3].equals("n")) {
                throw new IllegalArgumentException("no value marker");
            }
            cursor = new SortCursor(issuedFor, parts[1].equals("desc"), value, UUID.fromString(parts[2]));
            if (value != null) {
                issuedFor.read(value);
            }
        } catch (RuntimeException e) {
            throw Problems.validation("cursor", "is not a cursor this API returned");
        }
        if (cursor.sort != sort || cursor.descending != descending) {
            throw Problems.validation("cursor", "was issued for sort=" + cursor.sort.id + "&order="
                    + (cursor.descending ? "desc" : "asc") + "; send the same sort and order, or start without a cursor");
        }
        return cursor;
    }
}
