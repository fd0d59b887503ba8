import { useAccess, useAdminClient, useRealm, ViewHeader } from "@keycloak/keycloak-admin-ui";
import {
  Alert,
  Button,
  Card,
  CardBody,
  CardTitle,
  Label,
  PageSection,
  Spinner,
  Toolbar,
  ToolbarContent,
  ToolbarItem,
} from "@patternfly/react-core";
import { useCallback, useEffect, useMemo, useRef, useState } from "react";
import { useParams } from "react-router-dom";
import { useTranslation } from "react-i18next";
import {
  AdminConsentApi,
  save,
  type CatalogPurpose,
  type Count,
  type Problem,
  type Senders,
  type Webhook,
} from "./api";
import { duration, when } from "./format";
import { DataTable, useMessages } from "./parts";

const EXPORTS = [
  { id: "choices-csv", path: "export/choices?format=csv", file: "choices.csv" },
  { id: "choices-json", path: "export/choices?format=json", file: "choices.json" },
  { id: "history-csv", path: "export/history?format=csv", file: "history.csv" },
  { id: "history-iso", path: "export/history?format=iso-27560", file: "history-iso-27560.json" },
];

/**
 * Configure → Consent overview: how many people said what per purpose and channel, whether roles and records agree
 * (with the repair), how the webhook endpoints are doing (with retry now), how fast opt-outs reach each sender (feed
 * readers and webhooks, late ones marked), and the exports. Buttons that change
 * something show only to admins who may do it; the server checks again.
 */
