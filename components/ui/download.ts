import { AppApiError } from "@/components/payments/app-api";

/**
 * The file name a Content-Disposition header gives: the RFC 5987 `filename*=UTF-8''…` (the Chinese
 * name) before the ASCII `filename="…"` fallback; null without either.
 */
export function fileNameFromDisposition(header: string | null): string | null {
  if (!header) return null;
  const extended = /filename\*\s*=\s*UTF-8''([^;]+)/i.exec(header);
  if (extended) {
    try {
      return decodeURIComponent(extended[1].trim());
    } catch {
      // A malformed escape: the plain name below still names the file.
    }
  }
  const plain = /filename\s*=\s*(?:"((?:[^"\\]|\\.)*)"|([^;\s]+))/i.exec(header);
  return plain ? (plain[1] ?? plain[2]).replace(/\\(.)/g, "$1") : null;
}

/**
 * Fetches a file from a session route and checks the answer before anything is saved: a non-2xx
 * becomes an AppApiError (the contract's `{ error: { code, message } }` when the body has it), as
 * does a body that breaks off mid-stream. Resolves with the bytes and the server's file name.
 */
export async function fetchFile(url: string): Promise<{ blob: Blob; fileName: string | null }> {
  const res = await fetch(url, { cache: "no-store" });
  if (!res.ok) {
    const data: unknown = await res.json().catch(() => null);
    const err = (data as { error?: { code?: string; message?: string } } | null)?.error;
    throw new AppApiError(res.status, err?.code ?? "http_error", err?.message ?? `${url} answered ${res.status}`);
  }
  const blob = await res.blob();
  return { blob, fileName: fileNameFromDisposition(res.headers.get("content-disposition")) };
}

/** Hands bytes already fetched to the browser as a download named `fileName` (an object URL, revoked once the download has it). */
export function saveBlob(blob: Blob, fileName: string): void {
  const href = URL.createObjectURL(blob);
  const a = document.createElement("a");
  a.href = href;
  a.download = fileName;
  document.body.append(a);
  a.click();
  a.remove();
  // Revoking at once can cancel the download in some browsers; a minute is long past the hand-over.
  setTimeout(() => URL.revokeObjectURL(href), 60_000);
}
