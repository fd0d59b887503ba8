import { Page, useAccountAlerts, useEnvironment, type AccountEnvironment } from "@keycloak/keycloak-account-ui";
import {
  Button,
  Card,
  CardBody,
  CardTitle,
  ExpandableSection,
  Flex,
  FlexItem,
  FormSelect,
  FormSelectOption,
  Label,
  List,
  ListItem,
  Modal,
  ModalVariant,
  PageSection,
  Spinner,
  Stack,
  StackItem,
  Switch,
  Text,
  TextContent,
  Title,
} from "@patternfly/react-core";
import { Table, Tbody, Td, Th, Thead, Tr } from "@patternfly/react-table";
import { useCallback, useEffect, useMemo, useRef, useState } from "react";
import { useTranslation } from "react-i18next";
import {
  ConsentApi,
  type Change,
  type ChannelState,
  type ConsentView,
  type HistoryEntry,
  type Pause,
  type Purpose,
  type Segment,
} from "./api";
import { downloadRecord, downloadSignedRecord } from "./record";
import { useWords, type Words } from "./words";

const HISTORY_PAGE = 50;

/** One switch: a purpose on one channel (or on all of them when the purpose has no channels). */
type Target = { purpose: Purpose; state: ChannelState };

/**
 * "Communication & privacy": every purpose of the realm's catalog with the user's effective choice, changed one
 * switch at a time through the plugin's user API. A switch shows what the server says, never what was clicked:
 * while a change is saved it is disabled, and only the server's answer moves it.
 */
