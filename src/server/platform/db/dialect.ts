/**
 * Everything that differs between SQLite and PostgreSQL lives here: column types used by
 * migrations, value conversions and the row-locking clause used when claiming work.
 */
import { sql, type Kysely, type ColumnDataType, type Expression } from "kysely";

export type DialectName = "sqlite" | "postgres";

const dialectOf = new WeakMap<object, DialectName>();

/** Remembers which dialect a Kysely instance speaks (set once by openDb). */
export function registerDialect(db: Kysely<any>, name: DialectName): void {
  dialectOf.set(db, name);
}

/** The dialect of a database handle; transactions inherit it from their parent through the executor. */
export function dialect(db: Kysely<any>): DialectName {
  const direct = dialectOf.get(db);
  if (direct) return direct;
  const adapter = db.getExecutor().adapter;
  return adapter.constructor.name.startsWith("Postgres") ? "postgres" : "sqlite";
}

/** True when the handle talks to PostgreSQL. */
export function isPostgres(db: Kysely<any>): boolean {
  return dialect(db) === "postgres";
}

/** Column type for timestamps: timestamptz on PostgreSQL, ISO text on SQLite. */
export function timestampType(db: Kysely<any>): ColumnDataType | Expression<unknown> {
  return isPostgres(db) ? "timestamptz" : "text";
}

/** Column type for booleans. */
export function booleanType(db: Kysely<any>): ColumnDataType {
  return isPostgres(db) ? "boolean" : "integer";
}

/** Column type for JSON documents (stored as text on both, parsed by the services). */
export function jsonType(_db: Kysely<any>): ColumnDataType {
  return "text";
}

/** Adds an auto-increment integer primary key column named `id`. */
export function autoIdType(db: Kysely<any>): ColumnDataType {
  return isPostgres(db) ? "bigserial" : "integer";
}

/**
 * `<column> <among(db, values)>`: the column is one of the text values, passed as one
 * parameter whatever their number (PostgreSQL `= any($1::text[])`, SQLite `in (select value
 * from json_each(?))`), so the statement's text, and its prepared plan, is the same for any list.
 */
export function among(db: Kysely<any>, values: readonly string[]) {
  return isPostgres(db) ? sql`= any(${values}::text[])` : sql`in (select value from json_each(${JSON.stringify(values)}))`;
}

/** The boolean default literal for the dialect. */
export function boolLiteral(db: Kysely<any>, value: boolean) {
  return isPostgres(db) ? sql.lit(value) : sql.lit(value ? 1 : 0);
}

/**
 * better-sqlite3 cannot bind JS booleans: the SQLite driver passes every parameter list through
 * this, which turns them into 1/0 (the same list back when there is none, the usual case).
 */
export function sqliteBindable(parameters: readonly unknown[]): readonly unknown[] {
  for (let i = 0; i < parameters.length; i++) {
    if (typeof parameters[i] === "boolean") return parameters.map((v) => (typeof v === "boolean" ? (v ? 1 : 0) : v));
  }
  return parameters;
}

/** Converts a stored boolean (true/false on PostgreSQL, 1/0 on SQLite) to a JS boolean. */
export function toBool(value: unknown): boolean {
  return value === true || value === 1 || value === "1" || value === "t";
}
