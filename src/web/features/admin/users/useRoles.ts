import { listRoles } from "../../../api/users";
import type { Role } from "../../../api/types";
import { useApi } from "../../../api/useApi";

/** The roles from the server, with a label lookup that falls back to the role's name. */
export function useRoles(): { roles: Role[]; labelOf: (name: string) => string; loading: boolean } {
  const { data, loading } = useApi((signal) => listRoles(signal), []);
  const roles = data?.items ?? [];
  return {
    roles,
    loading,
    labelOf: (name) => roles.find((role) => role.name === name)?.label ?? name.charAt(0).toUpperCase() + name.slice(1),
  };
}
