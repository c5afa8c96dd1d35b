import { describe, expect, it } from "vitest";
import { listFields } from "../../../server/modules/tickets/tickets.list";
import { LIST_FIELDS, TICKET_COLUMNS } from "./ticketColumns";
import type { Ticket } from "./ticketTypes";
import type { FlowsValue } from "./useFlows";

// The list page asks the API for LIST_FIELDS only (`fields=`): a column that reads any other
// field of a list item would show it empty, and a name the API does not know fails the page.
const asked = new Set(["id", ...LIST_FIELDS.split(",")]);

/** A list item holding only what the page asks for, that fails on a read of anything else. */
function listItem(): Ticket {
  const item: Record<string, unknown> = {
    id: 7,
    number: "INC0001007",
    title: "Disk full",
    major: true,
    kind: "incident",
    state: "new",
    priority: 2,
    assignmentGroup: { id: "g", name: "Network" },
    assignee: null,
    requester: { id: "u", name: "Ada" },
    ci: { id: "c", name: "web-01" },
    category: "hardware",
    tags: ["disk"],
    createdAt: "2026-12-01T10:00:00.000Z",
    updatedAt: "2026-12-01T11:00:00.000Z",
  };
  return new Proxy(item, {
    get(target, key) {
      if (typeof key === "string" && !asked.has(key) && !(key in Object.prototype)) throw new Error(`a column reads "${key}", which LIST_FIELDS does not ask for`);
      return target[key as string];
    },
  }) as unknown as Ticket;
}

describe("ticket list columns", () => {
  it("the fields the list asks for are fields of a list item", () => {
    expect(() => listFields(LIST_FIELDS)).not.toThrow();
  });

  it("every column renders from the asked-for fields alone", () => {
    const flows = {} as FlowsValue;
    for (const def of TICKET_COLUMNS) {
      const column = def.column(flows);
      expect(() => column.render(listItem()), def.key).not.toThrow();
    }
  });

  it("a column reading a field outside LIST_FIELDS is caught", () => {
    const item = listItem();
    expect(() => (item as unknown as { description: string }).description).toThrow(/description/);
  });
});
