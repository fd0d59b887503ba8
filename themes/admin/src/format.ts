import type { TFunction } from "i18next";
import type { Actor, HistoryEntry } from "./api";

/** A time as the admin reads it: in the console's language, with the time zone. */
export const when = (at: string | undefined | null, language: string) =>
  at ? new Date(at).toLocaleString(language, { dateStyle: "short", timeStyle: "medium" }) : "—";

/** A duration in its largest whole unit, e.g. "1.6 sec", "3.5 hr", in the console's language. */
export const duration = (seconds: number | null | undefined, language: string) => {
  if (seconds === null || seconds === undefined) return "—";
  const [value, unit] =
    seconds < 60
      ? [seconds, "second"]
      : seconds < 3600
        ? [seconds / 60, "minute"]
        : seconds < 86400
          ? [seconds / 3600, "hour"]
          : [seconds / 86400, "day"];
  return new Intl.NumberFormat(language, { style: "unit", unit, unitDisplay: "short", maximumFractionDigits: 1 })
    .format(value);
};

const STATES: Record<string, string> = {
  granted: "idcAdminStateGranted",
  denied: "idcAdminStateDenied",
  pending: "idcAdminStatePending",
  expired: "idcAdminStateExpired",
  cleared: "idcAdminStateCleared",
  paused: "idcAdminStatePaused",
};

export const stateWord = (t: TFunction, state: string | null | undefined) =>
  state ? t(STATES[state] ?? state) : t("idcAdminStateNone");

/** Who acted: a person (username), an admin (username, marked), an app or the system. */
const actorWord = (t: TFunction, actor: Actor | undefined) => {
  if (!actor) return "—";
  const name = actor.username ?? actor.id ?? "";
  switch (actor.kind) {
    case "admin":
      return t("idcAdminActorAdmin", { name });
    case "system":
      return t("idcAdminActorSystem");
    case "service":
      return t("idcAdminActorClient", { name });
    default:
      return name;
  }
};

/** "api · cons-cleo · demo-app": the channel of a change, who made it and through which app. */
export const how = (t: TFunction, row: { via?: string; actor?: Actor; clientId?: string | null }) =>
  [row.via, actorWord(t, row.actor), row.clientId].filter((x) => x && x !== "—").join(" · ");

/** "no → yes": what a history row changed. */
export const changeWord = (t: TFunction, row: HistoryEntry) =>
  `${stateWord(t, row.previous)}${row.previousFrequency ? ` (${row.previousFrequency})` : ""} → ` +
  `${stateWord(t, row.state)}${row.frequency ? ` (${row.frequency})` : ""}`;
