// The end of a text that arrives in chunks, kept in bounded memory: a log of any length is read for its last
// lines without holding the rest.

const LINE_FEED = 0x0a;

/** Collects the end of a UTF-8 text chunk by chunk; see `textTail`. */
export interface TextTail {
  push(chunk: Buffer): void;
  /** Bytes held now: at most `maxBytes` plus the chunk that arrived last. */
  readonly held: number;
  /**
   * The text's last `maxBytes` from the first line that starts in them (a line break is one byte in UTF-8, so no
   * character is split), and the number of lines of the whole text.
   */
  end(): { tail: string; lineCount: number };
}

/** A collector of the end of a text, holding only the chunks its last `maxBytes` (at least 1) fall in. */
export function textTail(maxBytes: number): TextTail {
  const chunks: Buffer[] = [];
  let held = 0;
  let lineBreaks = 0;
  let lastByte: number | undefined;
  let lastDroppedByte: number | undefined;
  return {
    push(chunk) {
      if (chunk.length === 0) return;
      for (let at = chunk.indexOf(LINE_FEED); at >= 0; at = chunk.indexOf(LINE_FEED, at + 1)) lineBreaks += 1;
      lastByte = chunk[chunk.length - 1];
      chunks.push(chunk);
      held += chunk.length;
      while (held - chunks[0].length >= maxBytes) {
        const [first] = chunks.splice(0, 1);
        held -= first.length;
        lastDroppedByte = first[first.length - 1];
      }
    },
    get held() {
      return held;
    },
    end() {
      const lineCount = lineBreaks + (lastByte === undefined || lastByte === LINE_FEED ? 0 : 1);
      const all = Buffer.concat(chunks);
      const start = Math.max(0, all.length - maxBytes);
      const before = start > 0 ? all[start - 1] : lastDroppedByte;
      if (before === undefined || before === LINE_FEED)
        return { tail: all.subarray(start).toString('utf8'), lineCount };
      const lineStart = all.indexOf(LINE_FEED, start);
      return { tail: lineStart < 0 ? '' : all.subarray(lineStart + 1).toString('utf8'), lineCount };
    },
  };
}
