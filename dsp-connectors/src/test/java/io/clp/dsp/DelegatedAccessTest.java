package io.clp.dsp;

import io.clp.dsp.amazon.AmazonDspConnector;
import io.clp.dsp.dv360.Dv360Connector;
import io.clp.dsp.googleads.GoogleAdsConnector;
import io.clp.dsp.http.DspHttp;
import io.clp.dsp.meta.MetaConnector;
import io.clp.dsp.ttd.TtdConnector;
import io.clp.dspsim.Catalog;
import io.clp.dspsim.Fault;
import io.clp.dspsim.RequestLog;
import io.clp.dspsim.SimAccount;
import io.clp.dspsim.SimEntity;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Every connector mints delegated access from an account's long-lived credentials, and every connector runs the daily
 * report with nothing but that delegated access, never renewing it.
 */
class DelegatedAccessTest {

    static final RateLimit FAST = new RateLimit(1_000, Duration.ofSeconds(5), 3, Duration.ofMillis(20), Duration.ofMillis(200));
    static final LocalDate FROM = LocalDate.of(2026, 3, 1);
    static final LocalDate TO = LocalDate.of(2026, 3, 2);

    @RegisterExtension
    static final SimulatorFixture simulator = new SimulatorFixture();

    /** The token endpoints: a delegated account must never reach one. */
    static boolean isLogin(RequestLog.Entry e) {
        return e.path().endsWith("/token") || e.path().contains("/authentication");
    }

    /** A fresh connector set over its own DspHttp (so no token cache is shared with the delegating side). */
    static DspConnector connector(Dsp dsp) {
        DspHttp http = DspHttp.create(SimulatorFixture.CONNECT_TIMEOUT, Duration.ofSeconds(5));
        DspEndpoints endpoints = simulator.endpoints();
        return switch (dsp) {
            case DV360 -> new Dv360Connector(http, endpoints, Duration.ofMillis(20), Duration.ofSeconds(5));
            case TTD -> new TtdConnector(http, endpoints);
            case META -> new MetaConnector(http, endpoints);
            case AMAZON -> new AmazonDspConnector(http, endpoints);
            case GOOGLE_ADS -> new GoogleAdsConnector(http, endpoints);
        };
    }

    static String small(Dsp dsp) {
        return switch (dsp) {
            case DV360 -> "1000001";
            case TTD -> "ttdadv01";
            case META -> "act_2000001";
            case AMAZON -> "3000001";
            case GOOGLE_ADS -> "4000000001";
        };
    }

    static Map<String, String> longLived(Dsp dsp) {
        Map<String, String> oauth = Map.of("client_id", Catalog.CLIENT_ID, "client_secret", Catalog.CLIENT_SECRET,
                "refresh_token", Catalog.REFRESH_TOKEN);
        Map<String, String> values = new HashMap<>();
        switch (dsp) {
            case DV360 -> values.putAll(oauth);
            case TTD -> values.putAll(Map.of("login", Catalog.TTD_LOGIN, "password", Catalog.TTD_PASSWORD));
            case META -> values.put("access_token", Catalog.META_TOKEN);
            case AMAZON -> {
                values.putAll(oauth);
                values.put("profile_id", "4400003000001");
            }
            case GOOGLE_ADS -> {
                values.putAll(oauth);
                values.put("developer_token", Catalog.DEVELOPER_TOKEN);
            }
        }
        return values;
    }

    static AccountRef account(Dsp dsp, DspCredentials credentials) {
        return new AccountRef("clp-account-" + dsp.label(), dsp, small(dsp), credentials, FAST);
    }

    /** What may cross per DSP: the access token and the companions the DSP's calls carry. */
    static Set<String> crossing(Dsp dsp) {
        return switch (dsp) {
            case DV360, TTD, META -> Set.of("access_token");
            case AMAZON -> Set.of("access_token", "client_id", "profile_id");
            case GOOGLE_ADS -> Set.of("access_token", "developer_token");
        };
    }

