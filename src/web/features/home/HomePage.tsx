import { Badge } from "../../components/Badge";
import { Icon } from "../../components/Icon";
import { PageHeader } from "../../components/PageHeader";
import { useEffect } from "react";
import { Link, useRouter } from "../../router";
import { AREAS } from "../../shell/areas";
import { useSession } from "../auth/session";
import "./home.css";

function greeting(hour: number): string {
  if (hour < 5) return "Good evening";
  if (hour < 12) return "Good morning";
  if (hour < 18) return "Good afternoon";
  return "Good evening";
}

/** The landing page: a welcome, first steps for administrators and a card per area. */
export function HomePage() {
  const { user, can } = useSession();
  const { navigate } = useRouter();
  // Requesters have one place to go: their tickets.
  const requesterOnly = can("tickets.own") && !can("tickets.read");
  useEffect(() => {
    if (requesterOnly) navigate("/portal", { replace: true });
  }, [requesterOnly, navigate]);
  const firstName = user.name.trim().split(/\s+/)[0] ?? user.name;
  const areas = AREAS.filter((area) => !area.requires || can(...area.requires));

  const steps = [
    can("users.write") && {
      to: "/admin/users",
      icon: "users" as const,
      title: "Invite your team",
      text: "Add agents and requesters and give each the right role.",
    },
    can("groups.write") && {
      to: "/admin/groups",
      icon: "lifebuoy" as const,
      title: "Create assignment groups",
      text: "Groups such as Network Ops or Service Desk will own queues and on-call.",
    },
    can("tokens.own", "tokens.admin") && {
      to: "/admin/tokens",
      icon: "key" as const,
      title: "Connect your tools",
      text: "Create an API token for scripts, CI pipelines and integrations.",
    },
  ].filter((step): step is Exclude<typeof step, false> => Boolean(step));

  return (
    <div className="home">
      <PageHeader
        title={`${greeting(new Date().getHours())}, ${firstName}`}
        description="Welcome to OpsDesk, where your service desk and your operations share one picture."
      />

      {steps.length > 0 ? (
        <section className="home-section" aria-labelledby="home-start">
          <h2 id="home-start" className="home-section-title">
            Get started
          </h2>
          <ol className="home-steps">
            {steps.map((step, index) => (
              <li key={step.to}>
                <Link to={step.to} className="home-step">
                  <span className="home-step-number" aria-hidden="true">
                    {index + 1}
                  </span>
                  <span className="home-step-text">
                    <strong>{step.title}</strong>
                    <span>{step.text}</span>
                  </span>
                  <Icon name="arrowRight" size={16} className="home-step-arrow" />
                </Link>
              </li>
            ))}
          </ol>
        </section>
      ) : null}

      <section className="home-section" aria-labelledby="home-areas">
        <h2 id="home-areas" className="home-section-title">
          Your workspace
        </h2>
        <ul className="home-areas">
          {areas.map((area) => (
            <li key={area.path}>
              <Link to={area.path} className="home-area">
                <span className="home-area-top">
                  <span className="home-area-icon" aria-hidden="true">
                    <Icon name={area.icon} size={18} />
                  </span>
                  {area.status === "ready" ? (
                    <Badge tone="success" dot>
                      Available
                    </Badge>
                  ) : (
                    <Badge tone="neutral">Coming soon</Badge>
                  )}
                </span>
                <strong className="home-area-title">{area.label}</strong>
                <span className="home-area-summary">{area.summary}</span>
              </Link>
            </li>
          ))}
        </ul>
      </section>
    </div>
  );
}
