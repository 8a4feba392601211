package io.clp.events;

/** Aggregate types: the last part of an event topic's name and the first part of each event type. */
public final class AggregateTypes {

    public static final String ORGANIZATION = "organization";
    public static final String MEMBERSHIP = "membership";
    public static final String GRANT = "grant";
    public static final String API_KEY = "api-key";

    private AggregateTypes() {
    }
}
