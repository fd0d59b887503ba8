import type { AccountEnvironment } from "@keycloak/keycloak-account-ui";

/**
 * "Download my consent record": the user's receipt as the server issues it (GET /me/receipt) — every purpose with
 * the current choice per channel, and every change with who, which channel, when and the text shown for it.
 */
export const downloadRecord = (environment: AccountEnvironment, receipt: { generatedAt: string }) => {
  const blob = new Blob([JSON.stringify(receipt, null, 2)], { type: "application/json" });
  const url = URL.createObjectURL(blob);
  const link = document.createElement("a");
  link.href = url;
  link.download = `consent-record-${environment.realm}-${receipt.generatedAt.slice(0, 10)}.json`;
  document.body.appendChild(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
};