export const CommunicationPage = () => {
  const { t } = useTranslation();
  const context = useEnvironment<AccountEnvironment>();
  const api = useMemo(() => new ConsentApi(context.keycloak, context.environment), [context]);
  const words = useWords();
  const { addAlert, addError } = useAccountAlerts();

  const [view, setView] = useState<ConsentView>();
  const [etag, setEtag] = useState<string | null>(null);
  const [loadError, setLoadError] = useState<string>();
  const [saving, setSaving] = useState<string>();
  /** What the polite status region says: "Saving…", then the result of the last change. */
  const [status, setStatus] = useState("");
  const [history, setHistory] = useState<HistoryEntry[]>([]);
  const [moreHistory, setMoreHistory] = useState(false);
  const [confirmOptOut, setConfirmOptOut] = useState(false);

  const refresh = useCallback(async () => {
    try {
      const [current, rows] = await Promise.all([api.view(), api.history(0, HISTORY_PAGE)]);
      setView(current.view);
      setEtag(current.etag);
      setHistory(rows);
      setMoreHistory(rows.length === HISTORY_PAGE);
      setLoadError(undefined);
    } catch (e) {
      setLoadError(words.reason(e));
    }
  }, [api, words]);

  useEffect(() => {
    refresh();
  }, [refresh]);

  // Once the texts are on the screen, the page says which it showed (served notices: proof of what was shown,
  // not answers). Again only when a text version on the page changes, not on every refresh after a save.
  const reported = useRef("");
  useEffect(() => {
    if (!view) return;
    const shown = view.purposes.map((p) => ({ purpose: p.key, version: p.version }));
    const signature = shown.map((s) => `${s.purpose}@${s.version}`).join(",");
    if (shown.length === 0 || signature === reported.current) return;
    reported.current = signature;
    api.notices(shown).catch(() => {
      reported.current = ""; // not recorded: the next render tries again
    });
  }, [api, view]);

  const failed = (what: string, e: unknown) => {
    const message = t("idcSaveFailed", { what, reason: words.reason(e) });
    setStatus(message);
    addError(message, e);
    // the server may know better than this page (another tab, a new text version): show its state
    refresh();
  };

  /** The control a change moves out of view hands the keyboard focus on: see {@link pause} and {@link resume}. */
  const focusAfter = useRef<string>();
  useEffect(() => {
    if (saving === undefined && focusAfter.current) {
      document.getElementById(focusAfter.current)?.focus();
      focusAfter.current = undefined;
    }
  }, [saving]);

  /**
   * Sends one change made with the control {@code id} and says the result, in the server's terms: {@code said}
   * words the channel's state after it.
   */
  const send = async (
    { purpose, state }: Target,
    id: string,
    change: Change | Pause,
    said: (what: string, now: ChannelState | undefined) => string,
    then?: string,
  ) => {
    if (saving !== undefined) {
      return; // one change at a time; the control being saved stays focusable, so focus stays on it
    }
    const what = words.switchLabel(purpose, state.channel);
    setSaving(id);
    setStatus(`${what}: ${words.saving()}`);
    try {
      const answer = await api.change([change]);
      setView(answer.view);
      setEtag(answer.etag);
      const message = said(what, findState(answer.view, purpose.key, state.channel));
      setStatus(message);
      addAlert(message);
      focusAfter.current = then;
      setHistory(await api.history(0, HISTORY_PAGE));
    } catch (e) {
      failed(what, e);
    } finally {
      setSaving(undefined);
    }
  };

  /** What a yes or a no led to: on, off, or waiting for the person to confirm by email. */
  const answered = (what: string, now: ChannelState | undefined, granted: boolean) =>
    now?.state === "pending"
      ? t("idcSavedPending", { what })
      : t("idcSaved", { what, state: words.onOff(now?.granted ?? granted) });

  /** A switch changed, or the frequency of one that is on: a frequency goes only with a yes. */
  const toggle = (target: Target, granted: boolean, frequency?: string) => {
    const { purpose, state } = target;
    return send(
      target,
      frequency === undefined ? switchId(purpose, state) : frequencyId(purpose, state),
      { purpose: purpose.key, channel: state.channel, granted, version: purpose.version, frequency },
      (what, now) =>
        frequency !== undefined && now?.state !== "pending"
          ? t("idcSavedFrequency", { what, frequency: words.frequency(purpose, now?.frequency ?? frequency) })
          : answered(what, now, granted),
    );
  };

  /** A pause of a channel that is on: not an answer, so no granted, version or frequency (the server keeps them). */
  const pause = (target: Target, days: number) => {
    const { purpose, state } = target;
    return send(
      target,
      pauseButtonId(purpose, state),
      { purpose: purpose.key, channel: state.channel, pauseDays: days },
      (what, now) =>
        now?.state === "paused" && now.pausedUntil
          ? t("idcSavedPause", { what, until: words.dateTime(now.pausedUntil) })
          : answered(what, now, false),
      resumeId(purpose, state), // the pause controls give way to "Resume now"
    );
  };

  /** Ends a pause early: an ordinary yes to the current text (the server gives back the frequency of before). */
  const resume = (target: Target) => {
    const { purpose, state } = target;
    return send(
      target,
      resumeId(purpose, state),
      { purpose: purpose.key, channel: state.channel, granted: true, version: purpose.version },
      (what, now) => answered(what, now, true),
      switchId(purpose, state), // "Resume now" is gone; the switch says the channel is on again
    );
  };

  const optOutOfAll = async () => {
    setConfirmOptOut(false);
    setSaving("all");
    try {
      const before = optedIn(view);
      const answer = await api.optOutOfAll(etag);
      setView(answer.view);
      setEtag(answer.etag);
      setStatus(t("idcOptOutAllDone", { count: before.length }));
      addAlert(t("idcOptOutAllDone", { count: before.length }));
      setHistory(await api.history(0, HISTORY_PAGE));
    } catch (e) {
      failed(t("idcOptOutAll"), e);
    } finally {
      setSaving(undefined);
    }
  };

  const loadMoreHistory = async () => {
    try {
      const rows = await api.history(history.length, HISTORY_PAGE);
      setHistory([...history, ...rows]);
      setMoreHistory(rows.length === HISTORY_PAGE);
    } catch (e) {
      addError(t("idcLoadFailed", { reason: words.reason(e) }), e);
    }
  };

  const download = async () => {
    try {
      downloadRecord(context.environment, await api.receipt());
    } catch (e) {
      addError(t("idcLoadFailed", { reason: words.reason(e) }), e);
    }
  };

  const downloadSigned = async () => {
    try {
      downloadSignedRecord(context.environment, await api.signedReceipt());
    } catch (e) {
      addError(t("idcLoadFailed", { reason: words.reason(e) }), e);
    }
  };

  if (loadError) {
    return (
      <Page title={t("idcCommunicationPrivacy")} description={t("idcPageDescription")}>
        <Text id="idc-load-error" role="alert">
          {t("idcLoadFailed", { reason: loadError })}
        </Text>
        <Button variant="secondary" onClick={refresh}>
          {t("idcRetry")}
        </Button>
      </Page>
    );
  }
  if (!view) {
    return <Spinner aria-label={t("idcLoading")} />;
  }

  const toSwitchOff = optedIn(view);
  return (
    <Page title={t("idcCommunicationPrivacy")} description={t("idcPageDescription")}>
      {/* one polite live region, there before any change, so screen readers announce every result */}
      <div id="idc-status" role="status" aria-live="polite" aria-atomic="true" className="pf-v5-screen-reader">
        {status}
      </div>
      <Stack hasGutter>
        <StackItem>
          <Flex>
            <FlexItem>
              <Button
                id="idc-opt-out-all"
                variant="secondary"
                isDisabled={saving !== undefined}
                onClick={() => setConfirmOptOut(true)}
              >
                {t("idcOptOutAll")}
              </Button>
            </FlexItem>
            <FlexItem>
              <Button id="idc-download" variant="link" onClick={download}>
                {t("idcDownload")}
              </Button>
            </FlexItem>
            <FlexItem>
              <Button id="idc-download-signed" variant="link" onClick={downloadSigned}>
                {t("idcDownloadSigned")}
              </Button>
            </FlexItem>
          </Flex>
        </StackItem>
        {groups(view.purposes).map(([category, purposes]) => (
          <StackItem key={category}>
            <Title headingLevel="h2" size="lg" className="pf-v5-u-mb-sm">
              {words.category(category)}
            </Title>
            <Stack hasGutter>
              {purposes.map((purpose) => (
                <StackItem key={purpose.key}>
                  <PurposeCard
                    purpose={purpose}
                    words={words}
                    saving={saving}
                    onToggle={toggle}
                    onPause={pause}
                    onResume={resume}
                  />
                </StackItem>
              ))}
            </Stack>
          </StackItem>
        ))}
        <StackItem>
          <PageSection variant="light" padding={{ default: "noPadding" }}>
            <Title headingLevel="h2" size="lg" id="idc-history-title">
              {t("idcHistoryTitle")}
            </Title>
            <HistoryTable rows={history} view={view} words={words} />
            {moreHistory && (
              <Button variant="link" onClick={loadMoreHistory}>
                {t("idcHistoryMore")}
              </Button>
            )}
          </PageSection>
        </StackItem>
      </Stack>
      <Modal
        variant={ModalVariant.small}
        title={t("idcOptOutAllTitle")}
        isOpen={confirmOptOut}
        onClose={() => setConfirmOptOut(false)}
        actions={[
          <Button
            key="confirm"
            id="idc-opt-out-all-confirm"
            variant="danger"
            isDisabled={toSwitchOff.length === 0}
            onClick={optOutOfAll}
          >
            {t("idcOptOutAllConfirm")}
          </Button>,
          <Button key="cancel" variant="link" onClick={() => setConfirmOptOut(false)}>
            {t("idcCancel")}
          </Button>,
        ]}
      >
        {toSwitchOff.length === 0 ? (
          <Text>{t("idcOptOutAllNothing")}</Text>
        ) : (
          <>
            <Text>{t("idcOptOutAllIntro")}</Text>
            <List id="idc-opt-out-all-list">
              {toSwitchOff.map(({ purpose, state }) => (
                <ListItem key={switchId(purpose, state)}>{words.switchLabel(purpose, state.channel)}</ListItem>
              ))}
            </List>
            <Text>{t("idcOptOutAllKeeps")}</Text>
          </>
        )}
      </Modal>
    </Page>
  );
};

