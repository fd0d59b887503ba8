import type { AccountEnvironment } from "@keycloak/keycloak-account-ui";
import type { ConsentView, HistoryEntry } from "./api";

/**
 * "Download my consent record": the user's receipt, as JSON — every purpose with the text version and the
 * user's current choice per channel, and every change ever recorded (who, which version, which channel, when).
 */
export const downloadRecord = (
  environment: AccountEnvironment,
  token: { preferred_username?: string; sub?: string } | undefined,
  current: { view: ConsentView },
  history: HistoryEntry[],
) => {
  const record = {
    realm: environment.realm,
    subject: current.view.subject,
    username: token?.preferred_username ?? null,
    generatedAt: new Date().toISOString(),
    purposes: current.view.purposes,
    history,
  };
  const blob = new Blob([JSON.stringify(record, null, 2)], { type: "application/json" });
  const url = URL.createObjectURL(blob);
  const link = document.createElement("a");
  link.href = url;
  link.download = `consent-record-${environment.realm}-${record.generatedAt.slice(0, 10)}.json`;
  document.body.appendChild(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
};
