import { useEffect, useState } from "react";
import { listUsers } from "../../api/users";
import type { Ci, User } from "../../api/types";
import { Field, Select } from "../../components/Field";
import { CiPicker } from "../cmdb/detail/CiPicker";
import { useCatalog } from "../cmdb/useCmdb";
import { LEVEL_LABELS } from "./ticketMeta";
import "../cmdb/cmdb.css";
import type { Ref } from "./ticketTypes";

// the directory is read once per page load for the requester pickers
let usersPromise: Promise<User[]> | null = null;

/** Active users for the requester and watcher pickers. */
export function useUsers(enabled = true): User[] {
  const [users, setUsers] = useState<User[]>([]);
  useEffect(() => {
    if (!enabled) return;
    let live = true;
    if (!usersPromise) {
      usersPromise = listUsers({ sort: "name", limit: 500, active: true }).then((page) => page.items);
      usersPromise.catch(() => {
        usersPromise = null;
      });
    }
    usersPromise.then(
      (items) => live && setUsers(items),
      () => undefined,
    );
    return () => {
      live = false;
    };
  }, [enabled]);
  return users;
}

/** A select of users (the requester). */
export function UserSelect({ label, value, onChange, placeholder = "Nobody", error }: { label: string; value: string | null; onChange: (id: string | null) => void; placeholder?: string; error?: string }) {
  const users = useUsers();
  return (
    <Field label={label} error={error}>
      <Select
        placeholder={placeholder}
        value={value ?? ""}
        options={users.map((user) => ({ value: user.id, label: `${user.name} (${user.email})` }))}
        onChange={(event) => onChange(event.target.value || null)}
      />
    </Field>
  );
}

/** Impact and urgency (1 high … 3 low); the server derives the priority from its matrix. */
export function LevelSelect({ label, value, onChange }: { label: string; value: number; onChange: (level: number) => void }) {
  return (
    <Field label={label}>
      <Select value={String(value)} options={[1, 2, 3].map((level) => ({ value: String(level), label: LEVEL_LABELS[level]! }))} onChange={(event) => onChange(Number(event.target.value))} />
    </Field>
  );
}

/** The CMDB's CI search as a ticket field; a ticket's CI reference is enough to show it. */
export function TicketCiField({ value, onChange, error }: { value: Ref | null; onChange: (ci: Ref | null) => void; error?: string }) {
  const catalog = useCatalog();
  // the picker shows a full CI; a reference carries only id and name, which is all it reads
  const current = value ? ({ id: value.id, name: value.name, class: "" } as Ci) : null;
  return <CiPicker label="Configuration item" value={current} onChange={(ci) => onChange(ci ? { id: ci.id, name: ci.name } : null)} classLabel={catalog.classLabel} error={error} />;
}
