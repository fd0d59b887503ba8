import type { AccountEnvironment } from "@keycloak/keycloak-account-ui";
import { save } from "../../shared/consent-api";

/**
 * "Download my consent record": the user's receipt as the server issues it (GET /me/receipt) — every purpose with
 * the current choice per channel, and every change with who, which channel, when and the text shown for it.
 */
export const downloadRecord = (environment: AccountEnvironment, receipt: { generatedAt: string }) =>
  save(
    new Blob([JSON.stringify(receipt, null, 2)], { type: "application/json" }),
    `consent-record-${environment.realm}-${receipt.generatedAt.slice(0, 10)}.json`,
  );

/**
 * "Download a signed copy": the same receipt as a compact JWS (GET /me/receipt/signed), signed by the realm, so the
 * person can prove what the record said without trusting the controller's database.
 */
export const downloadSignedRecord = (environment: AccountEnvironment, jws: string) =>
  save(
    new Blob([jws], { type: "application/jose" }),
    `consent-record-${environment.realm}-${new Date().toISOString().slice(0, 10)}.jws`,
  );
