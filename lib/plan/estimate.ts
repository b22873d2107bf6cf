/** A working day, as the plan's "~½ day" means it. */
export const MINUTES_PER_DAY = 8 * 60;

const UNIT_MINUTES: Array<[RegExp, number]> = [
  [/^(d|day|days)$/, MINUTES_PER_DAY],
  [/^(h|hr|hrs|hour|hours)$/, 60],
  [/^(m|min|mins|minute|minutes)$/, 1],
];

const FRACTIONS: Record<string, number> = { '½': 0.5, '¼': 0.25, '¾': 0.75, half: 0.5, 'half a': 0.5 };

function unitMinutes(unit: string): number | null {
  for (const [pattern, minutes] of UNIT_MINUTES) if (pattern.test(unit)) return minutes;
  return null;
}

/**
 * Reads an effort estimate as people write it in plans and issues ("~15min", "~1h", "~½ day",
 * "2h 30m", "1.5 hours", "half a day") into minutes. Returns null when the text is not an estimate.
 */
export function parseEstimateMinutes(text: string): number | null {
  const cleaned = text
    .trim()
    .toLowerCase()
    .replace(/^~\s*|^about\s+|^approx\.?\s*/, '');
  if (cleaned === '') return null;
  const part = /(\d+(?:[.,]\d+)?\s*[½¼¾]?|[½¼¾]|half(?: a)?)\s*([a-z]+)/g;
  let total = 0;
  let consumed = '';
  for (const match of cleaned.matchAll(part)) {
    const [whole, amountText, unitText] = match;
    const minutes = unitMinutes(unitText);
    if (minutes === null) return null;
    let amount = 0;
    const fraction = /[½¼¾]$/.exec(amountText.trim());
    const digits = amountText.replace(/[½¼¾]/g, '').trim();
    if (FRACTIONS[amountText.trim()] !== undefined) amount = FRACTIONS[amountText.trim()];
    else {
      amount = digits === '' ? 0 : Number(digits.replace(',', '.'));
      if (fraction) amount += FRACTIONS[fraction[0]];
    }
    total += amount * minutes;
    consumed += whole;
  }
  // Everything but separators must have been read, so "1h and some" is not silently 60.
  const leftover = cleaned
    .replace(/(\d+(?:[.,]\d+)?\s*[½¼¾]?|[½¼¾]|half(?: a)?)\s*([a-z]+)/g, '')
    .replace(/\band\b|[\s,+]/g, '');
  if (consumed === '' || leftover !== '') return null;
  return Math.round(total);
}

/** Formats minutes the way the board shows effort: "45min", "2h", "2.5h", "36.5h". */
export function formatMinutes(minutes: number): string {
  // Nothing reads as "0h", like the "±0h" of a delta, not as "0min".
  if (minutes === 0) return '0h';
  if (minutes < 60) return `${minutes}min`;
  const hours = minutes / 60;
  return `${Number.isInteger(hours) ? hours : hours.toFixed(hours * 10 === Math.round(hours * 10) ? 1 : 2)}h`;
}

/** A signed difference, e.g. "+9.5h" or "−30min". */
export function formatMinutesDelta(minutes: number): string {
  if (minutes === 0) return '±0h';
  return `${minutes > 0 ? '+' : '−'}${formatMinutes(Math.abs(minutes))}`;
}
