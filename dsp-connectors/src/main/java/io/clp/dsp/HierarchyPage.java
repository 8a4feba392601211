package io.clp.dsp;

import java.util.List;

/**
 * One page of one level. {@code nextPageToken} is opaque (a Google page token, a TTD offset, a Meta cursor, an Amazon
 * nextToken) and null on the last page; a sync stores it as its checkpoint and resumes with it.
 */
public record HierarchyPage(List<DspEntity> entities, String nextPageToken) {

    public HierarchyPage {
        entities = List.copyOf(entities);
    }

    public boolean last() {
        return nextPageToken == null;
    }
}
