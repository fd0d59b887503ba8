import { useEnvironment, type AccountEnvironment } from "@keycloak/keycloak-account-ui";
import { useMemo } from "react";
import { useTranslation } from "react-i18next";
import { ApiError, type ChannelState, type Purpose } from "./api";

/**
 * Everything the page says about a purpose or a choice, in the user's language. Purpose texts come from the
 * catalog, which picks them for the page's language (the API is asked with ?locale=); categories can be translated
 * with realm localization texts {@code idc.category.<category>} (Realm settings → Localization).
 */
export const useWords = () => {
  const { t } = useTranslation();
  const { environment } = useEnvironment<AccountEnvironment>();
  return useMemo(() => {
    const locale = environment.locale || undefined;
    const date = new Intl.DateTimeFormat(locale, { dateStyle: "medium" });
    const dateTime = new Intl.DateTimeFormat(locale, { dateStyle: "medium", timeStyle: "short" });
    const known = (key: string, fallback: string) => t(key, { defaultValue: fallback });

    const words = {
      label: (p: Purpose) => p.label,
      description: (p: Purpose) => p.description ?? "",
      category: (category: string) =>
        category ? known(`idc.category.${category}`, category) : t("idcCategoryOther"),
      mechanism: (mechanism: Purpose["mechanism"]) =>
        t(
          mechanism === "opt-out"
            ? "idcMechanismOptOut"
            : mechanism === "opt-in"
              ? "idcMechanismOptIn"
              : "idcMechanismRequired",
        ),
      channel: (channel: string | null) => (channel ? known(`idcChannel_${channel}`, channel) : ""),
      /** What a screen reader says for a switch: "Newsletter by email". */
      switchLabel: (p: Purpose, channel: string | null) =>
        channel && p.channels.length > 0
          ? t("idcSwitchLabel", {
              purpose: words.label(p),
              channel: known(`idcChannelInText_${channel}`, words.channel(channel)),
            })
          : words.label(p),
      onOff: (on: boolean) => t(on ? "idcOn" : "idcOff"),
      state: (state: string) =>
        t(
          state === "granted"
            ? "idcOn"
            : state === "pending"
              ? "idcPending"
              : state === "expired"
                ? "idcExpired"
                : state === "paused"
                  ? "idcPaused"
                  : "idcOff",
        ),
      /** "Paused until 5 Jan 2027, 10:00": on the page and in the history. */
      pausedUntil: (iso: string) => t("idcPausedUntil", { until: words.dateTime(iso) }),
      /** A state as a history row shows it: a pause with its end. */
      historyState: (state: string, pausedUntil?: string) =>
        state === "paused" && pausedUntil ? words.pausedUntil(pausedUntil) : words.state(state),
      /** A pause the purpose offers: "30 days"; a fraction as the server gives it ("0.0000463 days"). */
      pauseDays: (days: number) => t("idcPauseDays", { count: days }),
      /** Before a user's first choice the purpose's default applied: "On (default)" for opt-out purposes. */
      previous: (state: string | null, p?: Purpose) =>
        state
          ? words.state(state)
          : t("idcDefaultState", { state: words.onOff(p?.mechanism !== "opt-in") }),
      /** A frequency's label as the purpose offers it now; its key when no longer offered. */
      frequency: (p: Purpose | undefined, key: string) => p?.frequencies?.find((f) => f.key === key)?.label ?? key,
      /** A state with the frequency that came with it, where there was one: "On (Weekly)". */
      withFrequency: (state: string, p: Purpose | undefined, key?: string) =>
        key ? t("idcWithFrequency", { state, frequency: words.frequency(p, key) }) : state,
      via: (via: string, clientId?: string | null) =>
        t(`idcVia_${via}`, { defaultValue: via, client: clientId ?? "" }),
      date: (iso: string) => date.format(new Date(iso)),
      dateTime: (iso: string) => dateTime.format(new Date(iso)),
      saving: () => t("idcSaving"),
      /** "On since 12 Nov 2026, changed by you here" */
      status: (p: Purpose, s: ChannelState) => {
        if (p.mechanism === "required") return t("idcStatusRequired");
        if (!s.explicit || !s.changedAt || !s.via) {
          return t(s.granted ? "idcStatusDefaultOn" : "idcStatusDefaultOff");
        }
        if (s.state === "pending") {
          return t("idcStatusPending", { date: words.date(s.changedAt) });
        }
        if (s.state === "expired") {
          return t("idcStatusExpired", { date: words.date(s.changedAt) });
        }
        const since = {
          // a pause is off for now, and says so: "Paused since …" (when it ends is shown next to it)
          state: s.state === "paused" ? t("idcPaused") : words.onOff(s.granted),
          date: words.date(s.changedAt),
          how: words.via(s.via, s.clientId),
        };
        if (s.state === "granted" && p.renewAfterDays) {
          // the yes lasts renewAfterDays: say when we will ask again
          const until = new Date(s.changedAt).getTime() + p.renewAfterDays * 86_400_000;
          return t("idcStatusSinceUntil", { ...since, until: date.format(new Date(until)) });
        }
        return t("idcStatusSince", since);
      },
      /** Why a call failed, in words: the server's own message where it sent one. */
      reason: (e: unknown) => {
        if (e instanceof ApiError) {
          if (e.status === 0) return t("idcNetworkError");
          if (e.status === 401) return t("idcSessionExpired");
          if (e.code === "stale_version") return t("idcStaleVersion");
          if (e.code === "precondition_failed") return t("idcChangedElsewhere");
          if (e.message) return e.message;
          return t("idcServerError", { status: e.status });
        }
        return String(e);
      },
    };
    return words;
  }, [t, environment.locale]);
};

export type Words = ReturnType<typeof useWords>;
