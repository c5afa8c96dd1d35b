import { useEffect, type ReactNode } from "react";
import { IconButton } from "../../components/Button";
import { Logo } from "../../components/Icon";
import { setThemePreference, useTheme } from "../../theme";
import "./auth.css";

/** The frame of the signed-out pages: logo, one card, a theme switch. */
export function AuthLayout({ title, subtitle, children, footer }: { title: string; subtitle?: ReactNode; children: ReactNode; footer?: ReactNode }) {
  const { theme } = useTheme();
  useEffect(() => {
    document.title = `${title} · OpsDesk`;
  }, [title]);
  return (
    <div className="auth-page">
      <div className="auth-theme">
        <IconButton
          icon={theme === "dark" ? "sun" : "moon"}
          label={theme === "dark" ? "Switch to light theme" : "Switch to dark theme"}
          onClick={() => setThemePreference(theme === "dark" ? "light" : "dark")}
        />
      </div>
      <main className="auth-main">
        <div className="auth-brand">
          <Logo size={36} />
          <span>OpsDesk</span>
        </div>
        <div className="auth-card">
          <header className="auth-card-header">
            <h1>{title}</h1>
            {subtitle ? <p>{subtitle}</p> : null}
          </header>
          {children}
        </div>
        {footer ? <div className="auth-footer">{footer}</div> : null}
      </main>
    </div>
  );
}
