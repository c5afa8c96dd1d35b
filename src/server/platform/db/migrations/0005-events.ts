/**
 * Placeholder slot, filled before the first release that contains it.
 * Frozen once released: never edit after release; add a new migration instead.
 */
import type { Kysely } from "kysely";

export async function up(_db: Kysely<any>): Promise<void> {}
