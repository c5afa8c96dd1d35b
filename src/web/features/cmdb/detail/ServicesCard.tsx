import { getImpactedServices } from "../../../api/cmdb";
import { useApi } from "../../../api/useApi";
import { Alert } from "../../../components/Alert";
import { Card } from "../../../components/Card";
import { LoadingBlock } from "../../../components/Spinner";
import { Link } from "../../../router";
import { OperationalBadge } from "../StatusBadges";

/** The business services this CI's failure would impact, with how far away each is. */
export function ServicesCard({ ciId, version }: { ciId: string; version: number }) {
  const services = useApi((signal) => getImpactedServices(ciId, signal), [ciId, version]);
  const items = services.data?.items ?? [];
  return (
    <Card title="Impacted business services" description="Where an outage of this CI would be felt.">
      {services.error ? (
        <Alert tone="danger">{services.error.message}</Alert>
      ) : !services.data ? (
        <LoadingBlock label="Loading impacted services" />
      ) : items.length === 0 ? (
        <p className="subtle" style={{ margin: 0 }}>
          No business service depends on this CI.
        </p>
      ) : (
        <ul className="rel-list" aria-label="Impacted business services">
          {items.map((item) => (
            <li key={item.ci.id} className="rel-item" style={{ paddingInline: 0 }}>
              <span className="ci-name-cell">
                <Link to={`/cmdb/cis/${item.ci.id}`} className="ci-name">
                  {item.ci.name}
                </Link>
                <span className="ci-sub">{item.depth === 1 ? "Direct" : `${item.depth} hops away`}</span>
              </span>
              <OperationalBadge status={item.ci.operationalStatus} />
            </li>
          ))}
        </ul>
      )}
    </Card>
  );
}
