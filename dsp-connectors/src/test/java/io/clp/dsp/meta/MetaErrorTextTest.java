package io.clp.dsp.meta;

import io.clp.dsp.http.Outcome;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static io.clp.dsp.dv360.GoogleClassifiersTest.response;
import static org.assertj.core.api.Assertions.assertThat;

class MetaErrorTextTest {

    @Test
    void metasErrorMessageNeverReachesTheFailureReason() {
        String body = """
                {"error":{"message":"Invalid parameter access_token=EAAB1234567890abcdef leaked","type":"OAuthException",
                "code":100,"error_subcode":33}}""";
        Outcome outcome = MetaConnector.classify(response(400, body, Map.of("Content-Type", List.of("application/json"))));
        assertThat(outcome).isInstanceOf(Outcome.Rejected.class);
        String reason = ((Outcome.Rejected) outcome).reason();
        assertThat(reason).doesNotContain("EAAB1234567890abcdef").doesNotContain("access_token").contains("100/33");
    }
}
