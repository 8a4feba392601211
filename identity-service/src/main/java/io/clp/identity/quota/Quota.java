package io.clp.identity.quota;

import io.clp.identity.model.Plan;

import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;

/** The limited resources of an organization, with their defaults per plan (free, team, enterprise). */
public enum Quota {
    MEMBERS("max_members", 5, 25, 500),
    DSP_ACCOUNTS("max_dsp_accounts", 2, 10, 100),
    PIPELINES("max_pipelines", 5, 25, 500),
    RULES("max_rules", 25, 100, 2000),
    API_KEYS("max_api_keys", 2, 10, 100);

    private final String column;
    private final int free;
    private final int team;
    private final int enterprise;

    Quota(String column, int free, int team, int enterprise) {
        this.column = column;
        this.free = free;
        this.team = team;
        this.enterprise = enterprise;
    }

    public String column() {
        return column;
    }

    /** The name clients see, for example {@code dsp_accounts}. */
    public String id() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** The quota of a client-facing id, such as {@code dsp_accounts}. */
    public static Optional<Quota> parse(String id) {
        return Arrays.stream(values()).filter(q -> q.id().equals(id)).findFirst();
    }

    /** The plan's default; no plan gets the free plan's. */
    public int defaultFor(Plan plan) {
        return switch (plan == null ? Plan.free : plan) {
            case team -> team;
            case enterprise -> enterprise;
            case free -> free;
        };
    }
}
