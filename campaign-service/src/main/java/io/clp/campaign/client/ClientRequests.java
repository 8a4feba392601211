package io.clp.campaign.client;

import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;

import java.util.UUID;

/** The bodies the clients API takes. */
public final class ClientRequests {

    private ClientRequests() {
    }

    /** {@code POST .../clients}. */
    public record Create(
            @NotBlank @Size(max = 255) String name,
            @NotNull @Pattern(regexp = "[A-Z]{3}", message = "must be an ISO 4217 code, three capital letters") String currency) {
    }

    /** {@code PATCH .../clients/{clientId}}: what is sent changes; the currency cannot. */
    public record Update(
            @Size(min = 1, max = 255) @Pattern(regexp = "(?s).*\\S.*", message = "must not be blank") String name,
            @Pattern(regexp = "active|disabled", message = "must be active or disabled") String status) {

        boolean empty() {
            return name == null && status == null;
        }
    }

    /** {@code POST .../clients/{clientId}/advertisers}: an advertiser of an account, or (no advertiserId) the whole account. */
    public record LinkAdvertiser(
            @NotNull UUID dspAccountId,
            @Size(min = 1, max = 255) @Pattern(regexp = "(?s).*\\S.*", message = "must not be blank") String advertiserId) {
    }

    /**
     * {@code PUT .../clients/{clientId}/cpm-rates/{effectiveDate}}: the CPM, a decimal string (or number) with at most
     * 4 fractional digits, 0 to 999999.9999, in the client's currency.
     */
    public record SetCpmRate(@NotNull String cpm) {
    }
}
