/** A plain-language reason shown to the merchant, in both UI languages. */
export interface Explanation {
  zh: string;
  en: string;
}
