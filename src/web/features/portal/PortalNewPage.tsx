import { useState } from "react";
import { Alert } from "../../components/Alert";
import { Button } from "../../components/Button";
import { Card } from "../../components/Card";
import { Field, Input, Textarea } from "../../components/Field";
import { PageHeader } from "../../components/PageHeader";
import { useToast } from "../../components/Toast";
import { useApiForm } from "../../components/useApiForm";
import { useRouter, useSearchParams } from "../../router";
import { portalTicketPath } from "../tickets/ticketMeta";
import { createTicket } from "../tickets/ticketsApi";
import "./portal.css";

const FIELDS = ["title", "description"] as const;

/** A requester reports a problem (an incident) or asks for something (a request). */
export function PortalNewPage() {
  const [params] = useSearchParams();
  const kind = params.get("kind") === "request" ? "request" : "incident";
  const { navigate } = useRouter();
  const toast = useToast();
  const form = useApiForm(FIELDS);
  const [title, setTitle] = useState("");
  const [description, setDescription] = useState("");
  const heading = kind === "incident" ? "Report a problem" : "Request something";

  const submit = () =>
    form.submit(
      async () => {
        const created = await createTicket(kind, { title: title.trim(), description, channel: "portal" });
        toast.success(`${created.number} received`, "We will keep you posted here.");
        navigate(portalTicketPath(created.number));
      },
      () => ({ title: title.trim() ? undefined : kind === "incident" ? "Say in a few words what is wrong" : "Say in a few words what you need" }),
    );

  return (
    <div className="portal portal-narrow">
      <PageHeader title={heading} documentTitle={heading} breadcrumbs={[{ label: "My tickets", to: "/portal" }, { label: heading }]} />
      <Card>
        <form
          noValidate
          onSubmit={(event) => {
            event.preventDefault();
            void submit();
          }}
        >
          {form.formError ? <Alert tone="danger">{form.formError}</Alert> : null}
          <Field label={kind === "incident" ? "What is wrong?" : "What do you need?"} required error={form.errors.title}>
            <Input value={title} maxLength={300} onChange={(event) => (setTitle(event.target.value), form.clearError("title"))} />
          </Field>
          <Field label="Details" hint="What happened, since when, and what you already tried. You can attach files on the next page." error={form.errors.description}>
            <Textarea value={description} rows={6} onChange={(event) => setDescription(event.target.value)} />
          </Field>
          <div className="portal-form-actions">
            <Button onClick={() => navigate("/portal")} disabled={form.busy}>
              Cancel
            </Button>
            <Button variant="primary" type="submit" loading={form.busy}>
              Send
            </Button>
          </div>
        </form>
      </Card>
    </div>
  );
}
