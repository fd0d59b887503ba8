/**
 * What the account console page and the admin console pages share about the plugin's REST API (README, "User API"
 * and "Admin API"): the shapes of its answers and how a refusal reads.
 */
export type Actor = { id: string | null; username: string | null; kind: string };

export type ChannelState = {
  channel: string | null;
  granted: boolean;
  explicit: boolean;
  state?: "granted" | "denied" | "pending" | "expired" | "paused";
  version?: number;
  changedAt?: string;
  via?: string;
  actor?: Actor;
  clientId?: string | null;
  /** Where the purpose offers frequencies: this channel's, the person's choice or else the default (a key). */
  frequency?: string;
  /** With state paused only: when the pause ends (an ISO-8601 instant); then it is back on by itself. */
  pausedUntil?: string;
};

export type Purpose = {
  key: string;
  /** In the words the catalog holds for the page's language ({@link locale}). */
  label: string;
  description: string | null;
  /** The language of label and description. */
  locale?: string;
  category: string | null;
  mechanism: "opt-in" | "opt-out" | "required";
  channels: string[];
  version: number;
  /** How long a yes lasts; null: until withdrawn. */
  renewAfterDays?: number | null;
  /** Who the data is shared with, as part of the text. */
  recipients?: string[];
  granted: boolean;
  states: ChannelState[];
  /** Where the realm has regions: the region whose mechanism applies to the person (absent: the purpose's own). */
  region?: string;
  /** Only where the purpose offers a choice of how often: in the offered order, labels in the page's language. */
  frequencies?: { key: string; label: string }[];
  /** The key of the frequency of a person who chose none (with frequencies only). */
  defaultFrequency?: string;
  /** Only where the purpose offers pauses: the periods a person may choose, in days (fractions possible). */
  pauseDays?: number[];
  /** Only for a purpose of an organization: its alias. */
  organization?: string;
  /** Only when the user answered an older text version: which, when, and what changed since. */
  changedSinceAnswer?: {
    answeredVersion: number;
    answeredAt: string;
    label: Segment[];
    description: Segment[];
    recipientsAdded?: string[];
    recipientsRemoved?: string[];
  };
};

/** A run of text and what happened to it since the version the user answered. */
export type Segment = { op: "same" | "removed" | "added"; text: string };

export type ConsentView = {
  subject: string;
  purposes: Purpose[];
  /** Where the realm has regions: the person's ISO 3166 code (null: not known) and their regions. */
  location?: { code: string | null; regions: string[] };
};

export type HistoryEntry = {
  id: number;
  purpose: string;
  channel: string | null;
  version: number;
  previous: string | null;
  state: "granted" | "denied" | "pending" | "expired" | "cleared" | "paused";
  via: string;
  actor: Actor;
  clientId: string | null;
  reason?: string;
  at: string;
  /** The language of the words shown, when known. */
  locale?: string;
  source?: string;
  evidence?: string;
  /** Where the purpose offers frequencies: the key after the change, and before it. */
  frequency?: string;
  previousFrequency?: string;
  /** With state paused only: when the pause ends. */
  pausedUntil?: string;
};

export type Change = {
  purpose: string;
  channel: string | null;
  granted: boolean;
  version: number;
  /** A key the purpose offers, only with granted: true (a frequency is part of a yes). */
  frequency?: string;
};

/** Instead of an answer: pause what is on for one of the purpose's {@link Purpose.pauseDays}. */
export type Pause = { purpose: string; channel: string | null; pauseDays: number };

/** A refusal or failure, with the server's own message when it sent one. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }

  /** The error a non-2xx answer stands for: the plugin answers {"error", "message"}. */
  static async of(response: Response): Promise<ApiError> {
    const body = await response.json().catch(() => null);
    return new ApiError(response.status, body?.error ?? "http_" + response.status, body?.message ?? "");
  }
}

/** Saves a blob as a file, the way a browser download does. */
export const save = (blob: Blob, name: string) => {
  const url = URL.createObjectURL(blob);
  const link = document.createElement("a");
  link.href = url;
  link.download = name;
  document.body.appendChild(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
};
