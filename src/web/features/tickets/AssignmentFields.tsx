import { useEffect, useState } from "react";
import { listGroups, listMembers } from "../../api/groups";
import type { Group, User } from "../../api/types";
import { Field, Select } from "../../components/Field";

export interface Assignment {
  assignmentGroupId: string | null;
  assigneeId: string | null;
}

// the group list is small and changes rarely: one request per page load
let groupsPromise: Promise<Group[]> | null = null;

/** Every group, for pickers (empty without groups.read). */
export function useAllGroups(enabled = true): Group[] {
  const [groups, setGroups] = useState<Group[]>([]);
  useEffect(() => {
    if (!enabled) return;
    let live = true;
    if (!groupsPromise) {
      groupsPromise = listGroups({ sort: "name", limit: 500 }).then((page) => page.items);
      groupsPromise.catch(() => {
        groupsPromise = null;
      });
    }
    groupsPromise.then(
      (items) => live && setGroups(items),
      () => undefined,
    );
    return () => {
      live = false;
    };
  }, [enabled]);
  return groups;
}

/** Assignment group and assignee; the assignee list holds the chosen group's members. */
export function AssignmentFields({
  value,
  onChange,
  errors = {},
}: {
  value: Assignment;
  onChange: (next: Assignment) => void;
  errors?: Partial<Record<keyof Assignment, string>>;
}) {
  const groups = useAllGroups();
  const [members, setMembers] = useState<User[]>([]);
  const groupId = value.assignmentGroupId;

  useEffect(() => {
    if (!groupId) {
      setMembers([]);
      return;
    }
    const controller = new AbortController();
    listMembers(groupId, controller.signal).then(
      (answer) => setMembers(answer.items.filter((user) => user.active)),
      () => undefined,
    );
    return () => controller.abort();
  }, [groupId]);

  return (
    <>
      <Field label="Assignment group" error={errors.assignmentGroupId}>
        <Select
          placeholder="No group"
          value={groupId ?? ""}
          options={groups.map((group) => ({ value: group.id, label: group.name }))}
          onChange={(event) => onChange({ assignmentGroupId: event.target.value || null, assigneeId: null })}
        />
      </Field>
      <Field label="Assignee" error={errors.assigneeId} hint={groupId ? undefined : "Choose a group first; the assignee is one of its members."}>
        <Select
          placeholder="Unassigned"
          disabled={!groupId}
          value={value.assigneeId ?? ""}
          options={members.map((user) => ({ value: user.id, label: user.name }))}
          onChange={(event) => onChange({ ...value, assigneeId: event.target.value || null })}
        />
      </Field>
    </>
  );
}
