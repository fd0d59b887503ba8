import { Header, PageNav } from "@keycloak/keycloak-account-ui";
import { Page, Spinner } from "@patternfly/react-core";
import { Suspense } from "react";
import { Outlet } from "react-router-dom";

/** The console's own frame: Keycloak's header and menu (from content.json), the page in the middle. */
export const App = () => (
  <Page header={<Header />} sidebar={<PageNav />} isManagedSidebar>
    <Suspense fallback={<Spinner />}>
      <Outlet />
    </Suspense>
  </Page>
);
