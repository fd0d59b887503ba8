import type UserRepresentation from "@keycloak/keycloak-admin-client/lib/defs/userRepresentation";
import { useAdminClient, useRealm, ViewHeader } from "@keycloak/keycloak-admin-ui";
import {
  ActionGroup,
  Alert,
  Button,
  Card,
  CardBody,
  CardTitle,
  Form,
  FormGroup,
  FormHelperText,
  FormSelect,
  FormSelectOption,
  HelperText,
  HelperTextItem,
  PageSection,
  Spinner,
  TextArea,
  Toolbar,
  ToolbarContent,
  ToolbarItem,
} from "@patternfly/react-core";
import { ExpandableRowContent, InnerScrollContainer, Table, Tbody, Td, Th, Thead, Tr } from "@patternfly/react-table";
import { useEffect, useMemo, useState, type FormEvent } from "react";
import { useTranslation } from "react-i18next";
import { Link, useParams } from "react-router-dom";
import { AdminConsentApi, save, type Change, type ConsentView, type HistoryEntry, type Notice, type Text } from "./api";
import { changeWord, how, stateWord, when } from "./format";
import { DataTable, useMessages } from "./parts";

const PAGE = 20;

/**
 * Users → a user → Consent: what the person has chosen and why (each purpose and channel with its effective state,
 * the explicit answer, version, when, via and by whom), the whole history with the text each answer was given to,
 * the receipt, and a change on the person's behalf with a reason (manage-users only; the server decides).
 */