    @ParameterizedTest
    @EnumSource(Dsp.class)
    void theDailyReportRunsOnDelegatedAccessAloneAndEqualsTheSimulatedDelivery(Dsp dsp) {
        DelegatedAccess access = connector(dsp).delegate(account(dsp, new DspCredentials(longLived(dsp))));

        Map<String, String> crossed = access.credentials().asMap();
        assertThat(crossed.keySet()).isEqualTo(crossing(dsp));
        assertThat(crossed).doesNotContainKeys("refresh_token", "client_secret", "password", "login");
        if (dsp != Dsp.META) {
            // Meta's own token is the one thing that crosses as it is (Meta cannot mint a shorter one)
            assertThat(crossed.values()).doesNotContain(Catalog.REFRESH_TOKEN, Catalog.CLIENT_SECRET, Catalog.TTD_PASSWORD,
                    Catalog.META_TOKEN);
        }
        assertThat(access.credentials().delegated()).isTrue();
        assertThat(access.expiresAt()).isAfter(Instant.now().plus(DelegatedAccess.MINIMUM_LIFETIME).minusSeconds(5));
        assertThat(access.credentials().toString()).doesNotContain(crossed.get("access_token"));

        simulator.clearLog();
        AccountRef delegated = account(dsp, DspCredentials.delegated(crossed, access.expiresAt()));
        List<ReportRow> rows = new ArrayList<>();
        connector(dsp).dailyReport(delegated, FROM, TO, rows::add);

        SimAccount sim = simulator.account(dsp.label(), small(dsp));
        assertThat(rows).hasSize((int) sim.count(SimEntity.LINE_ITEM) * 2);
        for (ReportRow row : rows) {
            SimAccount.Delivery d = sim.delivery(SimEntity.LINE_ITEM, sim.byId(SimEntity.LINE_ITEM, row.externalId()).index(), row.date());
            assertThat(row.level()).isEqualTo(EntityLevel.LINE_ITEM);
            assertThat(row.impressions()).isEqualTo(d.impressions());
            assertThat(row.clicks()).isEqualTo(d.clicks());
            assertThat(row.conversions()).isEqualByComparingTo(BigDecimal.valueOf(d.conversions()));
            assertThat(row.spend().amount()).isEqualByComparingTo(d.spend());
            assertThat(row.revenue().amount()).isEqualByComparingTo(d.revenue());
        }
        assertThat(simulator.simulation().log().of(null, null)).isNotEmpty().noneMatch(DelegatedAccessTest::isLogin);
    }

    @ParameterizedTest
    @EnumSource(Dsp.class)
    void aDelegatedTokenTheDspRefusesIsNeverRenewedAndMayWorkAfterANewDelegation(Dsp dsp) {
        DspConnector owner = connector(dsp);
        AccountRef longLived = account(dsp, new DspCredentials(longLived(dsp)));
        DelegatedAccess access = owner.delegate(longLived);
        AccountRef delegated = account(dsp, access.credentials());
        DspConnector reader = connector(dsp);
        simulator.arm(dsp.label(), small(dsp), Fault.Type.EXPIRED_TOKEN, 1, 0);
        simulator.clearLog();

        assertThatThrownBy(() -> reader.connect(delegated))
                .isInstanceOfSatisfying(DspException.InvalidCredentials.class, e -> {
                    assertThat(e.delegationExpired()).isTrue();
                    assertThat(e.isTransient()).isTrue();
                    assertThat(e.getMessage()).contains("newly delegated access").doesNotContain(access.credentials()
                            .asMap().get("access_token"));
                });
        assertThat(simulator.simulation().log().of(null, null)).noneMatch(DelegatedAccessTest::isLogin);

        // the owner of the secrets delegates again and the same call works with the new delegation
        simulator.simulation().faults().clear();
        DelegatedAccess renewed = connector(dsp).delegate(longLived);
        assertThat(reader.connect(account(dsp, renewed.credentials())).externalAccountId()).isNotBlank();
    }

    @Test
    void anExpiredDelegationFailsBeforeAnyCall() {
        simulator.clearLog();
        AccountRef expired = account(Dsp.DV360, DspCredentials.delegated(Map.of("access_token", "whatever"),
                Instant.now().minusSeconds(1)));

        assertThatThrownBy(() -> connector(Dsp.DV360).dailyReport(expired, FROM, TO, r -> { }))
                .isInstanceOfSatisfying(DspException.InvalidCredentials.class, e -> assertThat(e.isTransient()).isTrue());
        assertThat(simulator.simulation().log().of(null, null)).isEmpty();
    }

    @ParameterizedTest
    @EnumSource(Dsp.class)
    void delegatedAccessCannotBeDelegatedAgain(Dsp dsp) {
        DelegatedAccess access = connector(dsp).delegate(account(dsp, new DspCredentials(longLived(dsp))));

        assertThatThrownBy(() -> connector(dsp).delegate(account(dsp, access.credentials())))
                .isInstanceOfSatisfying(DspException.InvalidCredentials.class, e -> assertThat(e.isTransient()).isFalse());
    }

    @Test
    void delegatedCredentialsRefuseLongLivedSecretsAndNeedAToken() {
        Instant later = Instant.now().plusSeconds(600);
        assertThatThrownBy(() -> DspCredentials.delegated(Map.of("access_token", "t", "refresh_token", "r"), later))
                .isInstanceOf(IllegalArgumentException.class).hasMessageNotContaining("r'=");
        assertThatThrownBy(() -> DspCredentials.delegated(Map.of("access_token", "t", "client_secret", "s"), later))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> DspCredentials.delegated(Map.of("developer_token", "d"), later))
                .isInstanceOf(IllegalArgumentException.class);
        DspCredentials ok = DspCredentials.delegated(Map.of("access_token", "t"), later);
        assertThat(ok).isNotEqualTo(new DspCredentials(Map.of("access_token", "t")));
        assertThat(ok.fingerprint()).isNotEqualTo(new DspCredentials(Map.of("access_token", "t")).fingerprint());
    }
}
