package io.clp.events;

/** Aggregate types: the last part of an event topic's name and the first part of each event type. */
public final class AggregateTypes {

    public static final String ORGANIZATION = "organization";
    public static final String MEMBERSHIP = "membership";

    private AggregateTypes() {
    }
}
