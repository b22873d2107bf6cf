import { parseEstimateMinutes } from '../plan/estimate';

export interface BodyEstimate {
  /** The estimate as written in the issue, e.g. "~½ day". */
  text: string;
  minutes: number;
}

// "Estimated Effort: ~1h", "**Estimated effort:** ~½ day", "Estimate - 2h 30m", "Effort: 45min".
const ESTIMATE_LINE =
  /(?:^|[\s|*_>#-])(?:estimated\s+effort|effort\s+estimate|estimated\s+time|estimate|effort)\s*[*_]*\s*[:=\-–|]\s*[*_]*\s*([^\n\r|]+)/i;

/**
 * Reads the effort estimate written in an issue body into minutes. The text after the marker is
 * read word by word, longest first, so trailing prose ("~1h (incl. review)") does not hide it.
 * Returns null when the body has no readable estimate.
 */
export function parseBodyEstimate(body: string | null | undefined): BodyEstimate | null {
  if (!body) return null;
  for (const line of body.split(/\r?\n/)) {
    const match = ESTIMATE_LINE.exec(line);
    if (!match) continue;
    const words = match[1].replace(/[*_`]/g, ' ').trim().split(/\s+/);
    for (let length = Math.min(words.length, 6); length > 0; length -= 1) {
      const text = words
        .slice(0, length)
        .join(' ')
        .replace(/[.;,]+$/, '');
      const minutes = parseEstimateMinutes(text);
      if (minutes !== null && minutes > 0) return { text, minutes };
    }
  }
  return null;
}
