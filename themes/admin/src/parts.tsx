import { Alert, AlertActionCloseButton } from "@patternfly/react-core";
import { InnerScrollContainer, Table, Tbody, Td, Th, Thead, Tr } from "@patternfly/react-table";
import { useCallback, useState, type ReactNode } from "react";
import { useTranslation } from "react-i18next";
import { ApiError } from "./api";

/** A column of a {@link DataTable}: its heading (for screen readers only if hidden) and what a row shows in it. */
export type Column<T> = { title: string; cell: (row: T) => ReactNode; wrap?: boolean; titleHidden?: boolean };

/** A compact console table that scrolls sideways when it must; each row's id lets tests and links find it. */
export function DataTable<T>(props: {
  id: string;
  label: string;
  rows: T[];
  columns: Column<T>[];
  rowKey: (row: T) => string;
  rowId?: (row: T) => string;
}) {
  const { id, label, rows, columns, rowKey, rowId } = props;
  return (
    <InnerScrollContainer>
      <Table aria-label={label} variant="compact" id={id}>
        <Thead>
          <Tr>
            {columns.map((c, i) =>
              c.titleHidden ? (
                <Th key={i} screenReaderText={c.title} />
              ) : (
                <Th key={i} modifier="wrap">
                  {c.title}
                </Th>
              ),
            )}
          </Tr>
        </Thead>
        <Tbody>
          {rows.map((row) => (
            <Tr key={rowKey(row)} id={rowId?.(row)}>
              {columns.map((c, i) => (
                <Td key={i} dataLabel={c.title} modifier={c.wrap ? "wrap" : undefined}>
                  {c.cell(row)}
                </Td>
              ))}
            </Tr>
          ))}
        </Tbody>
      </Table>
    </InnerScrollContainer>
  );
}

type Message = { variant: "success" | "danger"; text: string };

/**
 * The page's one message line (a polite live region): what just worked, or why something did not — the server's
 * own sentence when it sent one.
 */
export function useMessages() {
  const { t } = useTranslation();
  const [message, setMessage] = useState<Message>();
  const fail = useCallback(
    (e: unknown) =>
      setMessage({
        variant: "danger",
        text: e instanceof ApiError && e.message ? e.message : t("idcAdminFailed", { status: (e as ApiError).status }),
      }),
    [t],
  );
  const done = useCallback((text: string) => setMessage({ variant: "success", text }), []);
  const area = (
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
  );
  return { message, fail, done, area };
}
