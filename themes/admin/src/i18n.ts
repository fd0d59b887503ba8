import { createInstance } from "i18next";
import FetchBackend from "i18next-fetch-backend";
import { initReactI18next } from "react-i18next";
import { environment } from "./environment";

/**
 * The admin theme's messages as Keycloak serves them: the console's own keys, ours (idc…) and the realm's
 * localization texts on top. The console switches to the admin's language once it knows who signed in.
 */
export const i18n = createInstance({
  fallbackLng: "en",
  keySeparator: ".",
  interpolation: { escapeValue: false },
  backend: {
    loadPath: `${environment.serverBaseUrl}/resources/${environment.realm}/admin/{{lng}}`,
    parse: (data: string) =>
      Object.fromEntries(
        (JSON.parse(data) as { key: string; value: string }[]).map(({ key, value }) => [key, value]),
      ),
  },
});

i18n.use(FetchBackend).use(initReactI18next);
