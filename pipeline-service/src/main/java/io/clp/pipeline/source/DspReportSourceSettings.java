package io.clp.pipeline.source;

import io.clp.dsp.DspEndpoints;
import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

import java.net.URI;
import java.time.Duration;
import java.util.Optional;

/**
 * Where the DSPs are and how long to wait for them ({@code clp.dsp.*}, the same keys as campaign-service's). Each
 * endpoint defaults to the DSP's production host ({@link DspEndpoints#production()}); a development stack points them
 * at the DSP simulator.
 */
@ConfigMapping(prefix = "clp.dsp")
public interface DspReportSourceSettings {

    Endpoints endpoints();

    @WithDefault("PT10S")
    Duration connectTimeout();

    @WithDefault("PT60S")
    Duration requestTimeout();

    interface Endpoints {
        Optional<URI> googleOauth();

        Optional<URI> dv360();

        Optional<URI> bidManager();

        Optional<URI> googleAds();

        Optional<URI> ttd();

        Optional<URI> meta();

        Optional<URI> amazonAuth();

        Optional<URI> amazon();
    }

    default DspEndpoints dspEndpoints() {
        DspEndpoints p = DspEndpoints.production();
        Endpoints e = endpoints();
        return new DspEndpoints(e.googleOauth().orElse(p.googleOAuth()), e.dv360().orElse(p.dv360()),
                e.bidManager().orElse(p.bidManager()), e.googleAds().orElse(p.googleAds()), e.ttd().orElse(p.ttd()),
                e.meta().orElse(p.meta()), e.amazonAuth().orElse(p.amazonAuth()), e.amazon().orElse(p.amazon()));
    }
}
