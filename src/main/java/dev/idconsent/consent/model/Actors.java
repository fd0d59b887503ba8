package dev.idconsent.consent.model;

import dev.idconsent.consent.Actor;
import org.keycloak.models.UserModel;

/** Keycloak users as the actors of changes. */
public final class Actors {
    private Actors() {
    }

    /** An admin (or a service account acting as one) changing someone's choices on their behalf. */
    public static Actor admin(UserModel admin) {
        return new Actor(admin.getId(), admin.getUsername(),
                admin.getServiceAccountClientLink() != null ? Actor.Kind.SERVICE : Actor.Kind.ADMIN);
    }

    /** The person themself (a service account acting for itself is a service). */
    public static Actor self(UserModel user) {
        return new Actor(user.getId(), user.getUsername(),
                user.getServiceAccountClientLink() != null ? Actor.Kind.SERVICE : Actor.Kind.USER);
    }
}
