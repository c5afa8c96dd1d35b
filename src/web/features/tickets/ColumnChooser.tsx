import { useState } from "react";
import { Button } from "../../components/Button";
import { Checkbox } from "../../components/Field";
import { Modal } from "../../components/Modal";
import { TICKET_COLUMNS } from "./ticketColumns";

/** A "Columns" button opening a dialog of checkboxes; the number column always stays. */
export function ColumnChooser({ value, onChange }: { value: string[]; onChange: (keys: string[]) => void }) {
  const [open, setOpen] = useState(false);
  const [draft, setDraft] = useState<string[]>(value);
  return (
    <>
      <Button
        icon="filter"
        size="sm"
        onClick={() => {
          setDraft(value);
          setOpen(true);
        }}
      >
        Columns
      </Button>
      <Modal
        open={open}
        onClose={() => setOpen(false)}
        title="Choose columns"
        description="The columns you pick are remembered in this browser."
        size="sm"
        onSubmit={() => {
          onChange(draft);
          setOpen(false);
        }}
        footer={
          <>
            <Button onClick={() => setOpen(false)}>Cancel</Button>
            <Button variant="primary" type="submit">
              Apply
            </Button>
          </>
        }
      >
        <div className="column-choices">
          {TICKET_COLUMNS.map((column) => (
            <Checkbox
              key={column.key}
              label={column.label}
              checked={column.key === "number" || draft.includes(column.key)}
              disabled={column.key === "number"}
              onChange={(event) =>
                setDraft((current) => (event.target.checked ? [...current, column.key] : current.filter((key) => key !== column.key)))
              }
            />
          ))}
        </div>
      </Modal>
    </>
  );
}
