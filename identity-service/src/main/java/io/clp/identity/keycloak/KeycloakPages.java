package io.clp.identity.keycloak;

import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.BiFunction;

/**
 * Reads a Keycloak admin listing page by page until a short page, so that no organization's members
 * and no API key client are missed however many there are (a missed member would be added again, a
 * missed client never deleted).
 */
@ApplicationScoped
public class KeycloakPages {

    private final int size;

    public KeycloakPages(KeycloakConfig config) {
        this.size = config.pageSize();
    }

    /** Every entry of a listing; {@code page} is called with (first, max). */
    public Uni<List<Map<String, Object>>> all(BiFunction<Integer, Integer, Uni<List<Map<String, Object>>>> page) {
        return from(0, page, new ArrayList<>());
    }

    /** The {@code id} of every entry of a listing. */
    public Uni<Set<String>> ids(BiFunction<Integer, Integer, Uni<List<Map<String, Object>>>> page) {
        return all(page).map(entries -> {
            Set<String> ids = new LinkedHashSet<>();
            entries.forEach(e -> ids.add((String) e.get("id")));
            return ids;
        });
    }

    private Uni<List<Map<String, Object>>> from(int first, BiFunction<Integer, Integer, Uni<List<Map<String, Object>>>> page,
                                                List<Map<String, Object>> collected) {
        return page.apply(first, size).chain(entries -> {
            collected.addAll(entries);
            return entries.size() < size ? Uni.createFrom().item(collected) : from(first + size, page, collected);
        });
    }
}
