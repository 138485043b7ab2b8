// CodeMirror for `@` expressions, loaded the first time a side panel shows a text field, so the
// canvas opens without it.
import { autocompletion, completionKeymap, type Completion, type CompletionContext, type CompletionResult } from "@codemirror/autocomplete";
import { defaultKeymap, history, historyKeymap } from "@codemirror/commands";
import { linter } from "@codemirror/lint";
import { EditorState } from "@codemirror/state";
import { EditorView, keymap, placeholder as placeholderExt } from "@codemirror/view";
import { functionNames, lookupFunction } from "../../../durable/engine/excellent/functions/registry";
import { CONTEXT, checkTemplate, type ExpressionProblem } from "./expressions";

export type Names = { fields: string[]; results: string[]; locals: string[]; vars: string[] };

const RESULT_PROPS = ["value", "category", "category_localized", "input", "extra", "node_uuid", "created_on", "name"];
/** The editor's check: syntax, and every function called is one the engine has. */
export const checkExpressions = (text: string): ExpressionProblem[] => checkTemplate(text, (name) => lookupFunction(name) !== undefined);

const FUNCTIONS: Completion[] = functionNames().map((name) => ({ label: name, type: "function", apply: `${name}(`, detail: "function" }));

function propertiesOf(path: string[], names: Names): string[] {
  const [top, second] = path.map((p) => p.toLowerCase());
  if (path.length === 0) return Object.keys(CONTEXT);
  if (top === "fields" || (top === "contact" && second === "fields")) return path.length === (top === "fields" ? 1 : 2) ? names.fields : [];
  if (top === "results" || (top === "run" && second === "results")) {
    const depth = top === "results" ? 1 : 2;
    if (path.length === depth) return names.results;
    return path.length === depth + 1 ? RESULT_PROPS : [];
  }
  if (top === "locals" && path.length === 1) return names.locals;
  if (top === "vars" && path.length === 1) return names.vars;
  if ((top === "child" || top === "parent") && second === "results" && path.length === 2) return names.results;
  if (path.length === 1) return CONTEXT[top] ?? [];
  return [];
}

function complete(names: () => Names) {
  return (ctx: CompletionContext): CompletionResult | null => {
    const text = ctx.state.doc.sliceString(0, ctx.pos);
    const inExpression = insideParens(text);
    const m = inExpression ? /([\p{L}_][\w.]*)?$/u.exec(text) : /@([\p{L}_][\w.]*)?$/u.exec(text);
    if (!m || (!inExpression && !m[0].startsWith("@"))) return null;
    const path = (m[1] ?? "").split(".");
    const partial = path.pop() ?? "";
    const props = propertiesOf(path, names()).map((label): Completion => ({ label, type: path.length ? "property" : "variable" }));
    const options = inExpression && path.length === 0 ? [...props, ...FUNCTIONS] : props;
    if (!options.length) return null;
    return { from: ctx.pos - partial.length, options, validFor: /^[\w]*$/ };
  };
}

/** True inside an unclosed `@(`, where names go without `@` and functions are offered. */
function insideParens(text: string): boolean {
  const start = text.lastIndexOf("@(");
  if (start < 0) return false;
  let depth = 0;
  let quoted = false;
  for (let i = start + 1; i < text.length; i++) {
    const c = text[i];
    if (quoted) {
      if (c === "\\") i++;
      else if (c === '"') quoted = false;
    } else if (c === '"') quoted = true;
    else if (c === "(") depth++;
    else if (c === ")" && --depth === 0) return false;
  }
  return true;
}

export function createExpressionEditor(
  parent: HTMLElement,
  opts: { value: string; multiline: boolean; label: string; placeholder?: string; readOnly: boolean; names(): Names; onChange(value: string, problems: ExpressionProblem[]): void },
): EditorView {
  return new EditorView({
    parent,
    state: EditorState.create({
      doc: opts.value,
      extensions: [
        history(),
        keymap.of([...completionKeymap, ...defaultKeymap, ...historyKeymap]),
        autocompletion({ override: [complete(opts.names)], activateOnTyping: true }),
        linter((view) => checkExpressions(view.state.doc.toString()).map((p) => ({ from: p.from, to: p.to, severity: "error", message: p.message })), { delay: 250 }),
        EditorView.lineWrapping,
        EditorView.contentAttributes.of({ "aria-label": opts.label, role: "textbox", "aria-multiline": String(opts.multiline) }),
        EditorState.readOnly.of(opts.readOnly),
        EditorView.editable.of(!opts.readOnly),
        ...(opts.placeholder ? [placeholderExt(opts.placeholder)] : []),
        ...(opts.multiline ? [] : [EditorState.transactionFilter.of((tr) => (tr.newDoc.lines > 1 ? [] : tr))]),
        EditorView.updateListener.of((u) => {
          if (u.docChanged) opts.onChange(u.state.doc.toString(), checkExpressions(u.state.doc.toString()));
        }),
      ],
    }),
  });
}
