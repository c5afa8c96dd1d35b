import { useSession } from "../auth/session";
import type { TicketPermission } from "./ticketMeta";

/** What the signed-in user may do with tickets. */
export function useTicketAccess(): { canRead: boolean; canWrite: boolean; canAdmin: boolean; isRequester: boolean; canSeeDirectory: boolean } {
  const { permissions } = useSession();
  const has = (permission: TicketPermission) => permissions.includes(permission);
  const canRead = has("tickets.read");
  return {
    canRead,
    canWrite: has("tickets.write"),
    canAdmin: has("tickets.admin"),
    isRequester: !canRead && has("tickets.own"),
    canSeeDirectory: permissions.includes("users.read") && permissions.includes("groups.read"),
  };
}
