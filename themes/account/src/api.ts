import type Keycloak from "keycloak-js";
import type { AccountEnvironment } from "@keycloak/keycloak-account-ui";

import { ApiError, type Change, type ConsentView, type HistoryEntry, type Pause } from "../../shared/consent-api";

export * from "../../shared/consent-api";

/** Calls /realms/{realm}/consent/… with the account console's own token. */
export class ConsentApi {
  constructor(
    private readonly keycloak: Keycloak,
    private readonly environment: AccountEnvironment,
  ) {}

  /** The language the page speaks: the purposes' words are picked for it, and changes record it. */
  private get locale(): string {
    return this.environment.locale || "en";
  }

  async view(): Promise<{ view: ConsentView; etag: string | null }> {
    const response = await this.call(`me?locale=${encodeURIComponent(this.locale)}`);
    return { view: await response.json(), etag: response.headers.get("ETag") };
  }

  async change(changes: (Change | Pause)[]): Promise<{ view: ConsentView; etag: string | null }> {
    const response = await this.call("me/choices", {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ choices: changes, locale: this.locale }),
    });
    return { view: await response.json(), etag: response.headers.get("ETag") };
  }

  /** Only if nothing changed since {@code etag}: the user confirmed a list made from that state. */
  async optOutOfAll(etag: string | null): Promise<{ view: ConsentView; etag: string | null }> {
    const response = await this.call(`me/opt-out-all?locale=${encodeURIComponent(this.locale)}`, {
      method: "POST",
      headers: etag ? { "If-Match": etag } : {},
    });
    return { view: await response.json(), etag: response.headers.get("ETag") };
  }

  /** Tells the server which purpose texts the page has just displayed (served notices). */
  async notices(shown: { purpose: string; version: number }[]): Promise<void> {
    await this.call("me/notices", {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ locale: this.locale, purposes: shown }),
    });
  }

  async history(first: number, max: number): Promise<HistoryEntry[]> {
    const response = await this.call(`me/history?first=${first}&max=${max}`);
    return (await response.json()).history;
  }

  /** The user's receipt: current choices and every change with the text shown for it. */
  async receipt(): Promise<{ generatedAt: string }> {
    return (await this.call("me/receipt")).json();
  }

  /** The same receipt signed by the realm: a compact JWS anyone can verify against the realm's public keys. */
  async signedReceipt(): Promise<string> {
    return (await this.call("me/receipt/signed", { headers: { Accept: "application/jose" } })).text();
  }

  private async call(path: string, init: RequestInit = {}): Promise<Response> {
    try {
      await this.keycloak.updateToken(5);
    } catch {
      throw new ApiError(401, "not_authenticated", "");
    }
    const url = `${this.environment.serverBaseUrl}/realms/${encodeURIComponent(this.environment.realm)}/consent/${path}`;
    let response: Response;
    try {
      response = await fetch(url, {
        ...init,
        headers: { Accept: "application/json", ...init.headers, Authorization: `Bearer ${this.keycloak.token}` },
      });
    } catch {
      throw new ApiError(0, "network", "");
    }
    if (!response.ok) {
      throw await ApiError.of(response);
    }
    return response;
  }
}
