package io.clp.dsp;

import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;

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

    /**
     * {@code base} + {@code path}, where path starts with a slash and every id in it went through {@link #segment}. A
     * path that still is no valid URI is a {@link DspException.Rejected}, never an IllegalArgumentException.
     */
    public static URI resolve(URI base, String path) {
        String b = base.toString();
        try {
            return URI.create((b.endsWith("/") ? b.substring(0, b.length() - 1) : b) + path);
        } catch (IllegalArgumentException e) {
            throw new DspException.Rejected(400, "not a valid request path: " + e.getMessage());
        }
    }

    /**
     * One id as a single URL path segment, percent-encoded (RFC 3986; a space is %20) so that {@code /}, {@code ?},
     * {@code #} or {@code %} in an id cannot change which path or query the request names. An empty id, {@code .} and
     * {@code ..} would still move the path: they are a {@link DspException.Rejected}.
     */
    public static String segment(String id) {
        if (id == null || id.isEmpty() || id.equals(".") || id.equals("..")) {
            throw new DspException.Rejected(400, "not a usable id in a request path: '" + id + "'");
        }
        return URLEncoder.encode(id, StandardCharsets.UTF_8).replace("+", "%20");
    }
}
