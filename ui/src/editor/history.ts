import { useCallback, useRef, useState } from "preact/hooks";

const LIMIT = 200;

/**
 * The draft with its undo and redo stacks. Edits with the same `coalesce` key in a row (typing in
 * one field) make one undo step.
 */
export function useHistory<T>(initial: T) {
  const [state, setState] = useState({ present: initial, past: [] as T[], future: [] as T[], jumps: 0 });
  const last = useRef<{ key?: string; at: number }>({ at: 0 });

  const edit = useCallback((fn: (current: T) => T, coalesce?: string) => {
    setState((s) => {
      const next = fn(s.present);
      if (next === s.present) return s;
      const now = Date.now();
      const merge = coalesce !== undefined && last.current.key === coalesce && now - last.current.at < 1500;
      last.current = { key: coalesce, at: now };
      return { present: next, past: merge ? s.past : [...s.past, s.present].slice(-LIMIT), future: [], jumps: s.jumps };
    });
  }, []);
  const undo = useCallback(() => {
    last.current = { at: 0 };
    setState((s) => (s.past.length ? { present: s.past[s.past.length - 1], past: s.past.slice(0, -1), future: [s.present, ...s.future], jumps: s.jumps + 1 } : s));
  }, []);
  const redo = useCallback(() => {
    last.current = { at: 0 };
    setState((s) => (s.future.length ? { present: s.future[0], past: [...s.past, s.present], future: s.future.slice(1), jumps: s.jumps + 1 } : s));
  }, []);
  /** Replaces the draft without an undo step (a reload, or layout filled in on open). */
  const reset = useCallback((value: T) => setState((s) => ({ present: value, past: [], future: [], jumps: s.jumps + 1 })), []);

  /** Counts undos, redos and resets: forms keyed on it show the draft they bring back. */
  return { jumps: state.jumps, value: state.present, canUndo: state.past.length > 0, canRedo: state.future.length > 0, edit, undo, redo, reset };
}
