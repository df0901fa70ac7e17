import { DEFAULT_REFERENCE_LENGTH, isReferenceLength, normalizeReferenceText, REFERENCE_ALPHABET, referenceSymbolValues } from "@/lib/core/reference/alphabet";
import { checkInterim, repairingSymbolValues } from "@/lib/core/reference/checksum";

/**
 * Every valid reference one typo away from `token`: for each position the single substitution that
 * makes the check pass, and every adjacent transposition that does. Deduplicated; empty for a valid
 * token (the check catches all such typos, so none of them leads from one valid reference to another)
 * and for one that cannot be a reference at all. Look the candidates up before trusting one.
 */
export function damagedReferenceCandidates(token: string): string[] {
  const normalised = normalizeReferenceText(token.trim());
  if (!isReferenceLength(normalised.length)) return [];
  const values = referenceSymbolValues(normalised);
  if (!values) return [];
  const candidates = new Set<string>();
  repairingSymbolValues(values).forEach((repair, i) => {
    if (repair !== values[i]) candidates.add(normalised.slice(0, i) + REFERENCE_ALPHABET[repair] + normalised.slice(i + 1));
  });
  for (let i = 0; i + 1 < values.length; i++) {
    if (values[i] === values[i + 1]) continue;
    const swapped = [...values];
    [swapped[i], swapped[i + 1]] = [swapped[i + 1], swapped[i]];
    if (checkInterim(swapped) === 0) candidates.add(normalised.slice(0, i) + normalised[i + 1] + normalised[i] + normalised.slice(i + 2));
  }
  return [...candidates];
}

/**
 * Every valid reference of `length` that `token` is with one symbol dropped or one symbol too many
 * (typed twice, or stray): the insertions into a token one symbol short, the deletions from a token one
 * symbol long, that pass the check. At each gap of a short token exactly one symbol completes the check
 * (the one repairingSymbolValues finds for a placeholder there), so there are at most `length`
 * candidates, most of them chance: look them up before trusting one. Empty for any other length.
 */
export function lengthRepairCandidates(token: string, length: number = DEFAULT_REFERENCE_LENGTH): string[] {
  const normalised = normalizeReferenceText(token.trim());
  const values = referenceSymbolValues(normalised);
  if (!values) return [];
  const candidates = new Set<string>();
  if (values.length === length - 1) {
    for (let i = 0; i <= values.length; i++) {
      const symbol = REFERENCE_ALPHABET[repairingSymbolValues([...values.slice(0, i), 0, ...values.slice(i)])[i]];
      candidates.add(normalised.slice(0, i) + symbol + normalised.slice(i));
    }
  } else if (values.length === length + 1) {
    for (let i = 0; i < values.length; i++) {
      if (checkInterim([...values.slice(0, i), ...values.slice(i + 1)]) === 0) candidates.add(normalised.slice(0, i) + normalised.slice(i + 1));
    }
  }
  return [...candidates];
}
