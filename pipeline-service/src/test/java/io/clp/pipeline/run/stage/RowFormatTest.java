package io.clp.pipeline.run.stage;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static org.assertj.core.api.Assertions.assertThat;

/** Fields as silver types them: a DSP's fractional conversions are whole conversions, rounded half-up. */
class RowFormatTest {

    @ParameterizedTest
    @CsvSource({"3, 3", "3.0, 3", "2.5, 3", "2.4999, 2", "0.4, 0", "0.5, 1", "12.000001, 12", "1234567.75, 1234568"})
    void fractionalConversionsAreRoundedHalfUpToWholeOnes(String reported, long whole) {
        StringBuilder reasons = new StringBuilder();
        assertThat(RowFormat.wholeConversions(reported, reasons)).isEqualTo(whole);
        assertThat(reasons).isEmpty();
    }

    @ParameterizedTest
    @CsvSource({"-1", "abc", "1.1234567", "1e3"})
    void conversionsThatAreNoAmountAreRefusedWithAReason(String reported) {
        StringBuilder reasons = new StringBuilder();
        assertThat(RowFormat.wholeConversions(reported, reasons)).isEqualTo(RowFormat.NULL);
        assertThat(reasons.toString()).contains("conversions");
    }
}
