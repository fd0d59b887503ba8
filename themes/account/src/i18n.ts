import { createInstance, type LanguageDetectorModule } from "i18next";
import FetchBackend from "i18next-fetch-backend";
import { initReactI18next } from "react-i18next";
import { environment } from "./environment";

const keycloakLocale: LanguageDetectorModule = {
  type: "languageDetector",
  detect: () => environment.locale,
};

/**
 * The account theme's messages as Keycloak serves them: the built-in console's keys, ours (idc…), and the
 * realm's own localization texts on top, for the user's locale. Keys are flat, so no key or namespace separator.
 */
export const i18n = createInstance({
  fallbackLng: "en",
  keySeparator: false,
  nsSeparator: false,
  interpolation: { escapeValue: false },
  backend: {
    loadPath: `${environment.serverBaseUrl}/resources/${environment.realm}/account/{{lng}}`,
    parse: (data: string) =>
      Object.fromEntries(
        (JSON.parse(data) as { key: string; value: string }[]).map(({ key, value }) => [key, value]),
      ),
  },
});

i18n.use(FetchBackend).use(keycloakLocale).use(initReactI18next);
