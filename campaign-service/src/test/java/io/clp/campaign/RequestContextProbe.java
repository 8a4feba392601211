package io.clp.campaign;

import io.clp.platform.tx.SessionSql;
import io.clp.platform.tx.Transactions;
import io.clp.platform.web.HttpRequestContexts;
import io.quarkus.security.Authenticated;
import io.smallrye.mutiny.Uni;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;

/**
 * A resource of the tests only: whether a request's steps run on a context marked as the request's, in the resource and
 * again after a database reply ({@link LostRequestContextTest}).
 */
@Path("/test/request-context")
@Authenticated
public class RequestContextProbe {

    private final Transactions transactions;

    RequestContextProbe(Transactions transactions) {
        this.transactions = transactions;
    }

    /** Whether the resource runs on the marked context, and whether the step after the transaction's replies does. */
    @GET
    @Produces(MediaType.TEXT_PLAIN)
    public Uni<String> probe() {
        boolean inResource = HttpRequestContexts.onRequest();
        return transactions.scoped(() -> SessionSql.rows("SELECT 1"))
                .map(rows -> inResource + "," + HttpRequestContexts.onRequest());
    }
}
