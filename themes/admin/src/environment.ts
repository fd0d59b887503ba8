import type { AdminEnvironment } from "@keycloak/keycloak-admin-ui";
import { getInjectedEnvironment } from "@keycloak/keycloak-ui-shared";

/** What Keycloak's admin index.ftl injects into the page (server and console URLs, the realm signed in to, ...). */
export const environment = getInjectedEnvironment<AdminEnvironment>();
