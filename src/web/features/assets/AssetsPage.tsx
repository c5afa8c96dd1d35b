import { PlannedArea } from "../../components/PlannedArea";

/** IT asset management (not built yet). */
export function AssetsPage() {
  return (
    <PlannedArea
      icon="cube"
      title="Assets"
      description="Hardware and software assets from order to disposal."
      emptyTitle="No assets yet"
      emptyText="Laptops, servers, phones and software will be tracked here through their lifecycle (ordered, in stock, deployed, in repair, retired, disposed), assigned to people and locations."
      features={[
        { icon: "monitor", title: "Hardware lifecycle", text: "Stock, assignment, repairs and disposal records." },
        { icon: "key", title: "Software licences", text: "Entitlements versus installs, so you know where you stand before an audit." },
        { icon: "book", title: "Contracts and warranties", text: "Renewal dates and coverage, with reminders before they lapse." },
        { icon: "arrowRight", title: "Imports", text: "CSV with match keys and a dry-run diff; Snipe-IT and GLPI columns understood." },
      ]}
    />
  );
}
