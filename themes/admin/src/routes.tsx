import type { routes } from "@keycloak/keycloak-admin-ui";
import type { TFunction } from "i18next";
import { lazy } from "react";

const UserConsent = lazy(() => import("./UserConsent"));
const Overview = lazy(() => import("./Overview"));

/**
 * The plugin's pages in the admin console. Their paths are those the declarative UI links to (the user tab
 * "idc-consent" and the sidebar page "idc-consent-overview", see ConsoleEntries.java); the access a route asks for
 * is the least its page can show anything with, the server checks every call.
 */
export const consentRoutes: (typeof routes)[number][] = [
  {
    path: "/:realm/users/:id/consent",
    element: <UserConsent />,
    handle: { access: "query-users", breadcrumb: (t: TFunction) => t("idc-consent") },
  },
  {
    path: "/:realm/page-section/idc-consent-overview",
    element: <Overview />,
    handle: { access: "view-realm", breadcrumb: (t: TFunction) => t("idc-consent-overview") },
  },
];
