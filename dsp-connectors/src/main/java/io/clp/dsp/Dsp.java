package io.clp.dsp;

import java.util.Arrays;
import java.util.Optional;

/** The five demand-side platforms CLP connects to; {@link #label()} is the name stored and spoken in the API. */
public enum Dsp {
    DV360("dv360"),
    TTD("ttd"),
    META("meta"),
    AMAZON("amazon"),
    GOOGLE_ADS("google_ads");

    private final String label;

    Dsp(String label) {
        this.label = label;
    }

    public String label() {
        return label;
    }

    public static Optional<Dsp> fromLabel(String label) {
        return Arrays.stream(values()).filter(d -> d.label.equals(label)).findFirst();
    }
}
