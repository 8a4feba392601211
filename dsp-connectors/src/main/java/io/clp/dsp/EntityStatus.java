package io.clp.dsp;

/**
 * One status vocabulary over the five DSPs' own ones. {@link #REMOVED} is what the DSP reports as deleted or
 * removed (or what a full sync no longer finds); CLP marks such entities, it never deletes them.
 */
public enum EntityStatus {
    ACTIVE, PAUSED, DRAFT, ARCHIVED, REMOVED
}
