"use client";

import { useRouter } from "next/navigation";
import { useState } from "react";
import { primaryButton } from "@/components/settings/section";
import { useErrorText } from "@/components/ui/use-error-text";

interface SaveState {
  busy: boolean;
  error: string | null;
  saved: boolean;
}

/** A settings form's save: busy while it runs, then saved (and the page refreshed) or the server's message. */
export function useSave(failed: string) {
  const router = useRouter();
  const errorText = useErrorText();
  const [state, setState] = useState<SaveState>({ busy: false, error: null, saved: false });
  async function save(run: () => Promise<unknown>) {
    setState({ busy: true, error: null, saved: false });
    try {
      await run();
      setState({ busy: false, error: null, saved: true });
      router.refresh();
      return true;
    } catch (err) {
      setState({ busy: false, error: errorText(err, { fallback: failed }), saved: false });
      return false;
    }
  }
  return { state, save };
}

/** The save button with what became of the last save beside it. */
export function SaveRow({ state, label, saved, testId, className = "" }: { state: SaveState; label: string; saved: string; testId: string; className?: string }) {
  return (
    <div className={`flex flex-wrap items-center gap-2 ${className}`}>
      <button type="submit" disabled={state.busy} className={primaryButton} data-testid={testId}>
        {label}
      </button>
      {state.error ? (
        <p role="alert" className="text-sm text-red-700">
          {state.error}
        </p>
      ) : state.saved ? (
        <p role="status" className="text-sm text-emerald-700">
          {saved}
        </p>
      ) : null}
    </div>
  );
}
