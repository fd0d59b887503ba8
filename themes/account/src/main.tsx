import "@patternfly/react-core/dist/styles/base.css";
import "../node_modules/@keycloak/keycloak-account-ui/lib/keycloak-account-ui.css";

import { KeycloakProvider, routes } from "@keycloak/keycloak-account-ui";
import { StrictMode } from "react";
import { createRoot } from "react-dom/client";
import { createBrowserRouter, RouterProvider } from "react-router-dom";
import { App } from "./App";
import { CommunicationPage } from "./CommunicationPage";
import { environment } from "./environment";
import { i18n } from "./i18n";

// Every built-in page of Keycloak's account console, plus ours at <account URL>/communication-privacy.
const router = createBrowserRouter([
  {
    path: decodeURIComponent(new URL(environment.baseUrl).pathname),
    element: <App />,
    children: [...routes, { path: "communication-privacy", element: <CommunicationPage /> }],
  },
]);

i18n.init().then(() =>
  createRoot(document.getElementById("app")!).render(
    <StrictMode>
      <KeycloakProvider environment={environment}>
        <RouterProvider router={router} />
      </KeycloakProvider>
    </StrictMode>,
  ),
);