export default function UserConsent() {
  // the realm of the route, not the console's current one: opened by URL (a link, a bookmark) in another realm
  // than the one signed in to, the console's context keeps the realm it started with
  const { realm: routeRealm, id } = useParams<{ realm: string; id: string }>();
  const { adminClient } = useAdminClient();
  const { realm: contextRealm } = useRealm();
  const realm = routeRealm ?? contextRealm;
  const { t, i18n } = useTranslation();
  const api = useMemo(() => new AdminConsentApi(adminClient, realm), [adminClient, realm]);
  const [user, setUser] = useState<UserRepresentation | null>();
  const [view, setView] = useState<ConsentView>();
  const [history, setHistory] = useState<HistoryEntry[]>();
  const [notices, setNotices] = useState<Notice[]>();
  const [first, setFirst] = useState(0);
  const { message, fail, done, area } = useMessages();

  // an answer for a person or realm the page no longer shows is dropped
  useEffect(() => {
    let live = true;
    const keep =
      <T,>(set: (value: T) => void) =>
      (value: T) => {
        if (live) set(value);
      };
    adminClient.users
      .findOne({ realm, id: id!, userProfileMetadata: false })
      .then(keep((u?: UserRepresentation) => setUser(u ?? null)))
      .catch(keep(fail));
    api.user(id!).then(keep(setView)).catch(keep(fail));
    api.notices(id!).then(keep(setNotices)).catch(keep(fail));
    return () => {
      live = false;
    };
  }, [adminClient, api, realm, id, fail]);

  useEffect(() => {
    let live = true;
    api
      .history(id!, first, PAGE + 1)
      .then((rows) => live && setHistory(rows))
      .catch((e) => live && fail(e));
    return () => {
      live = false;
    };
  }, [api, id, first, fail]);

  const download = async (signed: boolean) => {
    try {
      const stamp = new Date().toISOString().slice(0, 10);
      save(await api.receipt(id!, signed), `consent-receipt-${realm}-${user?.username ?? id}-${stamp}.${signed ? "jws" : "json"}`);
    } catch (e) {
      fail(e);
    }
  };

  if (user === null) {
    return (
      <PageSection>
        <Alert variant="danger" isInline title={t("idcAdminNoUser")} />
      </PageSection>
    );
  }
  if (!user || !view) {
    return message ? (
      <PageSection>
        <Alert variant={message.variant} isInline title={message.text} />
      </PageSection>
    ) : (
      <Spinner />
    );
  }

  const mayChange = (user.access as Record<string, boolean> | undefined)?.manage === true;
  return (
    <>
      <ViewHeader titleKey={user.username ?? id!} noTranslate subKey={t("idcAdminUserIntro")} divider={false} />
      <PageSection variant="light" className="pf-v5-u-pt-0">
        <Link to={`/${encodeURIComponent(realm)}/users/${encodeURIComponent(id!)}/settings`} id="idc-back-to-user">
          {t("idcAdminBackToUser", { name: user.username })}
        </Link>
      </PageSection>
      <PageSection>
        {area}
        <Card className="pf-v5-u-mb-md">
          <CardTitle component="h2">{t("idcAdminChoices")}</CardTitle>
          <CardBody>
            {view.location && (
              <p id="idc-location" className="pf-v5-u-mb-sm">
                {t("idcAdminLocation", {
                  code: view.location.code ?? t("idcAdminCodeUnknown"),
                  regions: view.location.regions.join(", ") || "—",
                })}
              </p>
            )}
            <DataTable
              id="idc-choices"
              label={t("idcAdminChoices")}
              rows={view.purposes.flatMap((p) => p.states.map((state) => ({ p, s: state })))}
              rowKey={({ p, s }) => `${p.key}/${s.channel}`}
              rowId={({ p, s }) => `idc-choice-${p.key}-${s.channel ?? "all"}`}
              columns={[
                {
                  title: t("idcAdminPurpose"),
                  cell: ({ p }) => (
                    <>
                      {p.label}
                      <div className="pf-v5-u-color-200 pf-v5-u-font-size-sm">{p.key}</div>
                    </>
                  ),
                },
                { title: t("idcAdminChannel"), cell: ({ s }) => s.channel ?? "—" },
                { title: t("idcAdminEffective"), cell: ({ s }) => (s.granted ? t("idcAdminOn") : t("idcAdminOff")) },
                {
                  title: t("idcAdminAnswer"),
                  cell: ({ p, s }) =>
                    s.explicit
                      ? stateWord(t, s.state) + (s.frequency ? ` (${frequencyLabel(p, s.frequency)})` : "")
                      : t("idcAdminDefault", { mechanism: p.mechanism }) +
                        (p.region ? ` (${t("idcAdminRegionRule", { region: p.region })})` : ""),
                },
                { title: t("idcAdminVersion"), cell: ({ s }) => (s.explicit ? s.version : "—") },
                { title: t("idcAdminWhen"), wrap: true, cell: ({ s }) => when(s.changedAt, i18n.language) },
                { title: t("idcAdminHow"), wrap: true, cell: ({ s }) => (s.via ? how(t, s) : "—") },
              ]}
            />
            <Toolbar>
              <ToolbarContent>
                <ToolbarItem>
                  <Button variant="secondary" id="idc-receipt" onClick={() => download(false)}>
                    {t("idcAdminReceipt")}
                  </Button>
                </ToolbarItem>
                <ToolbarItem>
                  <Button variant="link" id="idc-receipt-signed" onClick={() => download(true)}>
                    {t("idcAdminReceiptSigned")}
                  </Button>
                </ToolbarItem>
              </ToolbarContent>
            </Toolbar>
          </CardBody>
        </Card>
        <Card className="pf-v5-u-mb-md">
          <CardTitle component="h2">{t("idcAdminOnBehalf")}</CardTitle>
          <CardBody>
            {mayChange ? (
              <OnBehalfForm
                view={view}
                onDone={async (next) => {
                  setView(next);
                  done(t("idcAdminRecorded"));
                  setFirst(0);
                  setHistory(await api.history(id!, 0, PAGE + 1));
                }}
                record={(reason, change) => api.onBehalf(id!, reason, [change], i18n.language)}
                fail={fail}
              />
            ) : (
              <p id="idc-view-only">{t("idcAdminViewOnly")}</p>
            )}
          </CardBody>
        </Card>
        <Card className="pf-v5-u-mb-md">
          <CardTitle component="h2">{t("idcAdminNotices")}</CardTitle>
          <CardBody>
            <p className="pf-v5-u-mb-sm">{t("idcAdminNoticesHelp")}</p>
            {!notices ? (
              <Spinner size="md" />
            ) : notices.length === 0 ? (
              <p id="idc-notices-none">{t("idcAdminNoNotices")}</p>
            ) : (
              <DataTable
                id="idc-notices"
                label={t("idcAdminNotices")}
                rows={notices}
                rowKey={(n) => `${n.purpose}/${n.version}/${n.surface}/${n.locale}`}
                columns={[
                  { title: t("idcAdminPurpose"), cell: (n) => n.purpose },
                  { title: t("idcAdminVersion"), cell: (n) => n.version },
                  { title: t("idcAdminSurface"), cell: (n) => n.surface + (n.clientId ? ` · ${n.clientId}` : "") },
                  { title: t("idcAdminLanguage"), cell: (n) => n.locale ?? "—" },
                  { title: t("idcAdminFirstShown"), wrap: true, cell: (n) => when(n.firstAt, i18n.language) },
                  { title: t("idcAdminLastShown"), wrap: true, cell: (n) => when(n.lastAt, i18n.language) },
                  { title: t("idcAdminTimes"), cell: (n) => n.times },
                ]}
              />
            )}
          </CardBody>
        </Card>
        <Card>
          <CardTitle component="h2">{t("idcAdminHistory")}</CardTitle>
          <CardBody>
            {history ? (
              <HistoryTable rows={history.slice(0, PAGE)} api={api} />
            ) : (
              <Spinner size="md" />
            )}
            <Toolbar>
              <ToolbarContent>
                <ToolbarItem>
                  <Button variant="secondary" isDisabled={first === 0} onClick={() => setFirst(Math.max(0, first - PAGE))}>
                    {t("idcAdminNewer")}
                  </Button>
                </ToolbarItem>
                <ToolbarItem>
                  <Button
                    variant="secondary"
                    isDisabled={!history || history.length <= PAGE}
                    onClick={() => setFirst(first + PAGE)}
                    id="idc-history-older"
                  >
                    {t("idcAdminOlder")}
                  </Button>
                </ToolbarItem>
              </ToolbarContent>
            </Toolbar>
          </CardBody>
        </Card>
      </PageSection>
    </>
  );
}

