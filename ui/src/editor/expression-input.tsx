import type { EditorView } from "@codemirror/view";
import { useEffect, useRef, useState } from "preact/hooks";
import type { Names } from "./codemirror";
import { checkTemplate } from "./expressions";

type Props = { value: string; onChange(value: string): void; label: string; multiline?: boolean; placeholder?: string; readOnly?: boolean; names(): Names };

/**
 * A text that may hold `@` expressions: completion, and syntax errors shown as typed. The editor
 * owns its text once mounted (the value prop lags it by a render while typing); an undo remounts
 * the panel instead, see `jumps` in history.ts.
 */
export function ExpressionInput({ value, onChange, label, multiline = false, placeholder, readOnly = false, names }: Props) {
  const host = useRef<HTMLDivElement>(null);
  const view = useRef<EditorView | undefined>(undefined);
  const change = useRef(onChange);
  change.current = onChange;
  const [problems, setProblems] = useState(() => checkTemplate(value));

  useEffect(() => {
    let gone = false;
    import("./codemirror").then(({ createExpressionEditor, checkExpressions }) => {
      if (gone || !host.current) return;
      setProblems(checkExpressions(value));
      view.current = createExpressionEditor(host.current, {
        value,
        multiline,
        label,
        placeholder,
        readOnly,
        names,
        onChange: (v, problems) => {
          setProblems(problems);
          change.current(v);
        },
      });
    });
    return () => {
      gone = true;
      view.current?.destroy();
    };
  }, []);

  return (
    <div class={`expression${problems.length ? " invalid" : ""}`}>
      <div ref={host} class={`expression-host${multiline ? " multiline" : ""}`} />
      {problems.map((p, i) => (
        <p key={i} class="field-error" role="alert">
          {p.message}
        </p>
      ))}
    </div>
  );
}
