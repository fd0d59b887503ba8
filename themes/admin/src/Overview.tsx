import { useAccess, useAdminClient, useRealm, ViewHeader } from "@keycloak/keycloak-admin-ui";
import {
  Alert,
  AlertActionCloseButton,
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
import { InnerScrollContainer, Table, Tbody, Td, Th, Thead, Tr } from "@patternfly/react-table";
import { useCallback, useEffect, useMemo, useState } from "react";
import { useTranslation } from "react-i18next";
import { AdminConsentApi, ApiError, save, type Count, type Problem, type Webhook } from "./api";
import { when } from "./format";

const EXPORTS = [
  { id: "choices-csv", path: "export/choices?format=csv", file: "choices.csv" },
  { id: "choices-json", path: "export/choices?format=json", file: "choices.json" },
  { id: "history-csv", path: "export/history?format=csv", file: "history.csv" },
  { id: "history-iso", path: "export/history?format=iso-27560", file: "history-iso-27560.json" },
];

/**
 * Configure → Consent overview: how many people said what per purpose and channel, whether roles and records agree
 * (with the repair), how the webhook endpoints are doing (with retry now), and the exports. Buttons that change
 * something show only to admins who may do it; the server checks again.
 */
export default function Overview() {
  const { adminClient } = useAdminClient();
  const { realm } = useRealm();
  const { hasAccess } = useAccess();
  const { t, i18n } = useTranslation();
  const api = useMemo(() => new AdminConsentApi(adminClient, realm), [adminClient, realm]);
  const [counts, setCounts] = useState<{ people: number; counts: Count[] }>();
  const [problems, setProblems] = useState<Problem[]>();
  const [webhooks, setWebhooks] = useState<Webhook[]>();
  const [message, setMessage] = useState<{ variant: "success" | "danger"; text: string }>();
  const [busy, setBusy] = useState(false);

  const fail = useCallback(
    (e: unknown) =>
      setMessage({
        variant: "danger",
        text: e instanceof ApiError && e.message ? e.message : t("idcAdminFailed", { status: (e as ApiError).status }),
      }),
    [t],
  );
  const load = useCallback(() => {
    api.counts().then(setCounts).catch(fail);
    api.integrity().then((i) => setProblems(i.problems)).catch(fail);
    api.webhooks().then(setWebhooks).catch(fail);
  }, [api, fail]);
  useEffect(load, [load]);

  const mayRepair = hasAccess("manage-realm", "manage-users");
  const mayRetry = hasAccess("manage-realm");
  const mayExport = hasAccess("view-realm", "view-users");

  const reconcile = async () => {
    setBusy(true);
    try {
      const { repaired } = await api.reconcile();
      setMessage({ variant: "success", text: t("idcAdminRepaired", { count: repaired.length }) });
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
      setMessage({ variant: "success", text: t("idcAdminRetrying", { url: hook.url }) });
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
        <div aria-live="polite" id="idc-admin-message">
          {message && (
            <Alert
              variant={message.variant}
              isInline
              title={message.text}
              actionClose={<AlertActionCloseButton onClose={() => setMessage(undefined)} />}
              className="pf-v5-u-mb-md"
            />
          )}
        </div>
        <Card className="pf-v5-u-mb-md">
          <CardTitle component="h2">{t("idcAdminCounts", { people: counts?.people ?? "…" })}</CardTitle>
          <CardBody>
            {!counts ? (
              <Spinner size="md" />
            ) : (
              <InnerScrollContainer>
              <Table aria-label={t("idcAdminCountsTable")} variant="compact" id="idc-counts">
                <Thead>
                  <Tr>
                    <Th modifier="wrap">{t("idcAdminPurpose")}</Th>
                    <Th modifier="wrap">{t("idcAdminChannel")}</Th>
                    <Th modifier="wrap">{t("idcAdminMechanism")}</Th>
                    <Th modifier="wrap">{t("idcAdminOn")}</Th>
                    <Th modifier="wrap">{t("idcAdminStateGranted")}</Th>
                    <Th modifier="wrap">{t("idcAdminStateDenied")}</Th>
                    <Th modifier="wrap">{t("idcAdminStatePending")}</Th>
                    <Th modifier="wrap">{t("idcAdminStateExpired")}</Th>
                    <Th modifier="wrap">{t("idcAdminNoAnswer")}</Th>
                  </Tr>
                </Thead>
                <Tbody>
                  {counts.counts.map((c) => (
                    <Tr key={`${c.purpose}/${c.channel}`} id={`idc-count-${c.purpose}-${c.channel ?? "all"}`}>
                      <Td dataLabel={t("idcAdminPurpose")}>{c.purpose}</Td>
                      <Td dataLabel={t("idcAdminChannel")}>{c.channel ?? "—"}</Td>
                      <Td dataLabel={t("idcAdminMechanism")}>{c.mechanism}</Td>
                      <Td dataLabel={t("idcAdminOn")}>{c.on}</Td>
                      <Td dataLabel={t("idcAdminStateGranted")}>{c.granted}</Td>
                      <Td dataLabel={t("idcAdminStateDenied")}>{c.denied}</Td>
                      <Td dataLabel={t("idcAdminStatePending")}>{c.pending}</Td>
                      <Td dataLabel={t("idcAdminStateExpired")}>{c.expired}</Td>
                      <Td dataLabel={t("idcAdminNoAnswer")}>{c.noAnswer}</Td>
                    </Tr>
                  ))}
                </Tbody>
              </Table>
              </InnerScrollContainer>
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
                <InnerScrollContainer>
                <Table aria-label={t("idcAdminIntegrity")} variant="compact" id="idc-problems">
                  <Thead>
                    <Tr>
                      <Th modifier="wrap">{t("idcAdminPurpose")}</Th>
                      <Th modifier="wrap">{t("idcAdminProblem")}</Th>
                      <Th modifier="wrap">{t("idcAdminRole")}</Th>
                      <Th modifier="wrap">{t("idcAdminConcerns")}</Th>
                    </Tr>
                  </Thead>
                  <Tbody>
                    {problems.map((p, i) => (
                      <Tr key={i}>
                        <Td dataLabel={t("idcAdminPurpose")}>{p.purpose}</Td>
                        <Td dataLabel={t("idcAdminProblem")}>{t(`idcAdminProblem_${p.kind}`, p.kind)}</Td>
                        <Td dataLabel={t("idcAdminRole")}>{p.role}</Td>
                        <Td dataLabel={t("idcAdminConcerns")}>{p.name ?? p.id ?? ""}</Td>
                      </Tr>
                    ))}
                  </Tbody>
                </Table>
                </InnerScrollContainer>
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
              <InnerScrollContainer>
              <Table aria-label={t("idcAdminWebhooks")} variant="compact" id="idc-webhooks">
                <Thead>
                  <Tr>
                    <Th modifier="wrap">{t("idcAdminEndpoint")}</Th>
                    <Th modifier="wrap">{t("idcAdminStatus")}</Th>
                    <Th modifier="wrap">{t("idcAdminBacklog")}</Th>
                    <Th modifier="wrap">{t("idcAdminLastSuccess")}</Th>
                    <Th modifier="wrap">{t("idcAdminLastError")}</Th>
                    <Th modifier="wrap">{t("idcAdminNextAttempt")}</Th>
                    <Th screenReaderText={t("idcAdminActions")} />
                  </Tr>
                </Thead>
                <Tbody>
                  {webhooks.map((w) => (
                    <Tr key={w.id} id={`idc-webhook-${w.id}`}>
                      <Td dataLabel={t("idcAdminEndpoint")}>
                        {w.url}
                        {w.description ? <div className="pf-v5-u-color-200">{w.description}</div> : null}
                      </Td>
                      <Td dataLabel={t("idcAdminStatus")}>
                        {!w.enabled ? (
                          <Label>{t("idcAdminDisabled")}</Label>
                        ) : w.status.failing ? (
                          <Label color="red">{t("idcAdminFailing")}</Label>
                        ) : (
                          <Label color="green">{t("idcAdminHealthy")}</Label>
                        )}
                      </Td>
                      <Td dataLabel={t("idcAdminBacklog")}>{w.status.backlog}</Td>
                      <Td dataLabel={t("idcAdminLastSuccess")}>{when(w.status.lastSuccessAt, i18n.language)}</Td>
                      <Td dataLabel={t("idcAdminLastError")} modifier="wrap">
                        {w.status.lastError
                          ? `${when(w.status.lastErrorAt, i18n.language)}: ${w.status.lastError}`
                          : "—"}
                      </Td>
                      <Td dataLabel={t("idcAdminNextAttempt")}>{when(w.status.nextAttemptAt, i18n.language)}</Td>
                      <Td isActionCell>
                        {mayRetry && w.enabled && (w.status.failing || w.status.backlog > 0) && (
                          <Button variant="secondary" size="sm" onClick={() => retry(w)}>
                            {t("idcAdminRetryNow")}
                          </Button>
                        )}
                      </Td>
                    </Tr>
                  ))}
                </Tbody>
              </Table>
              </InnerScrollContainer>
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
