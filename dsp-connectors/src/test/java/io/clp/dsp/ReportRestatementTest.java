package io.clp.dsp;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.HashMap;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import static io.clp.dsp.DelegatedAccessTest.FROM;
import static io.clp.dsp.DelegatedAccessTest.TO;
import static io.clp.dsp.DelegatedAccessTest.account;
import static io.clp.dsp.DelegatedAccessTest.longLived;
import static io.clp.dsp.DelegatedAccessTest.small;
import static org.assertj.core.api.Assertions.assertThat;

/** The simulator's delivery is the same on every run until a day is restated through its admin API. */
class ReportRestatementTest {

    @RegisterExtension
    final SimulatorFixture simulator = new SimulatorFixture();

    DspConnector connector(Dsp dsp) {
        return new DspConnectors(io.clp.dsp.http.DspHttp.create(SimulatorFixture.CONNECT_TIMEOUT, java.time.Duration.ofSeconds(5)),
                simulator.endpoints()).get(dsp);
    }

    @Test
    void aRestatedDayReportsNewNumbersOnTheNextRunAndOtherDaysKeepTheirs() throws Exception {
        AccountRef account = account(Dsp.TTD, new DspCredentials(longLived(Dsp.TTD)));
        DspConnector ttd = connector(Dsp.TTD);
        Map<String, ReportRow> before = new HashMap<>();
        ttd.dailyReport(account, FROM, TO, r -> before.put(r.externalId() + "/" + r.date(), r));
        Map<String, ReportRow> again = new HashMap<>();
        ttd.dailyReport(account, FROM, TO, r -> again.put(r.externalId() + "/" + r.date(), r));
        assertThat(again).isEqualTo(before);

        HttpResponse<String> restated = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                        URI.create(simulator.baseUrl("/admin/accounts/ttd/" + small(Dsp.TTD) + "/restatements")))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString("{\"date\":\"" + TO + "\"}"))
                .build(), HttpResponse.BodyHandlers.ofString());
        assertThat(restated.statusCode()).isEqualTo(200);
        assertThat(restated.body()).contains("\"revision\":1");

        Map<String, ReportRow> after = new HashMap<>();
        ttd.dailyReport(account, FROM, TO, r -> after.put(r.externalId() + "/" + r.date(), r));
        assertThat(after.keySet()).isEqualTo(before.keySet());
        after.forEach((key, row) -> {
            if (row.date().equals(FROM)) {
                assertThat(row).isEqualTo(before.get(key));
            }
        });
        assertThat(after.values().stream().filter(r -> r.date().equals(TO)).filter(r -> !r.equals(before.get(r.externalId() + "/" + TO))))
                .isNotEmpty();
    }
}
