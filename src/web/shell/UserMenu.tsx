import { useState } from "react";
import { Avatar } from "../components/Avatar";
import { Badge } from "../components/Badge";
import { Icon } from "../components/Icon";
import { Menu, type MenuItem } from "../components/Menu";
import { useToast } from "../components/Toast";
import { ChangePasswordDialog } from "../features/auth/ChangePasswordDialog";
import { useSession } from "../features/auth/session";
import { useRouter } from "../router";
import { setThemePreference, useTheme } from "../theme";

/** The account button in the top bar and the dialogs it opens. */
export function UserMenu() {
  const { user, can, signOut } = useSession();
  const { navigate } = useRouter();
  const { preference } = useTheme();
  const toast = useToast();
  const [passwordOpen, setPasswordOpen] = useState(false);

  const items: (MenuItem | "separator")[] = [{ label: "Change password", icon: "lock", onSelect: () => setPasswordOpen(true) }];
  if (can("tokens.own", "tokens.admin")) {
    items.push({ label: "API tokens", icon: "key", onSelect: () => navigate("/admin/tokens") });
  }
  if (preference !== "system") {
    items.push({ label: "Use system theme", icon: "monitor", onSelect: () => setThemePreference("system") });
  }
  items.push("separator", {
    label: "Sign out",
    icon: "logOut",
    tone: "danger",
    onSelect: () => {
      signOut()
        .then(() => navigate("/", { replace: true }))
        .catch(() => toast.error("Could not sign out", "The server did not answer; your session ends when it expires."));
    },
  });

  return (
    <>
      <Menu
        label="Account menu"
        triggerClassName="user-trigger"
        trigger={
          <>
            <Avatar name={user.name} seed={user.id} size={28} />
            <span className="user-trigger-name">{user.name}</span>
            <Icon name="chevronDown" size={14} className="user-trigger-chevron" />
          </>
        }
        header={
          <div className="user-menu-header">
            <strong className="truncate">{user.name}</strong>
            <span className="truncate subtle">{user.email}</span>
            <span>
              <Badge tone="accent">{user.role}</Badge>
            </span>
          </div>
        }
        items={items}
      />
      <ChangePasswordDialog open={passwordOpen} onClose={() => setPasswordOpen(false)} />
    </>
  );
}
