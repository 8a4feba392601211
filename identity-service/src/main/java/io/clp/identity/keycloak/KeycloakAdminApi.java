package io.clp.identity.keycloak;

import io.quarkus.oidc.client.filter.OidcClientFilter;
import io.smallrye.mutiny.Uni;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import org.eclipse.microprofile.rest.client.inject.RegisterRestClient;

import java.util.List;
import java.util.Map;

/**
 * The part of Keycloak's admin REST API that the mirror uses (organizations and their groups, the
 * clients that stand for API keys, the events that record their use),
 * called as identity-service's own service account.
 */
@RegisterRestClient(configKey = "keycloak-admin")
@OidcClientFilter
@Path("/admin/realms/{realm}")
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.APPLICATION_JSON)
public interface KeycloakAdminApi {

    @GET
    @Path("/organizations")
    Uni<List<Map<String, Object>>> findOrganizations(@PathParam("realm") String realm, @QueryParam("q") String query,
                                                     @QueryParam("briefRepresentation") boolean briefRepresentation);

    /** One page of the realm's organizations, with their attributes. */
    @GET
    @Path("/organizations")
    Uni<List<Map<String, Object>>> organizations(@PathParam("realm") String realm, @QueryParam("first") int first,
                                                 @QueryParam("max") int max,
                                                 @QueryParam("briefRepresentation") boolean briefRepresentation);

    @POST
    @Path("/organizations")
    Uni<Response> createOrganization(@PathParam("realm") String realm, Map<String, Object> organization);

    /** The organization's top-level groups; the full representation names their realm roles. */
    @GET
    @Path("/organizations/{org}/groups")
    Uni<List<Map<String, Object>>> groups(@PathParam("realm") String realm, @PathParam("org") String org,
                                          @QueryParam("briefRepresentation") boolean briefRepresentation);

    @GET
    @Path("/organizations/{org}/groups/{group}/members")
    Uni<List<Map<String, Object>>> groupMembers(@PathParam("realm") String realm, @PathParam("org") String org,
                                                @PathParam("group") String group, @QueryParam("first") int first,
                                                @QueryParam("max") int max,
                                                @QueryParam("briefRepresentation") boolean briefRepresentation);

    @POST
    @Path("/organizations/{org}/groups")
    Uni<Response> createGroup(@PathParam("realm") String realm, @PathParam("org") String org, Map<String, Object> group);

    @POST
    @Path("/organizations/{org}/groups/{group}/role-mappings/realm")
    Uni<Response> mapRealmRoles(@PathParam("realm") String realm, @PathParam("org") String org,
                                @PathParam("group") String group, List<Map<String, Object>> roles);

    /** Creates an account; Keycloak chooses its id. 409 when the username or e-mail is taken. */
    @POST
    @Path("/users")
    Uni<Response> createUser(@PathParam("realm") String realm, Map<String, Object> user);

    /** 404 when Keycloak has no such user. */
    @GET
    @Path("/users/{id}")
    Uni<Map<String, Object>> user(@PathParam("realm") String realm, @PathParam("id") String id);

    /** The accounts whose e-mail is {@code email} (with {@code exact=true}, not a substring search). */
    @GET
    @Path("/users")
    Uni<List<Map<String, Object>>> usersByEmail(@PathParam("realm") String realm, @QueryParam("email") String email,
                                                @QueryParam("exact") boolean exact,
                                                @QueryParam("briefRepresentation") boolean briefRepresentation);

    /** The accounts whose username is {@code username} (with {@code exact=true}). */
    @GET
    @Path("/users")
    Uni<List<Map<String, Object>>> usersByUsername(@PathParam("realm") String realm, @QueryParam("username") String username,
                                                   @QueryParam("exact") boolean exact,
                                                   @QueryParam("briefRepresentation") boolean briefRepresentation);

    /**
     * The realm roles the caller may map to the group and the group does not have yet, with their ids.
     * Read here rather than from {@code GET /roles/{role}}, which would need {@code view-realm}.
     */
    @GET
    @Path("/organizations/{org}/groups/{group}/role-mappings/realm/available")
    Uni<List<Map<String, Object>>> availableRealmRoles(@PathParam("realm") String realm, @PathParam("org") String org,
                                                       @PathParam("group") String group);

    @GET
    @Path("/organizations/{org}/members")
    Uni<List<Map<String, Object>>> members(@PathParam("realm") String realm, @PathParam("org") String org,
                                           @QueryParam("first") int first, @QueryParam("max") int max,
                                           @QueryParam("briefRepresentation") boolean briefRepresentation);

    @POST
    @Path("/organizations/{org}/members")
    Uni<Response> addMember(@PathParam("realm") String realm, @PathParam("org") String org, String userIdJson);

    @DELETE
    @Path("/organizations/{org}/groups/{group}/members/{user}")
    Uni<Response> removeGroupMember(@PathParam("realm") String realm, @PathParam("org") String org,
                                    @PathParam("group") String group, @PathParam("user") String user);

    @DELETE
    @Path("/organizations/{org}/members/{user}")
    Uni<Response> removeMember(@PathParam("realm") String realm, @PathParam("org") String org,
                               @PathParam("user") String user);

    @PUT
    @Path("/organizations/{org}")
    Uni<Response> updateOrganization(@PathParam("realm") String realm, @PathParam("org") String org,
                                     Map<String, Object> organization);

    @PUT
    @Path("/organizations/{org}/groups/{group}/members/{user}")
    Uni<Response> addGroupMember(@PathParam("realm") String realm, @PathParam("org") String org,
                                 @PathParam("group") String group, @PathParam("user") String user);

    @GET
    @Path("/clients")
    Uni<List<Map<String, Object>>> findClients(@PathParam("realm") String realm, @QueryParam("clientId") String clientId,
                                               @QueryParam("search") boolean search, @QueryParam("first") int first,
                                               @QueryParam("max") int max);

    @POST
    @Path("/clients")
    Uni<Response> createClient(@PathParam("realm") String realm, Map<String, Object> client);

    @DELETE
    @Path("/clients/{id}")
    Uni<Response> deleteClient(@PathParam("realm") String realm, @PathParam("id") String id);

    /** Stored user events, newest first. */
    @GET
    @Path("/events")
    Uni<List<Map<String, Object>>> events(@PathParam("realm") String realm, @QueryParam("type") String type,
                                          @QueryParam("first") int first, @QueryParam("max") int max);
}