type PurposeCardProps = {
  purpose: Purpose;
  words: Words;
  saving?: string;
  onToggle: (target: Target, granted: boolean, frequency?: string) => void;
  onPause: (target: Target, days: number) => void;
  onResume: (target: Target) => void;
};

const PurposeCard = ({ purpose, words, saving, onToggle, onPause, onResume }: PurposeCardProps) => {
  const { t } = useTranslation();
  const required = purpose.mechanism === "required";
  return (
    <Card isCompact id={`idc-purpose-${purpose.key}`} data-purpose={purpose.key}>
      <CardTitle>
        <Flex>
          <FlexItem>{words.label(purpose)}</FlexItem>
          <FlexItem>
            <Label isCompact color={required ? "grey" : purpose.mechanism === "opt-in" ? "blue" : "green"}>
              {words.mechanism(purpose.mechanism)}
            </Label>
          </FlexItem>
        </Flex>
      </CardTitle>
      <CardBody>
        <TextContent>
          {words.description(purpose) && <Text>{words.description(purpose)}</Text>}
          {purpose.recipients && purpose.recipients.length > 0 && (
            <Text component="small" id={`idc-recipients-${purpose.key}`}>
              {t("idcSharedWith", { names: purpose.recipients.join(", ") })}
            </Text>
          )}
        </TextContent>
        {purpose.changedSinceAnswer && <ChangedSinceAnswer purpose={purpose} words={words} />}
        <Stack className="pf-v5-u-mt-sm">
          {purpose.states.map((state) => {
            const id = switchId(purpose, state);
            const often = frequencyId(purpose, state);
            const pausing = pauseButtonId(purpose, state);
            const resuming = resumeId(purpose, state);
            const on = state.granted;
            const paused = state.state === "paused";
            return (
              <StackItem key={id}>
                <Flex alignItems={{ default: "alignItemsCenter" }}>
                  <FlexItem>
                    <Switch
                      id={id}
                      data-channel={state.channel ?? ""}
                      aria-label={words.switchLabel(purpose, state.channel)}
                      aria-describedby={`${id}-status`}
                      label={words.channel(state.channel)}
                      isChecked={on}
                      // the switch being saved stays enabled (ignoring input meanwhile): disabling it would
                      // drop the keyboard focus to the page
                      isDisabled={required || (saving !== undefined && saving !== id)}
                      aria-busy={saving === id}
                      onChange={(_event, checked) => onToggle({ purpose, state }, checked)}
                    />
                  </FlexItem>
                  <FlexItem id={`${id}-status`} className="idc-status">
                    {saving === id || saving === often || saving === pausing || saving === resuming ? (
                      <>
                        <Spinner size="sm" aria-hidden /> {words.saving()}
                      </>
                    ) : (
                      words.status(purpose, state)
                    )}
                  </FlexItem>
                </Flex>
                {/* how often: part of a yes, so only while the channel is on; switching on takes the default */}
                {on && purpose.frequencies && purpose.frequencies.length > 0 && (
                  <Flex
                    alignItems={{ default: "alignItemsCenter" }}
                    spaceItems={{ default: "spaceItemsSm" }}
                    className="pf-v5-u-ml-xl pf-v5-u-mt-xs"
                  >
                    <FlexItem>
                      <label htmlFor={often}>{t("idcFrequency")}</label>
                    </FlexItem>
                    <FlexItem>
                      <FormSelect
                        id={often}
                        aria-label={t("idcFrequencyLabel", { what: words.switchLabel(purpose, state.channel) })}
                        value={state.frequency ?? purpose.defaultFrequency ?? ""}
                        // like the switches: shows what the server says, enabled while its own change is saved
                        isDisabled={saving !== undefined && saving !== often}
                        aria-busy={saving === often}
                        onChange={(_event, value) => onToggle({ purpose, state }, true, value)}
                      >
                        {purpose.frequencies.map((f) => (
                          <FormSelectOption key={f.key} value={f.key} label={f.label} />
                        ))}
                      </FormSelect>
                    </FlexItem>
                  </Flex>
                )}
                {/* a pause instead of switching off: offered while the channel is on, it comes back by itself */}
                {on && !required && purpose.pauseDays && purpose.pauseDays.length > 0 && (
                  <PauseControls
                    purpose={purpose}
                    state={state}
                    words={words}
                    saving={saving}
                    onPause={(days) => onPause({ purpose, state }, days)}
                  />
                )}
                {paused && (
                  <Flex
                    alignItems={{ default: "alignItemsCenter" }}
                    spaceItems={{ default: "spaceItemsSm" }}
                    className="pf-v5-u-ml-xl pf-v5-u-mt-xs"
                  >
                    <FlexItem>
                      <span id={pausedId(purpose, state)}>
                        {state.pausedUntil ? words.pausedUntil(state.pausedUntil) : words.state("paused")}
                      </span>
                    </FlexItem>
                    <FlexItem>
                      <Button
                        id={resuming}
                        variant="secondary"
                        size="sm"
                        aria-describedby={pausedId(purpose, state)}
                        // like the switches: enabled while its own change is saved, which ignores clicks meanwhile
                        isDisabled={saving !== undefined && saving !== resuming}
                        aria-busy={saving === resuming}
                        onClick={() => onResume({ purpose, state })}
                      >
                        {t("idcResume")}
                      </Button>
                    </FlexItem>
                  </Flex>
                )}
              </StackItem>
            );
          })}
        </Stack>
      </CardBody>
    </Card>
  );
};

