package io.clp.pipeline.source;

import io.clp.platform.messaging.Failures;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.function.Predicate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** File name globs as pipelines give them, matched in linear time. */
class GlobsTest {

    @ParameterizedTest
    @CsvSource({
            "*.csv, media_2026-03-01.csv, true",
            "*.csv, media_2026-03-01.csv.gz, false",
            "media_????-??-??.csv, media_2026-03-01.csv, true",
            "media_????-??-??.csv, media_2026-3-01.csv, false",
            "[mn]edia_*.csv, nedia_x.csv, true",
            "[!m]edia_*.csv, media_x.csv, false",
            "'*.{csv,txt}', a.txt, true",
            "'*.{csv,txt}', a.tsv, false",
            "a+b(c).csv, a+b(c).csv, true",
            "a+b(c).csv, aab(c).csv, false"})
    void globsMatchWholeFileNames(String glob, String name, boolean matches) {
        assertThat(Globs.fileNames(glob).test(name)).isEqualTo(matches);
    }

    @Test
    void aPathologicalGlobAnswersAtOnceOnALongName() {
        Predicate<String> glob = Globs.fileNames("*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*b");
        // a backtracking matcher takes practically forever here; RE2J answers in time linear in the name
        assertThat(glob.test("a".repeat(250))).isFalse();
    }

    @ParameterizedTest
    @CsvSource({"dir/*.csv", "[abc", "'{a,b'", "b}", "'a\\b'"})
    void whatIsNoFileNameGlobIsRefused(String glob) {
        assertThatThrownBy(() -> Globs.fileNames(glob)).isInstanceOf(Failures.Permanent.class).hasMessageContaining("filenamePattern");
    }

    @Test
    void aGlobLongerThanTheLimitIsRefused() {
        assertThatThrownBy(() -> Globs.fileNames("*".repeat(Globs.MAX_LENGTH + 1))).isInstanceOf(Failures.Permanent.class);
    }
}
