package io.clp.dsp;

import org.junit.jupiter.api.Test;

import java.net.URI;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class DspEndpointsTest {

    static final URI TTD = URI.create("https://api.thetradedesk.com");

    @Test
    void anIdWithPathOrQueryCharactersStaysOneSegment() {
        URI uri = DspEndpoints.resolve(TTD, "/v3/advertiser/" + DspEndpoints.segment("a/../b?x=1#frag c%"));
        assertThat(uri.getRawPath()).isEqualTo("/v3/advertiser/a%2F..%2Fb%3Fx%3D1%23frag%20c%25");
        assertThat(uri.getRawQuery()).isNull();
        assertThat(uri.getRawFragment()).isNull();
    }

    @Test
    void dotSegmentsAndEmptyIdsAreRejectedNotIllegalArguments() {
        for (String id : new String[] {"", ".", ".."}) {
            assertThatThrownBy(() -> DspEndpoints.segment(id)).isInstanceOf(DspException.Rejected.class);
        }
        assertThatThrownBy(() -> DspEndpoints.resolve(TTD, "/v3/advertiser/a b"))
                .isInstanceOf(DspException.Rejected.class);
    }
}
