import DOMPurify from "dompurify";
import MarkdownIt from "markdown-it";
import { useMemo } from "react";

// raw HTML in the source is shown as text (html: false); DOMPurify is the second fence
const markdown = new MarkdownIt({ html: false, linkify: true, breaks: true });

DOMPurify.addHook("afterSanitizeAttributes", (node) => {
  if (node.tagName === "A") {
    node.setAttribute("target", "_blank");
    node.setAttribute("rel", "noopener noreferrer nofollow");
  }
});

/** Markdown rendered to sanitised HTML: no scripts, no event handlers, no javascript: links. */
export function renderMarkdown(source: string): string {
  return DOMPurify.sanitize(markdown.render(source), { USE_PROFILES: { html: true }, FORBID_TAGS: ["style", "form", "input", "img"] });
}

/** Shows markdown text (descriptions, comments, notes) safely. */
export function Markdown({ source, className }: { source: string; className?: string }) {
  const html = useMemo(() => renderMarkdown(source), [source]);
  return <div className={["markdown", className].filter(Boolean).join(" ")} dangerouslySetInnerHTML={{ __html: html }} />;
}
