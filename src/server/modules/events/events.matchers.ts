/**
 * Alertmanager matchers: `name="value"`, `name!="value"`, `name=~"regex"`, `name!~"regex"`,
 * as amtool and the API's filter parameter send them, and as silences store them. Regular
 * expressions are anchored at both ends, like Alertmanager's.
 */
import type { AmMatcher } from "../../../contract/index.js";
import { ValidationError } from "../../platform/errors.js";

/** A matcher ready to test label sets. */
export interface CompiledMatcher {
  name: string;
  value: string;
  isRegex: boolean;
  isEqual: boolean;
  test(labels: Record<string, string>): boolean;
}

/** Compiles one matcher; a bad regular expression is a 400 naming `field`. */
export function compileMatcher(m: AmMatcher, field = "matchers"): CompiledMatcher {
  const isEqual = m.isEqual ?? true;
  let match: (v: string) => boolean;
  if (m.isRegex) {
    let re: RegExp;
    try {
      re = new RegExp(`^(?:${m.value})$`, "s");
    } catch {
      throw new ValidationError("events.invalid_matcher", `"${m.value}" is not a valid regular expression`, { field });
    }
    match = (v) => re.test(v);
  } else {
    match = (v) => v === m.value;
  }
  // A missing label matches as the empty string, as in Alertmanager.
  return { name: m.name, value: m.value, isRegex: m.isRegex, isEqual, test: (labels) => match(labels[m.name] ?? "") === isEqual };
}

const MATCHER = /^\s*([a-zA-Z_][a-zA-Z0-9_]*|"[^"]+")\s*(=~|!~|!=|=)\s*(.*?)\s*$/s;

function unquote(raw: string): string {
  if (raw.length >= 2 && raw.startsWith('"') && raw.endsWith('"')) {
    try {
      return JSON.parse(raw) as string;
    } catch {
      return raw.slice(1, -1);
    }
  }
  return raw;
}

/** Parses one matcher string (`alertname="DiskFull"`, `instance=~host-.*`); a 400 naming `field` when it is not one. */
export function parseMatcher(text: string, field = "filter"): AmMatcher {
  const m = MATCHER.exec(text.replace(/^\s*\{(.*)\}\s*$/s, "$1"));
  if (!m) throw new ValidationError("events.invalid_matcher", `"${text}" is not a matcher like name="value" or name=~"regex"`, { field });
  const op = m[2];
  return { name: unquote(m[1]), value: unquote(m[3]), isRegex: op === "=~" || op === "!~", isEqual: op === "=" || op === "=~" };
}

/** Parses and compiles a list of matcher strings (several may share one string, comma-separated in braces). */
export function parseMatchers(texts: string[] | undefined, field = "filter"): CompiledMatcher[] {
  const out: CompiledMatcher[] = [];
  for (const text of texts ?? []) {
    const braced = /^\s*\{(.*)\}\s*$/s.exec(text);
    const parts = braced ? splitTopLevel(braced[1]) : [text];
    for (const p of parts) if (p.trim()) out.push(compileMatcher(parseMatcher(p, field), field));
  }
  return out;
}

/** Splits `a="x,y", b=~"z"` on commas outside quotes. */
function splitTopLevel(s: string): string[] {
  const parts: string[] = [];
  let cur = "";
  let quoted = false;
  for (let i = 0; i < s.length; i++) {
    const c = s[i];
    if (c === '"' && s[i - 1] !== "\\") quoted = !quoted;
    if (c === "," && !quoted) {
      parts.push(cur);
      cur = "";
    } else cur += c;
  }
  parts.push(cur);
  return parts;
}

/** True when every matcher matches. */
export function matchesAll(matchers: CompiledMatcher[], labels: Record<string, string>): boolean {
  for (const m of matchers) if (!m.test(labels)) return false;
  return true;
}
