import { useRef, useState } from "react";
import { toApiError } from "../../api/client";
import { useApi } from "../../api/useApi";
import { Alert } from "../../components/Alert";
import { Badge } from "../../components/Badge";
import { Button } from "../../components/Button";
import { Card } from "../../components/Card";
import { Checkbox } from "../../components/Field";
import { Time } from "../../components/Time";
import { useToast } from "../../components/Toast";
import { useAuth } from "../auth/session";
import { attachmentUrl, listAttachments, uploadAttachment } from "./ticketsApi";

const sizes = new Intl.NumberFormat(undefined, { maximumFractionDigits: 1 });

/** 1536 -> "1.5 KB". */
export function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${sizes.format(bytes / 1024)} KB`;
  return `${sizes.format(bytes / 1024 / 1024)} MB`;
}

/** Files on the ticket: download, and upload (agents choose whether the requester sees it). */
export function AttachmentsCard({ ticketRef, canUpload, agent, version, onUploaded }: { ticketRef: string; canUpload: boolean; agent: boolean; version: number; onUploaded: () => void }) {
  const toast = useToast();
  const { state } = useAuth();
  const csrf = state.status === "signed-in" ? state.session.csrfToken : "";
  const files = useApi((signal) => listAttachments(ticketRef, signal), [ticketRef, version]);
  const input = useRef<HTMLInputElement>(null);
  const [isPublic, setIsPublic] = useState(true);
  const [busy, setBusy] = useState(false);

  async function upload(list: FileList | null) {
    if (!list || list.length === 0) return;
    setBusy(true);
    try {
      for (const file of Array.from(list)) {
        await uploadAttachment(ticketRef, file, csrf, agent ? isPublic : true);
        toast.success("File attached", file.name);
      }
      files.reload();
      onUploaded();
    } catch (failure) {
      toast.error("The file could not be attached", toApiError(failure).message);
    } finally {
      setBusy(false);
      if (input.current) input.current.value = "";
    }
  }

  const items = files.data?.items ?? [];
  return (
    <Card
      title="Attachments"
      actions={
        canUpload ? (
          <>
            <input ref={input} type="file" multiple hidden aria-label="Choose files to attach" onChange={(event) => void upload(event.target.files)} />
            <Button size="sm" icon="plus" loading={busy} onClick={() => input.current?.click()}>
              Attach
            </Button>
          </>
        ) : null
      }
    >
      {canUpload && agent ? <Checkbox label="Visible to the requester" checked={isPublic} onChange={(event) => setIsPublic(event.target.checked)} /> : null}
      {files.error ? <Alert tone="danger">{files.error.message}</Alert> : null}
      {items.length === 0 && !files.loading ? <p className="subtle small">No files attached.</p> : null}
      <ul className="attachment-list" aria-label="Attached files">
        {items.map((file) => (
          <li key={file.id}>
            <a href={attachmentUrl(ticketRef, file.id)} download={file.filename}>
              {file.filename}
            </a>
            <span className="subtle small">
              {formatBytes(file.size)} · <Time value={file.createdAt} />
            </span>
            {agent && !file.public ? <Badge tone="warning">Internal</Badge> : null}
          </li>
        ))}
      </ul>
    </Card>
  );
}
