package io.clp.pipeline.quality;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.clp.pipeline.quality.QualityConfig.Severity;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The outcome's score and verdict from the checks' counts (docs/pipelines.md, "Score"). */
class QualityScoreTest {

    private static CheckResult result(String name, long checked, long failed, Severity severity, boolean fails) {
        return new CheckResult("validity", name, checked, failed, severity, fails, new ObjectMapper().createObjectNode(), "[]");
    }

    @Test
    void theScoreIsTheMeanPassShareWithBlockChecksWeighingTwice() {
        // block: 90/100 passed (weight 2); warn: 1/4 passed (weight 1); a check of nothing is left out
        QualityOutcome outcome = SqlQualityChecks.outcome(List.of(
                result("ranges", 100, 10, Severity.BLOCK, true),
                result("ratios", 4, 3, Severity.WARN, true),
                result("spendAnomaly", 0, 0, Severity.WARN, false)));

        // (2 × 0.9 + 1 × 0.25) / 3 = 0.68333…
        assertThat(outcome.score()).isEqualByComparingTo("68.33");
        assertThat(outcome.blocked()).isTrue();
        assertThat(outcome.blockingCheck()).isEqualTo("ranges");
        assertThat(outcome.hasIssues()).isTrue();
    }

    @Test
    void theFirstFailedBlockCheckBlocksAndWarnFailuresOnlyMarkIssues() {
        QualityOutcome warned = SqlQualityChecks.outcome(List.of(
                result("ratios", 10, 1, Severity.WARN, true),
                result("unknownEntities", 10, 1, Severity.BLOCK, false))); // within its tolerance
        assertThat(warned.blocked()).isFalse();
        assertThat(warned.blockingCheck()).isNull();
        assertThat(warned.hasIssues()).isTrue();

        QualityOutcome blocked = SqlQualityChecks.outcome(List.of(
                result("missingColumns", 5, 1, Severity.BLOCK, true),
                result("duplicates", 10, 2, Severity.BLOCK, true)));
        assertThat(blocked.blockingCheck()).isEqualTo("missingColumns");
    }

    @Test
    void nothingCheckedScoresHundredWithoutIssues() {
        QualityOutcome outcome = SqlQualityChecks.outcome(List.of());
        assertThat(outcome.score()).isEqualByComparingTo("100");
        assertThat(outcome.blocked()).isFalse();
        assertThat(outcome.hasIssues()).isFalse();
    }
}
