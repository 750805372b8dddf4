// The explicit bidirectional formatting characters (embeddings, overrides, isolates and their ends) and the
// implicit marks (LRM, RLM, ALM). An override makes text display in another order than it reads: a title or
// file name such as `invoice\u202Efdp.exe` shows as `invoiceexe.pdf`. Text from a pipeline has no need of them.
const BIDI_CONTROLS = /[\u202A-\u202E\u2066-\u2069\u200E\u200F\u061C]/g;

/** `text` without bidirectional control characters, so that it displays in the order it reads. */
export function stripBidi(text: string): string {
  return text.replace(BIDI_CONTROLS, '');
}
