import { useState } from "react";
import { Button, IconButton } from "../../components/Button";
import { Field, Input } from "../../components/Field";
import { Modal } from "../../components/Modal";
import { Link } from "../../router";
import { FILTER_KEYS, loadUserFilters, matchesFilter, PREDEFINED_FILTERS, storeUserFilters, type SavedFilter } from "./savedFilters";

/** The saved filters beside a ticket list: predefined ones, the agent's own, and "Save current". */
export function SavedFiltersNav({ params, onApply }: { params: URLSearchParams; onApply: (filter: SavedFilter) => void }) {
  const [mine, setMine] = useState<SavedFilter[]>(loadUserFilters);
  const [saving, setSaving] = useState(false);
  const [name, setName] = useState("");
  const [error, setError] = useState<string | undefined>(undefined);
  const current = Object.fromEntries(FILTER_KEYS.flatMap((key) => (params.get(key) ? [[key, params.get(key)!]] : [])));
  const hasFilters = Object.keys(current).length > 0;

  const update = (next: SavedFilter[]) => {
    setMine(next);
    storeUserFilters(next);
  };

  const item = (filter: SavedFilter) => {
    const active = matchesFilter(filter, params);
    return (
      <li key={filter.id} className="saved-filter">
        <button type="button" className="saved-filter-link" aria-current={active ? "true" : undefined} onClick={() => onApply(filter)}>
          {filter.name}
        </button>
        {filter.builtin ? null : (
          <IconButton icon="trash" size="sm" label={`Delete saved filter ${filter.name}`} onClick={() => update(mine.filter((f) => f.id !== filter.id))} />
        )}
      </li>
    );
  };

  return (
    <nav className="saved-filters" aria-label="Saved filters">
      <p className="saved-filters-title">Filters</p>
      <ul>
        <li className="saved-filter">
          <button
            type="button"
            className="saved-filter-link"
            aria-current={!hasFilters ? "true" : undefined}
            onClick={() => onApply({ id: "all", name: "All tickets", params: {} })}
          >
            All tickets
          </button>
        </li>
        {PREDEFINED_FILTERS.map(item)}
      </ul>
      {mine.length ? (
        <>
          <p className="saved-filters-title">My filters</p>
          <ul>{mine.map(item)}</ul>
        </>
      ) : null}
      <p className="saved-filters-title">Problem management</p>
      <ul>
        <li className="saved-filter">
          <Link className="saved-filter-link" to="/service-desk/known-errors">
            Known errors
          </Link>
        </li>
        <li className="saved-filter">
          <Link className="saved-filter-link" to="/service-desk/problem-suggestions">
            Problem suggestions
          </Link>
        </li>
      </ul>
      <Button
        size="sm"
        variant="ghost"
        icon="plus"
        disabled={!hasFilters}
        title={hasFilters ? undefined : "Set a filter first"}
        onClick={() => {
          setName("");
          setError(undefined);
          setSaving(true);
        }}
      >
        Save current filter
      </Button>
      <Modal
        open={saving}
        onClose={() => setSaving(false)}
        title="Save filter"
        description="Saved filters are kept in this browser."
        size="sm"
        onSubmit={() => {
          const trimmed = name.trim();
          if (!trimmed) return setError("Give the filter a name");
          update([...mine, { id: `user-${Date.now().toString(36)}`, name: trimmed, params: current }]);
          setSaving(false);
        }}
        footer={
          <>
            <Button onClick={() => setSaving(false)}>Cancel</Button>
            <Button variant="primary" type="submit">
              Save
            </Button>
          </>
        }
      >
        <Field label="Name" required error={error}>
          <Input value={name} onChange={(event) => setName(event.target.value)} maxLength={60} />
        </Field>
      </Modal>
    </nav>
  );
}
