package io.clp.tenancy.organization;

import io.clp.platform.problem.ProblemException;
import org.junit.jupiter.api.Test;

import java.util.Optional;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class OrganizationStatusTest {

    private static final UUID ORG = UUID.randomUUID();

    @Test
    void aTrialOrganizationCanBeReadAndChangedLikeAnActiveOne() {
        // every new organization starts on trial: its labels must parse, or its data would be 404 everywhere
        assertThat(OrganizationStatus.parse("trial")).contains(OrganizationStatus.TRIAL);
        assertThat(OrganizationState.require(ORG, OrganizationStatus.parse("trial"), true).await().indefinitely()).isNull();
        assertThat(OrganizationState.require(ORG, OrganizationStatus.parse("active"), true).await().indefinitely()).isNull();
    }

    @Test
    void aSuspendedOrganizationIsReadOnlyAndADeletedOrUnknownOneIsGone() {
        assertThat(OrganizationState.require(ORG, OrganizationStatus.parse("suspended"), false).await().indefinitely()).isNull();
        assertThatThrownBy(() -> OrganizationState.require(ORG, OrganizationStatus.parse("suspended"), true).await().indefinitely())
                .isInstanceOfSatisfying(ProblemException.class, p -> assertThat(p.status()).isEqualTo(409));
        assertThatThrownBy(() -> OrganizationState.require(ORG, OrganizationStatus.parse("deleted"), false).await().indefinitely())
                .isInstanceOfSatisfying(ProblemException.class, p -> assertThat(p.status()).isEqualTo(404));
        assertThatThrownBy(() -> OrganizationState.require(ORG, Optional.empty(), false).await().indefinitely())
                .isInstanceOfSatisfying(ProblemException.class, p -> assertThat(p.status()).isEqualTo(404));
    }
}
