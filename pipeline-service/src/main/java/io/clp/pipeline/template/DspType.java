package io.clp.pipeline.template;

import java.util.Arrays;
import java.util.Optional;
import java.util.stream.Collectors;

/** The DSPs CLP connects to, as the {@code dsp_type} enum of this service's schema names them. */
public enum DspType {
    dv360, ttd, meta, amazon, google_ads;

    public static Optional<DspType> fromLabel(String label) {
        return Arrays.stream(values()).filter(t -> t.name().equals(label)).findFirst();
    }

    public static String labels() {
        return Arrays.stream(values()).map(Enum::name).collect(Collectors.joining(", "));
    }
}