/** "Pause for [30 days] [Pause]": a period of the purpose's, and the button that sends it. */
const PauseControls = ({
  purpose,
  state,
  words,
  saving,
  onPause,
}: {
  purpose: Purpose;
  state: ChannelState;
  words: Words;
  saving?: string;
  onPause: (days: number) => void;
}) => {
  const { t } = useTranslation();
  const periods = purpose.pauseDays ?? [];
  const [chosen, setChosen] = useState(String(periods[0]));
  const selectId = pauseId(purpose, state);
  const buttonId = pauseButtonId(purpose, state);
  const hintId = `${selectId}-hint`;
  // the offer may change under the page (an admin, another tab): fall back to the first period still offered
  const days = periods.find((d) => String(d) === chosen) ?? periods[0];
  const busy = saving !== undefined && saving !== buttonId;
  return (
    <Flex
      alignItems={{ default: "alignItemsCenter" }}
      spaceItems={{ default: "spaceItemsSm" }}
      className="pf-v5-u-ml-xl pf-v5-u-mt-xs"
    >
      <FlexItem>
        <label htmlFor={selectId}>{t("idcPauseFor")}</label>
      </FlexItem>
      <FlexItem>
        <FormSelect
          id={selectId}
          aria-label={t("idcPauseForLabel", { what: words.switchLabel(purpose, state.channel) })}
          aria-describedby={hintId}
          value={String(days)}
          isDisabled={busy}
          onChange={(_event, value) => setChosen(value)}
        >
          {periods.map((d) => (
            <FormSelectOption key={String(d)} value={String(d)} label={words.pauseDays(d)} />
          ))}
        </FormSelect>
      </FlexItem>
      <FlexItem>
        <Button
          id={buttonId}
          variant="secondary"
          size="sm"
          aria-describedby={hintId}
          // like the switches: enabled while its own change is saved, which ignores clicks meanwhile
          isDisabled={busy}
          aria-busy={saving === buttonId}
          onClick={() => onPause(days)}
        >
          {t("idcPause")}
        </Button>
      </FlexItem>
      <FlexItem>
        <Text component="small" id={hintId}>
          {t("idcPauseHint")}
        </Text>
      </FlexItem>
    </Flex>
  );
};

