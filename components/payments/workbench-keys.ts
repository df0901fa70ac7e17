"use client";

import { useEffect, useRef } from "react";

export type WorkbenchKey = "next" | "previous" | "open" | "confirm" | "reject" | "toggle" | "help" | "close";

/** The single keys of the workbench, as aria-keyshortcuts spells them. */
export const WORKBENCH_KEYS: Record<Exclude<WorkbenchKey, "close">, string> = {
  next: "j",
  previous: "k",
  open: "Enter",
  confirm: "c",
  reject: "r",
  toggle: "x",
  help: "?",
};

const BY_KEY = new Map<string, WorkbenchKey>([
  ...Object.entries(WORKBENCH_KEYS).map(([action, key]) => [key, action as WorkbenchKey] as const),
  ["Escape", "close"],
]);

/** Typing in a field, or pressing a focused control, keeps the key's ordinary meaning. */
function ownsKey(target: EventTarget | null, key: string): boolean {
  if (!(target instanceof HTMLElement)) return false;
  if (target.isContentEditable || target.closest("input, textarea, select, [contenteditable=true]")) return true;
  return key === "Enter" && !!target.closest("a, button");
}

/**
 * Single-key shortcuts for the workbench's common path. Listens on the document so they work
 * wherever focus sits on the page, except while the user types; modified keys (Ctrl+C) stay the browser's.
 */
export function useWorkbenchKeys(onKey: (action: WorkbenchKey) => void) {
  const handler = useRef(onKey);
  useEffect(() => {
    handler.current = onKey;
  });
  useEffect(() => {
    function listen(event: KeyboardEvent) {
      if (event.ctrlKey || event.metaKey || event.altKey || event.repeat) return;
      const action = BY_KEY.get(event.key);
      if (!action || ownsKey(event.target, event.key)) return;
      event.preventDefault();
      handler.current(action);
    }
    document.addEventListener("keydown", listen);
    return () => document.removeEventListener("keydown", listen);
  }, []);
}
