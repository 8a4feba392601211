package io.clp.pipeline.run;

/** The stages of an execution, in the order they run; {@code label} names them in etl_executions' columns and the API. */
public enum Stage {
    BRONZE("bronze"), SILVER("silver"), GOLD("gold");

    public final String label;

    Stage(String label) {
        this.label = label;
    }

    StageResult run(Stages stages, RunContext context) throws Exception {
        return switch (this) {
            case BRONZE -> stages.bronze(context);
            case SILVER -> stages.silver(context);
            case GOLD -> stages.gold(context);
        };
    }

    /** Where a resumed execution starts: the first stage not completed; null when all are. */
    static Stage firstNotCompleted(ExecutionStore.Claim claim) {
        for (Stage stage : values()) {
            if (!claim.completed(stage)) {
                return stage;
            }
        }
        return null;
    }
}
