/**
 * Everything that differs between SQLite and PostgreSQL lives here: column types used by
 * migrations, value conversions and the row-locking clause used when claiming work.
 */
import {
  OperationNodeTransformer,
  sql,
  type Kysely,
  type KyselyPlugin,
  type PluginTransformQueryArgs,
  type PluginTransformResultArgs,
  type QueryResult,
  type RootOperationNode,
  type UnknownRow,
  type ValueNode,
  type PrimitiveValueListNode,
  type ColumnDataType,
  type Expression,
} from "kysely";

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

/** The boolean default literal for the dialect. */
export function boolLiteral(db: Kysely<any>, value: boolean) {
  return isPostgres(db) ? sql.lit(value) : sql.lit(value ? 1 : 0);
}

/** better-sqlite3 cannot bind JS booleans: turn them into 1/0 before the query leaves Kysely. */
class BooleanToIntegerTransformer extends OperationNodeTransformer {
  protected override transformValue(node: ValueNode): ValueNode {
    const out = super.transformValue(node);
    if (typeof out.value === "boolean") return { ...out, value: out.value ? 1 : 0 };
    return out;
  }
  protected override transformPrimitiveValueList(node: PrimitiveValueListNode): PrimitiveValueListNode {
    const out = super.transformPrimitiveValueList(node);
    if (!out.values.some((v) => typeof v === "boolean")) return out;
    return { ...out, values: out.values.map((v) => (typeof v === "boolean" ? (v ? 1 : 0) : v)) };
  }
}

/** Kysely plugin applied to SQLite connections only. */
export class SqliteBooleanPlugin implements KyselyPlugin {
  readonly #transformer = new BooleanToIntegerTransformer();
  transformQuery(args: PluginTransformQueryArgs): RootOperationNode {
    return this.#transformer.transformNode(args.node);
  }
  async transformResult(args: PluginTransformResultArgs): Promise<QueryResult<UnknownRow>> {
    return args.result;
  }
}

/** Converts a stored boolean (true/false on PostgreSQL, 1/0 on SQLite) to a JS boolean. */
export function toBool(value: unknown): boolean {
  return value === true || value === 1 || value === "1" || value === "t";
}
