import type KeycloakAdminClient from "@keycloak/keycloak-admin-client";
import { ApiError, type Change, type ConsentView, type HistoryEntry } from "../../shared/consent-api";

export * from "../../shared/consent-api";

/** A text a purpose had (GET /purposes/{key}/texts), with its words in every language. */
export type Text = {
  version: number;
  label: string;
  description: string | null;
  locale?: string;
  recipients: string[];
  kind: string;
  at: string;
  translations?: Record<string, { label: string; description: string | null }>;
};

/** A served notice: a purpose's text (version, language) a surface showed the person, how often and when. */
export type Notice = {
  purpose: string;
  version: number;
  surface: string;
  locale: string | null;
  clientId: string | null;
  firstAt: string;
  lastAt: string;
  times: number;
};

export type Count = {
  purpose: string;
  /** Where the realm has regions: the region whose mechanism this line counts with; absent: the purpose's own. */
  region?: string;
  channel: string | null;
  mechanism: string;
  granted: number;
  denied: number;
  pending: number;
  expired: number;
  /** Off while paused, not counted in on. */
  paused: number;
  noAnswer: number;
  on: number;
  expiringSoon: number | null;
};

export type Problem = { purpose: string; role: string; kind: string; id: string | null; name: string | null };

/** A catalog purpose as the admin API gives it (the fields this console reads). */
export type CatalogPurpose = {
  key: string;
  label: string;
  gating: boolean;
  retired: boolean;
  /** The mechanism per region, by region name. */
  regions?: Record<string, string>;
};

export type Webhook = {
  id: string;
  url: string;
  description: string | null;
  enabled: boolean;
  status: {
    backlog: number;
    delivered: number;
    attempts: number;
    nextAttemptAt: string | null;
    lastStatus: number | null;
    lastError: string | null;
    lastErrorAt: string | null;
    lastSuccessAt: string | null;
    failing: boolean;
  };
};

/** A client reading the feed or a webhook, and how fast opt-outs reach it (GET /senders). */
export type Sender = {
  id: string;
  kind: "feed" | "webhook";
  name: string;
  since: string;
  lastSeen: string | null;
  reached: number;
  late: boolean;
  warnedAt: string | null;
  oldestWaiting: { at: string; ageSeconds: number; purpose: string; channel: string | null } | null;
  optOuts: number;
  p50Seconds: number | null;
  p99Seconds: number | null;
  maxSeconds: number | null;
};

export type Senders = { warningHours: number; windowDays: number; senders: Sender[] };

/**
 * The plugin's admin API (/admin/realms/{realm}/consent/…) with the signed-in admin's own token: the server applies
 * the same permissions as for any other caller, so a page can only show or do what the admin may.
 */
export class AdminConsentApi {
  constructor(
    private readonly client: KeycloakAdminClient,
    private readonly realm: string,
  ) {}

  async user(id: string): Promise<ConsentView> {
    return (await this.call(`users/${encodeURIComponent(id)}`)).json();
  }

  async history(id: string, first: number, max: number): Promise<HistoryEntry[]> {
    return (await (await this.call(`users/${encodeURIComponent(id)}/history?first=${first}&max=${max}`)).json())
      .history;
  }

  async notices(id: string): Promise<Notice[]> {
    return (await (await this.call(`users/${encodeURIComponent(id)}/notices`)).json()).notices;
  }

  async texts(purpose: string): Promise<Text[]> {
    return (await this.call(`purposes/${encodeURIComponent(purpose)}/texts`)).json();
  }

  /** The person's receipt as the server issues it, unchanged: plain JSON or the realm-signed JWS. */
  async receipt(id: string, signed: boolean): Promise<Blob> {
    const path = `users/${encodeURIComponent(id)}/receipt${signed ? "/signed" : ""}`;
    return (await this.call(path, { headers: { Accept: signed ? "application/jose" : "application/json" } })).blob();
  }

  /** A change on the person's behalf; the server records the admin as the actor and the reason. */
  async onBehalf(id: string, reason: string, choices: Change[], locale: string): Promise<ConsentView> {
    const response = await this.call(`users/${encodeURIComponent(id)}/choices`, {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ reason, choices, locale }),
    });
    return response.json();
  }

  async purposes(): Promise<CatalogPurpose[]> {
    return (await this.call("purposes")).json();
  }

  async counts(): Promise<{ people: number; counts: Count[] }> {
    return (await this.call("reports/counts")).json();
  }

  async integrity(): Promise<{ ok: boolean; problems: Problem[] }> {
    return (await this.call("integrity")).json();
  }

  async reconcile(): Promise<{ repaired: Problem[] }> {
    return (await this.call("reconcile", { method: "POST" })).json();
  }

  async webhooks(): Promise<Webhook[]> {
    return (await this.call("webhooks")).json();
  }

  async senders(): Promise<Senders> {
    return (await this.call("senders")).json();
  }

  async retryNow(id: string): Promise<void> {
    await this.call(`webhooks/${encodeURIComponent(id)}/retry-now`, { method: "POST" });
  }

  /** An export as a file, e.g. "export/choices?format=csv". */
  async download(path: string): Promise<Blob> {
    return (await this.call(path, { headers: { Accept: "*/*" } })).blob();
  }

  private async call(path: string, init: RequestInit = {}): Promise<Response> {
    const token = await this.client.getAccessToken();
    const url = `${this.client.baseUrl}/admin/realms/${encodeURIComponent(this.realm)}/consent/${path}`;
    let response: Response;
    try {
      response = await fetch(url, {
        ...init,
        headers: { Accept: "application/json", ...init.headers, Authorization: `Bearer ${token}` },
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
