import { parseEstimateMinutes } from '../plan/estimate';

export interface BodyEstimate {
  /** The estimate as written in the issue, e.g. "~½ day". */
  text: string;
  minutes: number;
}

// "Estimated Effort: ~1h", "**Estimated effort:** ~½ day", "Estimate - 2h 30m", "Effort: 45min".
const ESTIMATE_LINE =
  /(?:^|[\s|*_>#-])(?:estimated\s+effort|effort\s+estimate|estimated\s+time|estimate|effort)\s*[*_]*\s*[:=\-–|]\s*[*_]*\s*([^\n\r|]+)/i;

/** What the text after an estimate marker reads as; a sync meets the same few texts in thousands of issues. */
const readTexts = new Map<string, BodyEstimate | null>();
const READ_TEXTS_KEPT = 1000;

/** The estimate the text after a marker starts with, read word by word, longest first. */
function readEstimateText(afterMarker: string): BodyEstimate | null {
  const known = readTexts.get(afterMarker);
  if (known !== undefined) return known;
  let read: BodyEstimate | null = null;
  const words = afterMarker.replace(/[*_`]/g, ' ').trim().split(/\s+/);
  for (let length = Math.min(words.length, 6); length > 0 && !read; length -= 1) {
    const text = words
      .slice(0, length)
      .join(' ')
      .replace(/[.;,]+$/, '');
    const minutes = parseEstimateMinutes(text);
    if (minutes !== null && minutes > 0) read = { text, minutes };
  }
  if (readTexts.size >= READ_TEXTS_KEPT) readTexts.clear();
  readTexts.set(afterMarker, read);
  return read;
}

/**
 * Reads the effort estimate written in an issue body into minutes. The text after the marker is
 * read word by word, longest first, so trailing prose ("~1h (incl. review)") does not hide it.
 * Returns null when the body has no readable estimate.
 */
export function parseBodyEstimate(body: string | null | undefined): BodyEstimate | null {
  if (!body) return null;
  // Line by line, as split(/\r?\n/) would give them, without splitting the lines after the estimate's.
  for (let start = 0; start <= body.length; ) {
    const newline = body.indexOf('\n', start);
    const end = newline === -1 ? body.length : newline;
    const line = body.slice(start, end > start && body[end - 1] === '\r' ? end - 1 : end);
    start = end + 1;
    const match = ESTIMATE_LINE.exec(line);
    const read = match && readEstimateText(match[1]);
    if (read) return { ...read };
  }
  return null;
}
