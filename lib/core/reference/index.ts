export { DEFAULT_REFERENCE_LENGTH, MAX_REFERENCE_LENGTH, MIN_REFERENCE_LENGTH, normalizeReferenceText, REFERENCE_ALPHABET } from "@/lib/core/reference/alphabet";
export { computeCheckSymbol, isValidReference, normalizeReference, REFERENCE_CHECK_TABLE } from "@/lib/core/reference/checksum";
export { extractReferences, findDamagedReferenceTokens, findStandaloneTokens } from "@/lib/core/reference/extract";
export { generateReference } from "@/lib/core/reference/generate";
export { damagedReferenceCandidates, lengthRepairCandidates } from "@/lib/core/reference/repair";
