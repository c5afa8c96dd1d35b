/**
 * Request validation: bodies are validated strictly (no type coercion, unknown fields
 * refused); query strings and path parameters are coerced because they arrive as text.
 */
import { Ajv, type Options } from "ajv";
import addFormatsModule from "ajv-formats";
import type { FastifySchemaCompiler } from "fastify";

// ajv-formats ships CommonJS; its default export is the function under ESM interop.
const addFormats = (addFormatsModule as unknown as { default?: typeof addFormatsModule }).default ?? addFormatsModule;

function makeAjv(options: Options): Ajv {
  const ajv = new Ajv({ removeAdditional: false, useDefaults: true, allErrors: false, strict: false, ...options });
  (addFormats as unknown as (a: Ajv) => void)(ajv);
  return ajv;
}

const strict = makeAjv({ coerceTypes: false });
const coercing = makeAjv({ coerceTypes: "array" });

type Validate = ((data: unknown) => boolean) & { errors?: unknown };

/**
 * The validator compiler installed on the Fastify app. Compiling a few hundred routes'
 * schemas up front was most of the start-up time; each is compiled on its route's first
 * request instead (ajv keeps compiled schemas, so shared schemas compile once).
 */
export const validatorCompiler: FastifySchemaCompiler<any> = ({ schema, httpPart }) => {
  const ajv = httpPart === "body" ? strict : coercing;
  let compiled: Validate | null = null;
  const validate: Validate = (data) => {
    compiled ??= ajv.compile(schema as object) as Validate;
    const ok = compiled(data);
    validate.errors = compiled.errors;
    return ok;
  };
  return validate as ReturnType<FastifySchemaCompiler<any>>;
};

interface AjvIssue {
  instancePath?: string;
  keyword?: string;
  message?: string;
  params?: Record<string, unknown>;
}

/** Turns ajv's first error into a field name and a sentence a person can act on. */
export function describeValidation(issues: AjvIssue[], context: string | undefined): { field: string; message: string; problems: object[] } {
  const first = issues[0] ?? {};
  const path = (first.instancePath ?? "").replace(/^\//, "").replace(/\//g, ".");
  const params = first.params ?? {};
  let field = path;
  let message: string;
  switch (first.keyword) {
    case "required":
      field = [path, params.missingProperty].filter(Boolean).join(".");
      message = `${field} is required`;
      break;
    case "additionalProperties":
      field = [path, params.additionalProperty].filter(Boolean).join(".");
      message = `${field} is not a known field`;
      break;
    case "const":
    case "enum":
    case "anyOf": {
      // A union of literals: list every allowed value instead of ajv's "equal to constant".
      const allowed = issues
        .filter((i) => i.instancePath === first.instancePath && (i.keyword === "const" || i.keyword === "enum"))
        .flatMap((i) => (i.keyword === "const" ? [i.params?.allowedValue] : ((i.params?.allowedValues as unknown[]) ?? [])));
      message = allowed.length ? `${field || context || "body"} must be one of: ${allowed.join(", ")}` : `${field || context || "body"} ${first.message ?? "is invalid"}`;
      break;
    }
    case "minProperties":
      message = `${context ?? "body"} must contain at least one field`;
      break;
    default:
      message = `${field || context || "body"} ${first.message ?? "is invalid"}`;
  }
  const problems = issues.map((i) => ({ path: i.instancePath, keyword: i.keyword, message: i.message, params: i.params }));
  return { field: field || (context ?? "body"), message, problems };
}

/** Validates a value against a body schema outside HTTP (the CLI); null when valid. */
export function checkBody(schema: object, value: unknown): { field: string; message: string } | null {
  const validate = strict.compile(schema);
  if (validate(value)) return null;
  return describeValidation((validate.errors ?? []) as AjvIssue[], "input");
}
