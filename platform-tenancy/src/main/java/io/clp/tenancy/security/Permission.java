package io.clp.tenancy.security;

import java.util.Arrays;
import java.util.Collections;
import java.util.EnumSet;
import java.util.Optional;
import java.util.Set;

import static io.clp.tenancy.security.Role.ADMIN;
import static io.clp.tenancy.security.Role.ANALYST;
import static io.clp.tenancy.security.Role.CLIENT;
import static io.clp.tenancy.security.Role.DEVELOPER;
import static io.clp.tenancy.security.Role.VIEWER;

/**
 * The permission matrix: every (resource, action) of every service and the roles that hold it.
 * This enum is the single source: identity-service seeds its {@code permissions} and
 * {@code role_permissions} tables from it, every service enforces it through
 * {@link io.clp.tenancy.work.OrganizationWork}, and
 * docs/permissions.md lists it.
 */
public enum Permission {
    ORGANIZATION_READ("organization", "read", ADMIN, DEVELOPER, ANALYST, VIEWER, CLIENT),
    ORGANIZATION_UPDATE("organization", "update", ADMIN),
    ORGANIZATION_DELETE("organization", "delete", ADMIN),
    MEMBER_READ("member", "read", ADMIN, DEVELOPER, ANALYST, VIEWER),
    MEMBER_INVITE("member", "invite", ADMIN),
    MEMBER_UPDATE("member", "update", ADMIN),
    MEMBER_REMOVE("member", "remove", ADMIN),
    ROLE_READ("role", "read", ADMIN, DEVELOPER, ANALYST, VIEWER),
    ENTITY_PERMISSION_READ("entity_permission", "read", ADMIN, DEVELOPER),
    ENTITY_PERMISSION_GRANT("entity_permission", "grant", ADMIN),
    ENTITY_PERMISSION_REVOKE("entity_permission", "revoke", ADMIN),
    API_KEY_READ("api_key", "read", ADMIN, DEVELOPER),
    API_KEY_CREATE("api_key", "create", ADMIN, DEVELOPER),
    API_KEY_REVOKE("api_key", "revoke", ADMIN, DEVELOPER),
    QUOTA_READ("quota", "read", ADMIN, DEVELOPER, ANALYST, VIEWER),
    QUOTA_UPDATE("quota", "update", ADMIN),
    DSP_ACCOUNT_READ("dsp_account", "read", ADMIN, DEVELOPER, ANALYST, VIEWER),
    DSP_ACCOUNT_CREATE("dsp_account", "create", ADMIN, DEVELOPER),
    DSP_ACCOUNT_UPDATE("dsp_account", "update", ADMIN, DEVELOPER),
    DSP_ACCOUNT_DELETE("dsp_account", "delete", ADMIN),
    DSP_ACCOUNT_SYNC("dsp_account", "sync", ADMIN, DEVELOPER),
    CAMPAIGN_READ("campaign", "read", ADMIN, DEVELOPER, ANALYST, VIEWER, CLIENT),
    CAMPAIGN_UPDATE("campaign", "update", ADMIN, DEVELOPER),
    CAMPAIGN_EXECUTE("campaign", "execute", ADMIN, DEVELOPER),
    METRICS_READ("metrics", "read", ADMIN, DEVELOPER, ANALYST, VIEWER, CLIENT),
    CLIENT_READ("client", "read", ADMIN, DEVELOPER, ANALYST, VIEWER, CLIENT),
    /** Creating, changing and deleting clients, their advertiser links and their CPM rates: what is billed. */
    CLIENT_MANAGE("client", "manage", ADMIN),
    TEMPLATE_READ("template", "read", ADMIN, DEVELOPER, ANALYST, VIEWER),
    TEMPLATE_CREATE("template", "create", ADMIN, DEVELOPER),
    TEMPLATE_UPDATE("template", "update", ADMIN, DEVELOPER),
    TEMPLATE_DELETE("template", "delete", ADMIN, DEVELOPER),
    PIPELINE_READ("pipeline", "read", ADMIN, DEVELOPER, ANALYST, VIEWER),
    PIPELINE_CREATE("pipeline", "create", ADMIN, DEVELOPER),
    PIPELINE_UPDATE("pipeline", "update", ADMIN, DEVELOPER),
    PIPELINE_DELETE("pipeline", "delete", ADMIN, DEVELOPER),
    PIPELINE_EXECUTE("pipeline", "execute", ADMIN, DEVELOPER),
    RULE_READ("rule", "read", ADMIN, DEVELOPER, ANALYST, VIEWER),
    RULE_CREATE("rule", "create", ADMIN, DEVELOPER, ANALYST),
    RULE_UPDATE("rule", "update", ADMIN, DEVELOPER, ANALYST),
    RULE_DELETE("rule", "delete", ADMIN, DEVELOPER, ANALYST),
    RULE_EXECUTE("rule", "execute", ADMIN, DEVELOPER, ANALYST),
    ALERT_READ("alert", "read", ADMIN, DEVELOPER, ANALYST, VIEWER),
    ALERT_UPDATE("alert", "update", ADMIN, DEVELOPER, ANALYST),
    NOTIFICATION_READ("notification", "read", ADMIN, DEVELOPER, ANALYST, VIEWER),
    NOTIFICATION_SEND("notification", "send", ADMIN, DEVELOPER),
    CHANNEL_READ("channel", "read", ADMIN, DEVELOPER, ANALYST),
    CHANNEL_MANAGE("channel", "manage", ADMIN, DEVELOPER),
    AUDIT_LOG_READ("audit_log", "read", ADMIN, DEVELOPER, ANALYST),
    AUDIT_LOG_EXPORT("audit_log", "export", ADMIN);

    private final String resource;
    private final String action;
    private final Set<Role> roles;

    Permission(String resource, String action, Role... roles) {
        this.resource = resource;
        this.action = action;
        this.roles = Collections.unmodifiableSet(EnumSet.copyOf(Arrays.asList(roles)));
    }

    public String resource() {
        return resource;
    }

    public String action() {
        return action;
    }

    /**
     * Whether the action only reads (read, export): it is allowed in a suspended organization and runs
     * in a transaction that records no audit context. Every other action changes something.
     */
    public boolean readsOnly() {
        return "read".equals(action) || "export".equals(action);
    }

    /** {@code resource:action}, the form API key scopes use. */
    public String scope() {
        return resource + ":" + action;
    }

    public Set<Role> roles() {
        return roles;
    }

    public boolean grantedTo(Role role) {
        return roles.contains(role);
    }

    public static Optional<Permission> ofScope(String scope) {
        return Arrays.stream(values()).filter(p -> p.scope().equals(scope)).findFirst();
    }

    public static Set<Permission> of(Role role) {
        Set<Permission> set = EnumSet.noneOf(Permission.class);
        for (Permission p : values()) {
            if (p.grantedTo(role)) {
                set.add(p);
            }
        }
        return set;
    }
}
