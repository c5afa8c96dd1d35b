import { useMemo, useState } from "react";
import type { CiClass } from "../../../api/types";
import { Input } from "../../../components/Field";

export interface ClassTreeProps {
  classes: CiClass[];
  /** The selected class name, "" for all. */
  value: string;
  onChange: (className: string) => void;
  /** Offer "All classes" (the empty choice); off where one class must be chosen. */
  allowAll?: boolean;
}

interface TreeRow {
  cls: CiClass;
  depth: number;
}

/** Parents first, children indented under them, siblings by label. */
function flatten(classes: CiClass[]): TreeRow[] {
  const children = new Map<string | null, CiClass[]>();
  for (const cls of classes) {
    const key = cls.parent && classes.some((c) => c.name === cls.parent) ? cls.parent : null;
    children.set(key, [...(children.get(key) ?? []), cls]);
  }
  const rows: TreeRow[] = [];
  const walk = (parent: string | null, depth: number) => {
    for (const cls of (children.get(parent) ?? []).sort((a, b) => a.label.localeCompare(b.label))) {
      rows.push({ cls, depth });
      walk(cls.name, depth + 1);
    }
  };
  walk(null, 0);
  return rows;
}

/** The class hierarchy as a filterable list; picking a class shows it and its subclasses. */
export function ClassTree({ classes, value, onChange, allowAll = true }: ClassTreeProps) {
  const [filter, setFilter] = useState("");
  const rows = useMemo(() => flatten(classes), [classes]);
  const text = filter.trim().toLowerCase();
  const visible = text
    ? rows.filter(({ cls }) => cls.label.toLowerCase().includes(text) || cls.name.includes(text))
    : rows;

  return (
    <nav className="class-tree" aria-label="CI classes">
      <Input
        className="class-tree-filter"
        type="search"
        aria-label="Filter classes"
        placeholder="Filter classes"
        value={filter}
        onChange={(event) => setFilter(event.target.value)}
      />
      <ul>
        {!text && allowAll ? (
          <li>
            <button type="button" className="class-tree-item" aria-current={value === "" ? "true" : undefined} onClick={() => onChange("")}>
              All classes
            </button>
          </li>
        ) : null}
        {visible.map(({ cls, depth }) => (
          <li key={cls.name}>
            <button
              type="button"
              className="class-tree-item"
              style={{ paddingLeft: 8 + (text ? 0 : depth) * 14 }}
              aria-current={value === cls.name ? "true" : undefined}
              title={cls.description || undefined}
              onClick={() => onChange(cls.name)}
            >
              {cls.label}
            </button>
          </li>
        ))}
        {visible.length === 0 ? <li className="ci-picker-empty">No class matches “{filter.trim()}”.</li> : null}
      </ul>
    </nav>
  );
}
