package io.clp.launcher;

import org.junit.jupiter.api.Test;

import java.util.Base64;

import static org.assertj.core.api.Assertions.assertThat;

class KafkaComponentTest {

    /** One random id in 64 began with '-', and the storage tool then refused to format: ./clp up failed. */
    @Test
    void clusterIdsNeverBeginWithADashAndAreSixteenBytesOfBase64Url() {
        for (int i = 0; i < 20_000; i++) {
            String id = KafkaComponent.clusterId();
            assertThat(id).doesNotStartWith("-").hasSize(22);
            assertThat(Base64.getUrlDecoder().decode(id)).hasSize(16);
        }
    }
}
