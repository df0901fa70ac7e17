/** A payer account as staff may see it: the bank's first three digits and the last four (622****6789). */
export function maskAccount(account: string): string {
  return account.length <= 4 ? "****" : `${account.slice(0, Math.min(3, account.length - 4))}****${account.slice(-4)}`;
}

/**
 * A statement line's raw fields with the payer's account masked wherever it appears (its own column,
 * or inside a remittance text): the account is stored encrypted, so the copy of the line kept for
 * reference must not hold it in the clear. Fields without it are returned as they are.
 */
export function redactAccount(raw: Record<string, string>, account: string | null): Record<string, string> {
  if (!account || account.length < 6) return raw;
  const compact = account.replace(/\s+/g, "");
  let out: Record<string, string> | null = null;
  for (const [key, value] of Object.entries(raw)) {
    if (!value.includes(account) && !(compact !== account && value.includes(compact))) continue;
    out ??= { ...raw };
    out[key] = value.split(account).join(maskAccount(compact)).split(compact).join(maskAccount(compact));
  }
  return out ?? raw;
}
