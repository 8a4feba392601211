package io.clp.dsp.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.clp.dsp.AccountRef;
import io.clp.dsp.DspException;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * The OAuth 2.0 refresh-token grant (RFC 6749 section 6) that Google (DV360, Bid Manager, Google Ads) and Login with
 * Amazon share: credentials {@code client_id}, {@code client_secret}, {@code refresh_token}. A 400/401 answer
 * ({@code invalid_grant}, {@code invalid_client}) is {@link DspException.InvalidCredentials}.
 */
public final class OAuth2Refresh {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final DspHttp http;
    private final URI tokenUri;
    private final Clock clock;

    public OAuth2Refresh(DspHttp http, URI tokenUri, Clock clock) {
        this.http = http;
        this.tokenUri = tokenUri;
        this.clock = clock;
    }

    public AccessToken login(AccountRef account) {
        Map<String, String> form = new LinkedHashMap<>();
        form.put("grant_type", "refresh_token");
        form.put("client_id", account.credentials().require("client_id"));
        form.put("client_secret", account.credentials().require("client_secret"));
        form.put("refresh_token", account.credentials().require("refresh_token"));
        String body = form.entrySet().stream()
                .map(e -> e.getKey() + "=" + URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8))
                .collect(Collectors.joining("&"));
        HttpResponse<String> response;
        try {
            response = http.send(account, () -> HttpRequest.newBuilder(tokenUri)
                    .header("Content-Type", "application/x-www-form-urlencoded")
                    .POST(HttpRequest.BodyPublishers.ofString(body)).build(), r -> {
                int status = r.statusCode();
                if (status == 400 || status == 401) {
                    return new Outcome.Rejected("token refresh refused");
                }
                return ResponseClassifier.standardOutcome(r);
            });
        } catch (DspException.Rejected refused) {
            throw new DspException.InvalidCredentials(account.dsp().label() + " refused the OAuth credentials of account "
                    + account.externalAccountId() + " (" + errorOf(refused) + ")");
        }
        try {
            JsonNode json = JSON.readTree(response.body());
            String token = json.path("access_token").asText(null);
            if (token == null) {
                throw new DspException.Rejected(response.statusCode(), "token endpoint answered without an access_token");
            }
            long expiresIn = json.path("expires_in").asLong(3600);
            return new AccessToken(token, Instant.now(clock).plusSeconds(expiresIn));
        } catch (IOException e) {
            throw new DspException.Rejected(response.statusCode(), "token endpoint answered with malformed JSON");
        }
    }

    private static String errorOf(DspException.Rejected refused) {
        return "HTTP " + refused.status();
    }
}