type FormProps = {
  view: ConsentView;
  record: (reason: string, change: Change) => Promise<ConsentView>;
  onDone: (view: ConsentView) => Promise<void>;
  fail: (e: unknown) => void;
};

/** One choice at a time, with the reason the record keeps; a required purpose cannot be switched off. */
const OnBehalfForm = ({ view, record, onDone, fail }: FormProps) => {
  const { t } = useTranslation();
  const changeable = view.purposes.filter((p) => p.mechanism !== "required");
  const [key, setKey] = useState(changeable[0]?.key ?? "");
  const purpose = changeable.find((p) => p.key === key);
  const [channel, setChannel] = useState<string>("");
  const [granted, setGranted] = useState("false");
  const [frequency, setFrequency] = useState("");
  const [reason, setReason] = useState("");
  const [busy, setBusy] = useState(false);
  const channels = purpose?.channels ?? [];
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    if (!purpose) return;
    setBusy(true);
    try {
      const next = await record(reason.trim(), {
        purpose: purpose.key,
        channel: channels.length ? channel || channels[0] : null,
        granted: granted === "true",
        version: purpose.version,
        // with a yes only; left out, the yes keeps the person's frequency (or the default)
        frequency: granted === "true" && frequency ? frequency : undefined,
      });
      setReason("");
      await onDone(next);
    } catch (err) {
      fail(err);
    } finally {
      setBusy(false);
    }
  };
  if (!changeable.length) return <p>{t("idcAdminNothingToChange")}</p>;
  return (
    <Form onSubmit={submit} id="idc-on-behalf" isWidthLimited>
      <HelperText>
        <HelperTextItem>{t("idcAdminOnBehalfHelp")}</HelperTextItem>
      </HelperText>
      <FormGroup label={t("idcAdminPurpose")} fieldId="idc-on-behalf-purpose" isRequired>
        <FormSelect
          id="idc-on-behalf-purpose"
          value={key}
          onChange={(_e, v) => (setKey(v), setChannel(""), setFrequency(""))}
        >
          {changeable.map((p) => (
            <FormSelectOption key={p.key} value={p.key} label={`${p.label} (${p.key})`} />
          ))}
        </FormSelect>
      </FormGroup>
      {channels.length > 0 && (
        <FormGroup label={t("idcAdminChannel")} fieldId="idc-on-behalf-channel">
          <FormSelect id="idc-on-behalf-channel" value={channel || channels[0]} onChange={(_e, v) => setChannel(v)}>
            {channels.map((c) => (
              <FormSelectOption key={c} value={c} label={c} />
            ))}
          </FormSelect>
        </FormGroup>
      )}
      <FormGroup label={t("idcAdminNewAnswer")} fieldId="idc-on-behalf-granted" isRequired>
        <FormSelect id="idc-on-behalf-granted" value={granted} onChange={(_e, v) => setGranted(v)}>
          <FormSelectOption value="false" label={t("idcAdminStateDenied")} />
          <FormSelectOption value="true" label={t("idcAdminStateGranted")} />
        </FormSelect>
      </FormGroup>
      {granted === "true" && purpose?.frequencies?.length ? (
        <FormGroup label={t("idcAdminFrequency")} fieldId="idc-on-behalf-frequency">
          <FormSelect id="idc-on-behalf-frequency" value={frequency} onChange={(_e, v) => setFrequency(v)}>
            <FormSelectOption value="" label={t("idcAdminFrequencyKeep")} />
            {purpose.frequencies.map((f) => (
              <FormSelectOption key={f.key} value={f.key} label={f.label} />
            ))}
          </FormSelect>
        </FormGroup>
      ) : null}
      <FormGroup label={t("idcAdminReason")} fieldId="idc-on-behalf-reason" isRequired>
        <TextArea
          id="idc-on-behalf-reason"
          value={reason}
          onChange={(_e, v) => setReason(v)}
          maxLength={1000}
          isRequired
          resizeOrientation="vertical"
        />
        <FormHelperText>
          <HelperText>
            <HelperTextItem>{t("idcAdminReasonHelp")}</HelperTextItem>
          </HelperText>
        </FormHelperText>
      </FormGroup>
      <ActionGroup>
        <Button type="submit" id="idc-on-behalf-save" isDisabled={busy || !reason.trim()} isLoading={busy}>
          {t("idcAdminRecord")}
        </Button>
      </ActionGroup>
    </Form>
  );
};

