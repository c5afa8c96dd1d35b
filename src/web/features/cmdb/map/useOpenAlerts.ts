import { useEffect, useState } from "react";
import { alertCounts } from "../../events/eventsApi";
import { useSession } from "../../auth/session";
import type { MapAlerts } from "./ServiceMapCanvas";

/** How often the map asks again which CIs have open alerts. */
const REFRESH_MS = 30_000;

/** Open alerts per CI for the service map, refreshed while the map is open (empty without events.read). */
export function useOpenAlerts(): MapAlerts {
  const { can } = useSession();
  const allowed = can("events.read");
  const [alerts, setAlerts] = useState<MapAlerts>(new Map());
  useEffect(() => {
    if (!allowed) return;
    let controller = new AbortController();
    const load = () => {
      controller.abort();
      controller = new AbortController();
      alertCounts(controller.signal).then(
        (counts) => setAlerts(new Map(counts.byCi.map((c) => [c.ciId, { severity: c.severity, count: c.count }]))),
        () => undefined, // the map stays usable without alert colours
      );
    };
    load();
    const timer = setInterval(load, REFRESH_MS);
    return () => {
      clearInterval(timer);
      controller.abort();
    };
  }, [allowed]);
  return alerts;
}
