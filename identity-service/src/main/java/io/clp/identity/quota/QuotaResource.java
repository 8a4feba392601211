package io.clp.identity.quota;

import io.quarkus.security.Authenticated;
import io.smallrye.mutiny.Uni;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import java.util.Map;
import java.util.UUID;

@Path("/api/v1/organizations/{orgId}/quotas")
@Authenticated
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "Quotas")
public class QuotaResource {

    private final Quotas quotas;

    QuotaResource(Quotas quotas) {
        this.quotas = quotas;
    }

    @GET
    @Operation(summary = "The organization's quotas: plan defaults or overrides, with usage")
    public Uni<Map<String, QuotaView>> quotas(@PathParam("orgId") UUID orgId) {
        return quotas.view(orgId);
    }
}
