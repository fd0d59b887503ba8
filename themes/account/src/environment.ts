import type { AccountEnvironment } from "@keycloak/keycloak-account-ui";
import { getInjectedEnvironment } from "@keycloak/keycloak-ui-shared";

/** What Keycloak's account index.ftl injects into the page (server URL, realm, locale, features, ...). */
export const environment = getInjectedEnvironment<AccountEnvironment>();
