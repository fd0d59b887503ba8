import "@patternfly/patternfly/patternfly-addons.css";
import "@patternfly/react-core/dist/styles/base.css";
import "@keycloak/keycloak-admin-ui/styles.css";

import { AdminUi, ErrorRenderer, KeycloakProvider, routes } from "@keycloak/keycloak-admin-ui";
import { StrictMode } from "react";
import { createRoot } from "react-dom/client";
import { createHashRouter, RouterProvider, useRouteError } from "react-router-dom";
import { environment } from "./environment";
import { i18n } from "./i18n";
import { consentRoutes } from "./routes";

// Every page of Keycloak's admin console, plus ours. Our paths are more specific than the console's own
// (/:realm/users/:id/consent beats /:realm/users/:id/:tab), so they win where the declarative UI links to them.
const router = createHashRouter([
  {
    path: "/",
    element: (
      <KeycloakProvider environment={environment}>
        <AdminUi />
      </KeycloakProvider>
    ),
    errorElement: <RouteError />,
    children: [...consentRoutes, ...routes],
  },
]);

function RouteError() {
  const error = useRouteError();
  return <ErrorRenderer error={error instanceof Error ? error : new Error(String(error))} />;
}

i18n.init().then(() =>
  createRoot(document.getElementById("app")!).render(
    <StrictMode>
      <RouterProvider router={router} />
    </StrictMode>,
  ),
);