/** The label a purpose gives a frequency now; its key when it no longer offers it. */
const frequencyLabel = (purpose: ConsentView["purposes"][number], key: string) =>
  purpose.frequencies?.find((f) => f.key === key)?.label ?? key;

/** Newest first; a row opens to the exact words of the version answered, in the language they were shown in. */
const HistoryTable = ({ rows, api }: { rows: HistoryEntry[]; api: AdminConsentApi }) => {
  const { t, i18n } = useTranslation();
  const [open, setOpen] = useState<Record<number, boolean>>({});
  const [texts, setTexts] = useState<Record<string, Text[] | "refused">>({});
  const toggle = (row: HistoryEntry) => {
    setOpen({ ...open, [row.id]: !open[row.id] });
    if (!texts[row.purpose]) {
      api
        .texts(row.purpose)
        .then((list) => setTexts((now) => ({ ...now, [row.purpose]: list })))
        .catch(() => setTexts((now) => ({ ...now, [row.purpose]: "refused" })));
    }
  };
  if (!rows.length) return <p id="idc-history-empty">{t("idcAdminNoHistory")}</p>;
  return (
    <InnerScrollContainer>
    <Table aria-label={t("idcAdminHistory")} variant="compact" id="idc-history">
      <Thead>
        <Tr>
          <Th screenReaderText={t("idcAdminShowText")} />
          <Th modifier="wrap">{t("idcAdminWhen")}</Th>
          <Th modifier="wrap">{t("idcAdminPurpose")}</Th>
          <Th modifier="wrap">{t("idcAdminChannel")}</Th>
          <Th modifier="wrap">{t("idcAdminChange")}</Th>
          <Th modifier="wrap">{t("idcAdminVersion")}</Th>
          <Th modifier="wrap">{t("idcAdminHow")}</Th>
          <Th modifier="wrap">{t("idcAdminReason")}</Th>
        </Tr>
      </Thead>
      {rows.map((row, index) => {
        const list = texts[row.purpose];
        const text = Array.isArray(list) ? list.find((x) => x.version === row.version) : undefined;
        const words = text && row.locale && text.translations?.[row.locale] ? text.translations[row.locale] : text;
        return (
          <Tbody key={row.id} isExpanded={!!open[row.id]}>
            <Tr id={`idc-history-${row.id}`}>
              <Td expand={{ rowIndex: index, isExpanded: !!open[row.id], onToggle: () => toggle(row) }} />
              <Td dataLabel={t("idcAdminWhen")} modifier="wrap">{when(row.at, i18n.language)}</Td>
              <Td dataLabel={t("idcAdminPurpose")}>{row.purpose}</Td>
              <Td dataLabel={t("idcAdminChannel")}>{row.channel ?? "—"}</Td>
              <Td dataLabel={t("idcAdminChange")}>{changeWord(t, row)}</Td>
              <Td dataLabel={t("idcAdminVersion")}>{row.version}</Td>
              <Td dataLabel={t("idcAdminHow")} modifier="wrap">{how(t, row)}</Td>
              <Td dataLabel={t("idcAdminReason")} modifier="wrap">{row.reason ?? ""}</Td>
            </Tr>
            <Tr isExpanded={!!open[row.id]}>
              <Td colSpan={8}>
                <ExpandableRowContent>
                  {list === "refused" ? (
                    <p>{t("idcAdminTextRefused")}</p>
                  ) : !list ? (
                    <Spinner size="md" />
                  ) : !words ? (
                    <p>{t("idcAdminTextMissing", { version: row.version })}</p>
                  ) : (
                    <div className="idc-shown-text" id={`idc-history-text-${row.id}`}>
                      <p>{t("idcAdminTextShown", { version: row.version, locale: row.locale ?? text?.locale ?? "—" })}</p>
                      <p>
                        <strong>{words.label}</strong>
                      </p>
                      {words.description && <p>{words.description}</p>}
                      {text!.recipients.length > 0 && <p>{t("idcAdminRecipients", { names: text!.recipients.join(", ") })}</p>}
                    </div>
                  )}
                </ExpandableRowContent>
              </Td>
            </Tr>
          </Tbody>
        );
      })}
    </Table>
    </InnerScrollContainer>
  );
};
