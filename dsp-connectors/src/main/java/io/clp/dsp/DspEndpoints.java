package io.clp.dsp;

import java.net.URI;

/**
 * Where each DSP's API lives: the root a connector appends its versioned paths to (DV360 {@code /v4/...}, Bid Manager
 * {@code /v2/...}, TTD {@code /v3/...}, ...). {@link #production()} is the DSPs' public hosts; a development stack
 * points all of them at the DSP simulator's prefixes.
 */
public record DspEndpoints(
        URI googleOAuth,
        URI dv360,
        URI bidManager,
        URI googleAds,
        URI ttd,
        URI meta,
        URI amazonAuth,
        URI amazon) {

    public static DspEndpoints production() {
        return new DspEndpoints(
                URI.create("https://oauth2.googleapis.com"),
                URI.create("https://displayvideo.googleapis.com"),
                URI.create("https://doubleclickbidmanager.googleapis.com"),
                URI.create("https://googleads.googleapis.com"),
                URI.create("https://api.thetradedesk.com"),
                URI.create("https://graph.facebook.com"),
                URI.create("https://api.amazon.com"),
                URI.create("https://advertising-api.amazon.com"));
    }

    /** Every API under one simulator root, e.g. {@code http://127.0.0.1:8290}. */
    public static DspEndpoints simulator(String root) {
        String r = root.endsWith("/") ? root.substring(0, root.length() - 1) : root;
        return new DspEndpoints(URI.create(r + "/google-oauth"), URI.create(r + "/dv360"), URI.create(r + "/bidmanager"),
                URI.create(r + "/google-ads"), URI.create(r + "/ttd"), URI.create(r + "/meta"),
                URI.create(r + "/amazon-auth"), URI.create(r + "/amazon"));
    }

    /** {@code base} + {@code path}, where path starts with a slash. */
    public static URI resolve(URI base, String path) {
        String b = base.toString();
        return URI.create((b.endsWith("/") ? b.substring(0, b.length() - 1) : b) + path);
    }
}
