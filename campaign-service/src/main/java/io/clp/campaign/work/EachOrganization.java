package io.clp.campaign.work;

import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Tuple;

import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.function.BiConsumer;
import java.util.function.Function;

/**
 * Scheduled work done organization by organization (summary refreshes, pacing snapshots): the organizations are listed
 * in a short transaction of the service's own (system scope), then each one's work runs in turn, in transactions of
 * its own. One organization's failure is reported and counted as nothing, so that it never holds the others back; it
 * is tried again at the next tick.
 */
public final class EachOrganization {

    private static final String SCOPE = "SELECT set_config('clp.scope', 'system', true)";

    private EachOrganization() {
    }

    /**
     * @param organizations the query listing the organizations, as a column {@code org_id}, in the order to work them
     * @param work          one organization's work; answers how much it did
     * @param failed        told of an organization whose work failed (to log it)
     * @return how much the organizations' work did, summed
     */
    public static Uni<Integer> run(Pool pool, String organizations, Tuple params, Function<UUID, Uni<Integer>> work,
                                   BiConsumer<UUID, Throwable> failed) {
        return pool.withTransaction(conn -> conn.query(SCOPE).execute()
                        .chain(() -> conn.preparedQuery(organizations).execute(params)))
                .map(rows -> {
                    List<UUID> orgs = new ArrayList<>();
                    rows.forEach(r -> orgs.add(r.getUUID("org_id")));
                    return orgs;
                })
                .chain(orgs -> Multi.createFrom().iterable(orgs).onItem().transformToUniAndConcatenate(org -> work.apply(org)
                                .onFailure().invoke(e -> failed.accept(org, e))
                                .onFailure().recoverWithItem(0))
                        .collect().asList().map(counts -> counts.stream().mapToInt(Integer::intValue).sum()));
    }
}
