import { Badge } from "./Badge";
import { EmptyState } from "./EmptyState";
import { Icon, type IconName } from "./Icon";
import { PageHeader } from "./PageHeader";
import "./PlannedArea.css";

export interface PlannedFeature {
  icon: IconName;
  title: string;
  text: string;
}

export interface PlannedAreaProps {
  icon: IconName;
  title: string;
  description: string;
  emptyTitle: string;
  emptyText: string;
  features: PlannedFeature[];
}

/** The page of an area that is not built yet: what it will hold, so nobody wonders. */
export function PlannedArea({ icon, title, description, emptyTitle, emptyText, features }: PlannedAreaProps) {
  return (
    <>
      <PageHeader title={title} description={description} actions={<Badge tone="info">In development</Badge>} />
      <div className="planned">
        <EmptyState icon={icon} title={emptyTitle} description={emptyText}>
          <ul className="planned-features" aria-label={`What ${title} will offer`}>
            {features.map((feature) => (
              <li key={feature.title} className="planned-feature">
                <span className="planned-feature-icon" aria-hidden="true">
                  <Icon name={feature.icon} size={16} />
                </span>
                <div>
                  <h3>{feature.title}</h3>
                  <p>{feature.text}</p>
                </div>
              </li>
            ))}
          </ul>
        </EmptyState>
      </div>
    </>
  );
}
