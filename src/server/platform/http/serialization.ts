/**
 * Response serialisation. Every route declares the same error responses (and many share a
 * record schema); Fastify's default compiler builds a serializer per route and status, a
 * few thousand at start-up. Compiling each schema object once, when first needed, cuts
 * start-up time and memory.
 */
import fastJsonStringify from "fast-json-stringify";
import type { FastifySerializerCompiler } from "fastify/types/schema.js";

const compiled = new WeakMap<object, (data: unknown) => string>();

/** The serializer compiler installed on the Fastify app: one fast-json-stringify function per schema object. */
export const serializerCompiler: FastifySerializerCompiler<unknown> = ({ schema }) => {
  const key = schema as object;
  // Compiled on first use: most routes' error shapes are never needed at start-up.
  let serialize: ((data: unknown) => string) | undefined;
  return (data: unknown) => {
    if (!serialize) {
      serialize = compiled.get(key) ?? (fastJsonStringify(schema as Parameters<typeof fastJsonStringify>[0]) as (data: unknown) => string);
      compiled.set(key, serialize);
    }
    return serialize(data);
  };
};
