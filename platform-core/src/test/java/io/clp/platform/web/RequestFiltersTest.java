package io.clp.platform.web;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** Which raw request targets the NUL check decodes and looks through; every other target passes untouched. */
class RequestFiltersTest {

    @Test
    void aTargetWithoutAnEscapedOrRawNulIsNotDecodedAgain() {
        assertThat(RequestFilters.mayHoldNul("/api/v1/organizations/7a1e/campaigns?sort=-spend&from=2026-01-01")).isFalse();
        // an escaped percent sign followed by 00 decodes to the text "%00", not to a NUL
        assertThat(RequestFilters.mayHoldNul("/api/v1/things?name=a%2500b")).isFalse();
        assertThat(RequestFilters.mayHoldNul("/api/v1/things?name=%C3%A9t%C3%A9")).isFalse();
    }

    @Test
    void anEscapedOrRawNulAnywhereInTheTargetIsLookedFor() {
        assertThat(RequestFilters.mayHoldNul("/api/v1/organizations/ab%00cd")).isTrue();
        assertThat(RequestFilters.mayHoldNul("/api/v1/things?entityType=camp%00aign")).isTrue();
        assertThat(RequestFilters.mayHoldNul("/api/v1/things?na%00me=x")).isTrue();
        assertThat(RequestFilters.mayHoldNul("/api/v1/things?name=a\0b")).isTrue();
        assertThat(RequestFilters.mayHoldNul(null)).isTrue();
    }
}
