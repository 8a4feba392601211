package io.clp.tenancy.grant;

import io.clp.tenancy.security.Permission;

import java.util.Arrays;
import java.util.Optional;
import java.util.Set;

/**
 * What an entity grant allows on its one entity. Each action covers the permission actions of the
 * entity's resource that it names: {@code edit} covers {@code update}, {@code execute} covers
 * {@code execute}, {@code sync} and {@code send}.
 */
public enum GrantAction {
    VIEW("view", Set.of("read")),
    EDIT("edit", Set.of("update")),
    EXECUTE("execute", Set.of("execute", "sync", "send")),
    DELETE("delete", Set.of("delete"));

    private final String id;
    private final Set<String> permissionActions;

    GrantAction(String id, Set<String> permissionActions) {
        this.id = id;
        this.permissionActions = permissionActions;
    }

    public String id() {
        return id;
    }

    public static Optional<GrantAction> parse(String id) {
        return Arrays.stream(values()).filter(a -> a.id.equals(id)).findFirst();
    }

    /** The grant action that lets its holder do {@code permission} on one entity, if any does. */
    public static Optional<GrantAction> covering(Permission permission) {
        return Arrays.stream(values()).filter(a -> a.permissionActions.contains(permission.action())).findFirst();
    }
}
