import { useEffect, useState } from "react";
import { addMember } from "../../../api/groups";
import type { Group, User } from "../../../api/types";
import { Alert } from "../../../components/Alert";
import { Button } from "../../../components/Button";
import { Modal } from "../../../components/Modal";
import { useApiForm } from "../../../components/useApiForm";
import { UserPicker } from "./UserPicker";

export interface AddMemberDialogProps {
  open: boolean;
  group: Group;
  memberIds: Set<string>;
  onClose: () => void;
  onAdded: (user: User) => void;
}

/** Picks a user and adds them to the group. */
export function AddMemberDialog({ open, group, memberIds, onClose, onAdded }: AddMemberDialogProps) {
  const form = useApiForm(["user"] as const);
  const [user, setUser] = useState<User | null>(null);

  useEffect(() => {
    if (open) {
      setUser(null);
      form.reset();
    }
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [open]);

  return (
    <Modal
      open={open}
      onClose={onClose}
      title={`Add member to ${group.name}`}
      dismissible={!form.busy}
      onSubmit={() =>
        void form.submit(
          async () => {
            await addMember(group.id, user!.id);
            onAdded(user!);
          },
          () => ({ user: user ? undefined : "Pick a person from the list." }),
        )
      }
      footer={
        <>
          <Button onClick={onClose} disabled={form.busy}>
            Cancel
          </Button>
          <Button type="submit" variant="primary" loading={form.busy}>
            Add member
          </Button>
        </>
      }
    >
      {form.formError ? <Alert tone="danger">{form.formError}</Alert> : null}
      <UserPicker
        label="User"
        value={user}
        excludeIds={memberIds}
        error={form.errors.user}
        onChange={(picked) => {
          setUser(picked);
          form.clearError("user");
        }}
      />
    </Modal>
  );
}
