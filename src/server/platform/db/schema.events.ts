/** Tables of the events module, as Kysely sees them (their migration is 0005+; see migrate.ts). */
// eslint-disable-next-line @typescript-eslint/no-empty-object-type
export interface EventsTables {}