/** "Updated since you answered": the text version the user answered and, on request, what changed since. */
const ChangedSinceAnswer = ({ purpose, words }: { purpose: Purpose; words: Words }) => {
  const { t } = useTranslation();
  const [open, setOpen] = useState(false);
  const changed = purpose.changedSinceAnswer!;
  return (
    <div id={`idc-updated-${purpose.key}`} className="pf-v5-u-mt-sm">
      <Label isCompact color="orange">
        {t("idcUpdatedSinceAnswer")}
      </Label>
      <ExpandableSection
        toggleId={`idc-updated-${purpose.key}-toggle`}
        toggleText={t("idcWhatChanged")}
        isExpanded={open}
        onToggle={(_event, expanded) => setOpen(expanded)}
      >
        <TextContent>
          <Text>
            {t("idcChangedSince", {
              date: words.date(changed.answeredAt),
              from: changed.answeredVersion,
              to: purpose.version,
            })}
          </Text>
          {changed.label.length > 0 && (
            <Text className="idc-diff-label">
              <strong>
                <Diff segments={changed.label} />
              </strong>
            </Text>
          )}
          <Text className="idc-diff-description">
            <Diff segments={changed.description} />
          </Text>
          {changed.recipientsAdded && changed.recipientsAdded.length > 0 && (
            <Text className="idc-diff-recipients-added">
              <ins>{t("idcNowAlsoSharedWith", { names: changed.recipientsAdded.join(", ") })}</ins>
            </Text>
          )}
          {changed.recipientsRemoved && changed.recipientsRemoved.length > 0 && (
            <Text className="idc-diff-recipients-removed">
              <del>{t("idcNoLongerSharedWith", { names: changed.recipientsRemoved.join(", ") })}</del>
            </Text>
          )}
        </TextContent>
      </ExpandableSection>
    </div>
  );
};

/** Removed words struck through, added ones underlined, each named for screen readers. */
const Diff = ({ segments }: { segments: Segment[] }) => {
  const { t } = useTranslation();
  return (
    <>
      {segments.map((s, i) =>
        s.op === "removed" ? (
          <del key={i}>
            <span className="pf-v5-screen-reader">{t("idcRemoved")} </span>
            {s.text}
          </del>
        ) : s.op === "added" ? (
          <ins key={i}>
            <span className="pf-v5-screen-reader">{t("idcAdded")} </span>
            {s.text}
          </ins>
        ) : (
          <span key={i}>{s.text}</span>
        ),
      )}
    </>
  );
};

