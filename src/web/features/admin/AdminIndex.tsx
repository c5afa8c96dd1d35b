import { useEffect } from "react";
import { LoadingBlock } from "../../components/Spinner";
import { useRouter } from "../../router";
import { useSession } from "../auth/session";
import { ADMIN_SECTIONS } from "./AdminLayout";

/** /admin itself has no content: it forwards to the first section the user may open. */
export function AdminIndex() {
  const { can } = useSession();
  const { navigate } = useRouter();
  const target = ADMIN_SECTIONS.find((section) => can(...section.requires))?.to ?? "/";
  useEffect(() => navigate(target, { replace: true }), [navigate, target]);
  return <LoadingBlock />;
}
