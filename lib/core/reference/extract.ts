import {
  assertReferenceLength,
  DEFAULT_REFERENCE_LENGTH,
  foldMisreadSymbols,
  REFERENCE_ALPHABET,
  toHalfWidthUpperCase,
} from "@/lib/core/reference/alphabet";
import { checkInterim } from "@/lib/core/reference/checksum";

// People split references into groups when typing them ("LD7K 2M9Q X4", "LD7K-2M9Q-X4"), so a
// single space, hyphen or dot between alphanumeric groups keeps them in one segment. Anything
// else (Chinese text, commas, 、，, double spaces) ends the segment.
const SEGMENT = /[0-9A-Z]+(?:[ .-][0-9A-Z]+)*/g;
const SEPARATOR = /[ .-]/g;

const SYMBOL_VALUE_BY_CODE: readonly number[] = Array.from({ length: 128 }, (_, code) => REFERENCE_ALPHABET.indexOf(String.fromCharCode(code)));

interface ReferenceWindow {
  /** Normalised window: the candidate reference. */
  readonly text: string;
  /** The same characters before O/I/L folding, i.e. as typed apart from case and width. */
  readonly typed: string;
  readonly checkValid: boolean;
  readonly segmentLength: number;
}

/** Every window of `length` alphabet-only symbols in `text`, in order of appearance. */
function* referenceWindows(text: string, length: number): Generator<ReferenceWindow> {
  assertReferenceLength(length);
  for (const [grouped] of toHalfWidthUpperCase(text).matchAll(SEGMENT)) {
    const typed = grouped.replace(SEPARATOR, "");
    if (typed.length < length) continue;
    const segment = foldMisreadSymbols(typed);
    // U is alphanumeric but not a symbol; -1 marks it so no window spanning it is produced.
    const values = Array.from(segment, (symbol) => SYMBOL_VALUE_BY_CODE[symbol.charCodeAt(0)]);
    let symbolRun = 0;
    for (let end = 1; end <= values.length; end++) {
      symbolRun = values[end - 1] < 0 ? 0 : symbolRun + 1;
      if (symbolRun < length) continue;
      const start = end - length;
      yield {
        text: segment.slice(start, end),
        typed: typed.slice(start, end),
        checkValid: checkInterim(values, start, end) === 0,
        segmentLength: segment.length,
      };
    }
  }
}

/**
 * Every check-valid reference of `length` in free text such as a bank memo (附言), normalised,
 * deduplicated, in order of appearance. Handles lower case, full-width characters, references glued
 * to Chinese text or buried in longer alphanumeric runs, and references typed in groups separated
 * by single spaces, hyphens or dots. Any random window passes the check with probability 1/32, so
 * these are candidates: look them up in the database before trusting one.
 */
export function extractReferences(text: string, length: number = DEFAULT_REFERENCE_LENGTH): string[] {
  const found = new Set<string>();
  for (const window of referenceWindows(text, length)) if (window.checkValid) found.add(window.text);
  return [...found];
}

/**
 * Windows of `length` in free text that are spelled in the reference alphabet but fail the check,
 * i.e. possibly mistyped references to feed to damagedReferenceCandidates, deduplicated, in order of
 * appearance. To avoid flooding the matcher on long digit or word runs (货款1234567890123, order
 * numbers, English memo text) a window counts only if it mixes letters and digits as typed (before O,
 * I, L are read as digits, so English words do not qualify), as about 97% of issued references do,
 * or if its segment is exactly `length` long, which yields at most one window. The price is that a
 * damaged all-letter or all-digit reference glued to other alphanumerics is missed.
 * Intended as a fallback when extractReferences found nothing that matches.
 */
export function findDamagedReferenceTokens(text: string, length: number = DEFAULT_REFERENCE_LENGTH): string[] {
  const found = new Set<string>();
  for (const window of referenceWindows(text, length)) {
    if (window.checkValid) continue;
    if (window.segmentLength === length || (/[0-9]/.test(window.typed) && /[A-Z]/.test(window.typed))) found.add(window.text);
  }
  return [...found];
}

/**
 * Tokens of exactly `length` reference symbols that stand alone in the text (not part of a longer
 * alphanumeric run; groups typed with separators count as one), normalised, deduplicated: where to
 * look for a reference typed with a symbol missing or one too many (see lengthRepairCandidates).
 */
export function findStandaloneTokens(text: string, length: number): string[] {
  const found = new Set<string>();
  for (const window of referenceWindows(text, length)) if (window.segmentLength === length) found.add(window.text);
  return [...found];
}