const HistoryTable = ({ rows, view, words }: { rows: HistoryEntry[]; view: ConsentView; words: Words }) => {
  const { t } = useTranslation();
  if (rows.length === 0) {
    return <Text id="idc-history-empty">{t("idcHistoryEmpty")}</Text>;
  }
  const purposes = new Map(view.purposes.map((p) => [p.key, p]));
  return (
    <Table id="idc-history" aria-labelledby="idc-history-title" variant="compact">
      <Thead>
        <Tr>
          <Th>{t("idcHistoryWhen")}</Th>
          <Th>{t("idcHistoryWhat")}</Th>
          <Th>{t("idcHistoryChange")}</Th>
          <Th>{t("idcHistoryHow")}</Th>
          <Th>{t("idcHistoryVersion")}</Th>
        </Tr>
      </Thead>
      <Tbody>
        {rows.map((row) => {
          const purpose = purposes.get(row.purpose);
          // with the frequency that came with a yes, where the purpose offers them: "On → On (Weekly)"
          const before = words.withFrequency(words.previous(row.previous, purpose), purpose, row.previousFrequency);
          // a pause with its end: "On → Paused until 5 Jan 2027, 10:00"
          const after = words.withFrequency(words.historyState(row.state, row.pausedUntil), purpose, row.frequency);
          return (
            <Tr key={row.id}>
              <Td dataLabel={t("idcHistoryWhen")}>{words.dateTime(row.at)}</Td>
              <Td dataLabel={t("idcHistoryWhat")}>
                {purpose ? words.switchLabel(purpose, row.channel) : row.purpose}
              </Td>
              <Td dataLabel={t("idcHistoryChange")}>{`${before} → ${after}`}</Td>
              <Td dataLabel={t("idcHistoryHow")}>
                {words.via(row.via, row.clientId)}
                {row.reason ? ` (${row.reason})` : ""}
              </Td>
              <Td dataLabel={t("idcHistoryVersion")}>{row.version}</Td>
            </Tr>
          );
        })}
      </Tbody>
    </Table>
  );
};

const switchId = (purpose: Purpose, state: ChannelState) =>
  `idc-switch-${purpose.key}${state.channel ? "-" + state.channel : ""}`;

const frequencyId = (purpose: Purpose, state: ChannelState) =>
  `idc-frequency-${purpose.key}${state.channel ? "-" + state.channel : ""}`;

const pauseId = (purpose: Purpose, state: ChannelState) =>
  `idc-pause-${purpose.key}${state.channel ? "-" + state.channel : ""}`;

const pauseButtonId = (purpose: Purpose, state: ChannelState) =>
  `idc-pause-button-${purpose.key}${state.channel ? "-" + state.channel : ""}`;

const pausedId = (purpose: Purpose, state: ChannelState) =>
  `idc-paused-${purpose.key}${state.channel ? "-" + state.channel : ""}`;

const resumeId = (purpose: Purpose, state: ChannelState) =>
  `idc-resume-${purpose.key}${state.channel ? "-" + state.channel : ""}`;

const findState = (view: ConsentView, key: string, channel: string | null) =>
  view.purposes.find((p) => p.key === key)?.states.find((s) => s.channel === channel);

/**
 * What "opt out of everything optional" switches off: every optional switch that is on, waiting, or paused (a pause
 * would come back on by itself; the server ends it with the rest).
 */
const optedIn = (view?: ConsentView): Target[] =>
  (view?.purposes ?? [])
    .filter((p) => p.mechanism !== "required")
    .flatMap((purpose) =>
      purpose.states
        .filter((state) => state.granted || state.state === "pending" || state.state === "paused")
        .map((state) => ({ purpose, state })),
    );

/** Purposes by category, in the catalog's order of first appearance; uncategorised last. */
const groups = (purposes: Purpose[]): [string, Purpose[]][] => {
  const byCategory = new Map<string, Purpose[]>();
  for (const p of purposes) {
    const category = p.category || "";
    byCategory.set(category, [...(byCategory.get(category) ?? []), p]);
  }
  return [...byCategory.entries()].sort(([a], [b]) => (a === "" ? 1 : 0) - (b === "" ? 1 : 0));
};
