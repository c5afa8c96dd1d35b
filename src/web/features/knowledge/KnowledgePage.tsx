import { PlannedArea } from "../../components/PlannedArea";

/** Knowledge base (not built yet). */
export function KnowledgePage() {
  return (
    <PlannedArea
      icon="book"
      title="Knowledge"
      description="Answers your team writes once and reuses every day."
      emptyTitle="No articles yet"
      emptyText="Knowledge articles will be published here, found with full-text search and suggested to agents while they work on an incident."
      features={[
        { icon: "pencil", title: "Article lifecycle", text: "Draft, review, published and retired, with versions." },
        { icon: "search", title: "Full-text search", text: "Find the fix in seconds, in the portal and in the agent workspace." },
        { icon: "sparkle", title: "Suggestions", text: "Matching articles shown while a user describes their issue." },
        { icon: "checkCircle", title: "From resolution to article", text: "Turn a resolved incident into an article in one step." },
      ]}
    />
  );
}
