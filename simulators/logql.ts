/**
 * The small part of LogQL the board and its tests send, parsed well enough for the Loki simulator:
 * `{a="b", c=~"re"} |= "text" != "other" | logfmt | __error__="" | page_url=~"re"`, and
 * `sum [by (l)] (count_over_time(<that>[15m]))`. Anything else is a parse error in Loki's words.
 */

export interface Matcher {
  name: string;
  op: '=' | '!=' | '=~' | '!~';
  value: string;
}

export interface LogQuery {
  type: 'log';
  matchers: Matcher[];
  filters: Array<{ op: '|=' | '!='; text: string }>;
  /** After the line filters: a logfmt parser and label filters on stream or extracted labels, in order. */
  stages: Array<{ type: 'logfmt' } | { type: 'label'; matcher: Matcher }>;
}

export interface MetricQuery {
  type: 'metric';
  log: LogQuery;
  rangeMs: number;
  /** null: no sum (one series per stream); []: sum over everything; [labels]: sum by them. */
  sumBy: string[] | null;
}

export class LogQLParseError extends Error {}

const UNITS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };

class Cursor {
  pos = 0;
  constructor(readonly text: string) {}
  skip() {
    while (/\s/.test(this.text[this.pos] ?? '')) this.pos++;
  }
  peek(s: string) {
    this.skip();
    return this.text.startsWith(s, this.pos);
  }
  eat(s: string) {
    if (!this.peek(s)) this.fail(`expecting ${s}`);
    this.pos += s.length;
  }
  fail(expecting: string): never {
    const found = this.pos >= this.text.length ? '$end' : JSON.stringify(this.text[this.pos]);
    throw new LogQLParseError(
      `parse error at line 1, col ${this.pos + 1}: syntax error: unexpected ${found}, ${expecting}`,
    );
  }
  ident() {
    this.skip();
    const m = /^[a-zA-Z_][a-zA-Z0-9_]*/.exec(this.text.slice(this.pos));
    if (!m) this.fail('expecting IDENTIFIER');
    this.pos += m[0].length;
    return m[0];
  }
  string() {
    this.skip();
    const m = /^"(?:[^"\\]|\\.)*"/.exec(this.text.slice(this.pos)) ?? /^`[^`]*`/.exec(this.text.slice(this.pos));
    if (!m) this.fail('expecting STRING');
    this.pos += m[0].length;
    return m[0].startsWith('`') ? m[0].slice(1, -1) : (JSON.parse(m[0]) as string);
  }
}

function parseLog(c: Cursor): LogQuery {
  c.eat('{');
  const matchers: Matcher[] = [];
  while (!c.peek('}')) {
    if (matchers.length > 0) {
      if (!c.peek(',')) c.fail('expecting } or ,');
      c.eat(',');
    }
    const name = c.ident();
    c.skip();
    const op = (['=~', '!~', '!=', '='] as const).find((o) => c.text.startsWith(o, c.pos));
    if (!op) c.fail('expecting = or != or =~ or !~');
    c.pos += op.length;
    matchers.push({ name, op, value: c.string() });
  }
  c.eat('}');
  if (matchers.length === 0)
    throw new LogQLParseError(
      'parse error : queries require at least one regexp or equality matcher that does not have an empty-compatible value',
    );
  const filters: LogQuery['filters'] = [];
  const stages: LogQuery['stages'] = [];
  for (;;) {
    if (c.peek('|=')) {
      c.eat('|=');
      filters.push({ op: '|=', text: c.string() });
    } else if (c.peek('!=')) {
      c.eat('!=');
      filters.push({ op: '!=', text: c.string() });
    } else if (c.peek('|')) {
      c.eat('|');
      if (c.peek('logfmt')) {
        c.eat('logfmt');
        stages.push({ type: 'logfmt' });
        continue;
      }
      const name = c.ident();
      c.skip();
      const op = (['=~', '!~', '!=', '='] as const).find((o) => c.text.startsWith(o, c.pos));
      if (!op) c.fail('expecting = or != or =~ or !~');
      c.pos += op.length;
      stages.push({ type: 'label', matcher: { name, op, value: c.string() } });
    } else break;
  }
  return { type: 'log', matchers, filters, stages };
}

function parseCountOverTime(c: Cursor): { log: LogQuery; rangeMs: number } {
  c.eat('count_over_time');
  c.eat('(');
  const log = parseLog(c);
  c.eat('[');
  c.skip();
  const m = /^(\d+)(ms|s|m|h|d)/.exec(c.text.slice(c.pos));
  if (!m) c.fail('expecting DURATION');
  c.pos += m[0].length;
  c.eat(']');
  c.eat(')');
  return { log, rangeMs: Number(m[1]) * UNITS[m[2]] };
}

export function parseLogQL(text: string): LogQuery | MetricQuery {
  const c = new Cursor(text);
  let query: LogQuery | MetricQuery;
  if (c.peek('{')) query = parseLog(c);
  else if (c.peek('count_over_time')) query = { type: 'metric', sumBy: null, ...parseCountOverTime(c) };
  else if (c.peek('sum')) {
    c.eat('sum');
    let sumBy: string[] = [];
    if (c.peek('by')) {
      c.eat('by');
      c.eat('(');
      sumBy = [c.ident()];
      while (c.peek(',')) {
        c.eat(',');
        sumBy.push(c.ident());
      }
      c.eat(')');
    }
    c.eat('(');
    const inner = parseCountOverTime(c);
    c.eat(')');
    query = { type: 'metric', sumBy, ...inner };
  } else return c.fail('expecting { or an aggregation');
  c.skip();
  if (c.pos < text.length) c.fail('expecting end of query');
  return query;
}

const labelMatches = (m: Matcher, labels: Record<string, string>) => {
  const value = labels[m.name] ?? '';
  return m.op === '='
    ? value === m.value
    : m.op === '!='
      ? value !== m.value
      : new RegExp(`^(?:${m.value})$`).test(value) === (m.op === '=~');
};

/**
 * Loki's logfmt parser: key=value pairs (values bare or quoted), keys sanitised to label names, a key
 * that is already a stream label extracted as <key>_extracted; a line that is not logfmt gets
 * __error__="LogfmtParserErr".
 */
export function logfmt(line: string, labels: Record<string, string>): Record<string, string> {
  const out = { ...labels };
  const pair = /\s*([^\s=]+)=("(?:[^"\\]|\\.)*"|\S*)/y;
  let pos = 0;
  while (pos < line.length) {
    if (/^\s*$/.test(line.slice(pos))) break;
    pair.lastIndex = pos;
    const m = pair.exec(line);
    if (!m) return { ...out, __error__: 'LogfmtParserErr' };
    pos = pair.lastIndex;
    const key = m[1].replace(/[^a-zA-Z0-9_]/g, '_');
    const value = m[2].startsWith('"') ? (JSON.parse(m[2]) as string) : m[2];
    out[key in labels ? `${key}_extracted` : key] = value;
  }
  return out;
}

/** The labels an entry has after the query's pipeline, or null when the query drops it. */
export function evaluate(log: LogQuery, labels: Record<string, string>, line: string): Record<string, string> | null {
  if (!log.matchers.every((m) => labelMatches(m, labels))) return null;
  if (!log.filters.every((f) => line.includes(f.text) === (f.op === '|='))) return null;
  let current = labels;
  for (const stage of log.stages) {
    if (stage.type === 'logfmt') current = logfmt(line, current);
    else if (!labelMatches(stage.matcher, current)) return null;
  }
  return current;
}

export function matches(log: LogQuery, labels: Record<string, string>, line: string): boolean {
  return evaluate(log, labels, line) !== null;
}