export default function Overview() {
  const { adminClient } = useAdminClient();
  // the realm of the route (see UserConsent): the console's context keeps the realm it started with
  const { realm: routeRealm } = useParams<{ realm: string }>();
  const { realm: contextRealm } = useRealm();
  const realm = routeRealm ?? contextRealm;
  const { hasAccess } = useAccess();
  const { t, i18n } = useTranslation();
  const api = useMemo(() => new AdminConsentApi(adminClient, realm), [adminClient, realm]);
  const [counts, setCounts] = useState<{ people: number; counts: Count[] }>();
  const [problems, setProblems] = useState<Problem[]>();
  const [webhooks, setWebhooks] = useState<Webhook[]>();
  const [senders, setSenders] = useState<Senders>();
  const [purposes, setPurposes] = useState<CatalogPurpose[]>();
  const [busy, setBusy] = useState(false);
  const { fail, done, area } = useMessages();
  // an answer for a realm the page no longer shows (opened by URL, it renders first with the realm signed in to)
  // is dropped
  const shown = useRef(api);
  shown.current = api;
  const load = useCallback(() => {
    const keep =
      <T,>(set: (value: T) => void) =>
      (value: T) => {
        if (shown.current === api) set(value);
      };
    api.counts().then(keep(setCounts)).catch(keep(fail));
    api.integrity().then(keep((i: { problems: Problem[] }) => setProblems(i.problems))).catch(keep(fail));
    api.webhooks().then(keep(setWebhooks)).catch(keep(fail));
    api.senders().then(keep(setSenders)).catch(keep(fail));
    api.purposes().then(keep(setPurposes)).catch(keep(fail));
  }, [api, fail]);
  useEffect(load, [load]);

  const mayRepair = hasAccess("manage-realm", "manage-users");
  const mayRetry = hasAccess("manage-realm");
  const mayExport = hasAccess("view-realm", "view-users");

  const reconcile = async () => {
    setBusy(true);
    try {
      const { repaired } = await api.reconcile();
      done(t("idcAdminRepaired", { count: repaired.length }));
      load();
    } catch (e) {
      fail(e);
    } finally {
      setBusy(false);
    }
  };
  const retry = async (hook: Webhook) => {
    try {
      await api.retryNow(hook.id);
      done(t("idcAdminRetrying", { url: hook.url }));
      load();
    } catch (e) {
      fail(e);
    }
  };
  const download = async (path: string, file: string) => {
    try {
      save(await api.download(path), `consent-${realm}-${file}`);
    } catch (e) {
      fail(e);
    }
  };

  return (
    <>
      <ViewHeader titleKey="idc-consent-overview" subKey={t("idcAdminOverviewIntro")} />
      <PageSection>
        {area}
        {/* a gating purpose that is opt-out somewhere opens its gate there to everyone who did not say no */}
        {(purposes ?? [])
          .filter((p) => p.gating && !p.retired)
          .flatMap((p) =>
            Object.entries(p.regions ?? {})
              .filter(([, mechanism]) => mechanism === "opt-out")
              .map(([region]) => (
                <Alert
                  key={`${p.key}/${region}`}
                  id={`idc-warning-${p.key}-${region}`}
                  className="pf-v5-u-mb-md"
                  variant="warning"
                  isInline
                  title={t("idcAdminGateOpen", { label: p.label, key: p.key, region })}
                />
              )),
          )}
        <Card className="pf-v5-u-mb-md">
          <CardTitle component="h2">{t("idcAdminCounts", { people: counts?.people ?? "…" })}</CardTitle>
          <CardBody>
            {!counts ? (
              <Spinner size="md" />
            ) : (
              <DataTable
                id="idc-counts"
                label={t("idcAdminCountsTable")}
                rows={counts.counts}
                rowKey={(c) => `${c.purpose}/${c.channel}/${c.region ?? ""}`}
                rowId={(c) =>
                  `idc-count-${c.purpose}-${c.channel ?? "all"}${c.region ? `-${c.region}` : ""}`
                }
                columns={[
                  {
                    title: t("idcAdminPurpose"),
                    // a purpose with regional rules has a line per region whose rule applies to someone
                    cell: (c) => (c.region ? `${c.purpose} (${c.region})` : c.purpose),
                  },
                  { title: t("idcAdminChannel"), cell: (c) => c.channel ?? "—" },
                  { title: t("idcAdminMechanism"), cell: (c) => c.mechanism },
                  { title: t("idcAdminOn"), cell: (c) => c.on },
                  { title: t("idcAdminStateGranted"), cell: (c) => c.granted },
                  { title: t("idcAdminStateDenied"), cell: (c) => c.denied },
                  { title: t("idcAdminStatePending"), cell: (c) => c.pending },
                  { title: t("idcAdminStateExpired"), cell: (c) => c.expired },
                  { title: t("idcAdminStatePaused"), cell: (c) => c.paused },
                  { title: t("idcAdminNoAnswer"), cell: (c) => c.noAnswer },
                ]}
              />
            )}
          </CardBody>
        </Card>
        <Card className="pf-v5-u-mb-md" id="idc-integrity">
          <CardTitle component="h2">{t("idcAdminIntegrity")}</CardTitle>
          <CardBody>
            {!problems ? (
              <Spinner size="md" />
            ) : problems.length === 0 ? (
              <p id="idc-integrity-ok">{t("idcAdminIntegrityOk")}</p>
            ) : (
              <>
                <DataTable
                  id="idc-problems"
                  label={t("idcAdminIntegrity")}
                  rows={problems}
                  rowKey={(p) => `${p.purpose}/${p.kind}/${p.role}/${p.id}`}
                  columns={[
                    { title: t("idcAdminPurpose"), cell: (p) => p.purpose },
                    { title: t("idcAdminProblem"), cell: (p) => t(`idcAdminProblem_${p.kind}`, p.kind) },
                    { title: t("idcAdminRole"), cell: (p) => p.role },
                    { title: t("idcAdminConcerns"), cell: (p) => p.name ?? p.id ?? "" },
                  ]}
                />
                {mayRepair ? (
                  <Button id="idc-reconcile" className="pf-v5-u-mt-md" onClick={reconcile} isLoading={busy} isDisabled={busy}>
                    {t("idcAdminReconcile")}
                  </Button>
                ) : (
                  <p>{t("idcAdminReconcileNotAllowed")}</p>
                )}
              </>
            )}
          </CardBody>
        </Card>
        <Card className="pf-v5-u-mb-md">
          <CardTitle component="h2">{t("idcAdminWebhooks")}</CardTitle>
          <CardBody>
            {!webhooks ? (
              <Spinner size="md" />
            ) : webhooks.length === 0 ? (
              <p>{t("idcAdminNoWebhooks")}</p>
            ) : (
              <DataTable
                id="idc-webhooks"
                label={t("idcAdminWebhooks")}
                rows={webhooks}
                rowKey={(w) => w.id}
                rowId={(w) => `idc-webhook-${w.id}`}
                columns={[
                  {
                    title: t("idcAdminEndpoint"),
                    cell: (w) => (
                      <>
                        {w.url}
                        {w.description ? <div className="pf-v5-u-color-200">{w.description}</div> : null}
                      </>
                    ),
                  },
                  {
                    title: t("idcAdminStatus"),
                    cell: (w) =>
                      !w.enabled ? (
                        <Label>{t("idcAdminDisabled")}</Label>
                      ) : w.status.failing ? (
                        <Label color="red">{t("idcAdminFailing")}</Label>
                      ) : (
                        <Label color="green">{t("idcAdminHealthy")}</Label>
                      ),
                  },
                  { title: t("idcAdminBacklog"), cell: (w) => w.status.backlog },
                  { title: t("idcAdminLastSuccess"), cell: (w) => when(w.status.lastSuccessAt, i18n.language) },
                  {
                    title: t("idcAdminLastError"),
                    wrap: true,
                    cell: (w) =>
                      w.status.lastError ? `${when(w.status.lastErrorAt, i18n.language)}: ${w.status.lastError}` : "—",
                  },
                  { title: t("idcAdminNextAttempt"), cell: (w) => when(w.status.nextAttemptAt, i18n.language) },
                  {
                    title: t("idcAdminActions"),
                    titleHidden: true,
                    cell: (w) =>
                      mayRetry &&
                      w.enabled &&
                      (w.status.failing || w.status.backlog > 0) && (
                        <Button variant="secondary" size="sm" onClick={() => retry(w)}>
                          {t("idcAdminRetryNow")}
                        </Button>
                      ),
                  },
                ]}
              />
            )}
          </CardBody>
        </Card>
        <Card className="pf-v5-u-mb-md" id="idc-senders-card">
          <CardTitle component="h2">{t("idcAdminSenders")}</CardTitle>
          <CardBody>
            {!senders ? (
              <Spinner size="md" />
            ) : (
              <>
                <p className="pf-v5-u-mb-md">
                  {t("idcAdminSendersIntro", { hours: senders.warningHours, days: senders.windowDays })}
                </p>
                {senders.senders.length === 0 ? (
                  <p>{t("idcAdminNoSenders")}</p>
                ) : (
                  <DataTable
                    id="idc-senders"
                    label={t("idcAdminSenders")}
                    rows={senders.senders}
                    rowKey={(s) => s.id}
                    rowId={(s) => `idc-sender-${s.id}`}
                    columns={[
                      {
                        title: t("idcAdminSender"),
                        cell: (s) => (
                          <>
                            {s.kind === "webhook"
                              ? (webhooks?.find((w) => w.id === s.name)?.url ?? s.name)
                              : s.name}
                            <div className="pf-v5-u-color-200">{t(`idcAdminSenderKind_${s.kind}`)}</div>
                          </>
                        ),
                      },
                      {
                        title: t("idcAdminStatus"),
                        cell: (s) =>
                          s.late ? (
                            <Label color="red">{t("idcAdminSenderLate")}</Label>
                          ) : s.oldestWaiting ? (
                            <Label color="blue">{t("idcAdminSenderWaiting")}</Label>
                          ) : (
                            <Label color="green">{t("idcAdminSenderUpToDate")}</Label>
                          ),
                      },
                      {
                        title: t("idcAdminOldestWaiting"),
                        wrap: true,
                        cell: (s) =>
                          s.oldestWaiting
                            ? t("idcAdminOldestWaitingValue", {
                                age: duration(s.oldestWaiting.ageSeconds, i18n.language),
                                purpose: s.oldestWaiting.purpose,
                              })
                            : "—",
                      },
                      { title: t("idcAdminOptOutsReached"), cell: (s) => s.optOuts },
                      { title: "p50", cell: (s) => duration(s.p50Seconds, i18n.language) },
                      { title: "p99", cell: (s) => duration(s.p99Seconds, i18n.language) },
                      { title: t("idcAdminMax"), cell: (s) => duration(s.maxSeconds, i18n.language) },
                      { title: t("idcAdminLastSeen"), cell: (s) => when(s.lastSeen, i18n.language) },
                    ]}
                  />
                )}
              </>
            )}
          </CardBody>
        </Card>
        <Card>
          <CardTitle component="h2">{t("idcAdminExports")}</CardTitle>
          <CardBody>
            {mayExport ? (
              <Toolbar>
                <ToolbarContent>
                  {EXPORTS.map((x) => (
                    <ToolbarItem key={x.id}>
                      <Button variant="secondary" id={`idc-export-${x.id}`} onClick={() => download(x.path, x.file)}>
                        {t(`idcAdminExport_${x.id.replace("-", "_")}`)}
                      </Button>
                    </ToolbarItem>
                  ))}
                </ToolbarContent>
              </Toolbar>
            ) : (
              <p>{t("idcAdminExportsNotAllowed")}</p>
            )}
          </CardBody>
        </Card>
      </PageSection>
    </>
  );
}
