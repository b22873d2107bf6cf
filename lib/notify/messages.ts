import type { ChangeEvent, StateChange } from './changes';

export const CHANNEL_FORMATS = ['slack', 'json'] as const;
export type ChannelFormat = (typeof CHANNEL_FORMATS)[number];
/** A stored channel's format is one this board renders (another version may have written another). */
export const isChannelFormat = (value: string): value is ChannelFormat =>
  (CHANNEL_FORMATS as readonly string[]).includes(value);

const HEADLINE: Record<ChangeEvent, string> = {
  regressed: 'regressed',
  verified: 'verified',
  'gate-red': 'gate is RED',
  'gate-green': 'gate is green',
};
const ICON: Record<ChangeEvent, string> = {
  regressed: ':red_circle:',
  verified: ':white_check_mark:',
  'gate-red': ':rotating_light:',
  'gate-green': ':large_green_circle:',
};

const changeLabel = (c: StateChange) => (c.service ? `${c.service} · ${c.capability}` : `Gate ${c.capability}`);

/** One line per change, in a PM's words. */
export function describeChange(change: StateChange): string {
  const what = change.service
    ? `${change.service} · ${change.capability}`
    : `Infrastructure gate (${change.capability})`;
  return `${what}: ${HEADLINE[change.event]} (was ${change.from}). ${change.reason}`;
}

/** Slack escapes only these three in text; links are <url|label>. */
const slackEscape = (text: string) => text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

export interface Message {
  /** The exact JSON body posted to the webhook. */
  body: string;
  /** What it announces, for the settings page and logs (never the URL). */
  summary: string;
}

/**
 * The body for a channel: Slack-compatible incoming-webhook JSON ({text}, which Mattermost, Rocket.Chat,
 * Teams' Slack connector and others accept too) or a generic JSON document for any receiver.
 */
export function renderMessage(
  format: ChannelFormat,
  plan: { id: string; title: string },
  changes: StateChange[],
  kind: 'change' | 'digest' | 'test',
  at: Date = new Date(),
): Message {
  const summary =
    kind === 'test'
      ? 'Test message'
      : changes.length === 1
        ? describeChange(changes[0])
        : `${changes.length} changes: ${changes.map((c) => `${c.cellKey} ${HEADLINE[c.event]}`).join(', ')}`;
  if (format === 'json') {
    return {
      summary,
      body: JSON.stringify({
        type: kind === 'test' ? 'rollout.test' : kind === 'digest' ? 'rollout.digest' : 'rollout.state_changed',
        plan: { id: plan.id, title: plan.title },
        sentAt: at.toISOString(),
        changes: changes.map((c) => ({
          event: c.event,
          cell: c.cellKey,
          service: c.service,
          capability: c.capability,
          title: c.title,
          from: c.from,
          to: c.to,
          reason: c.reason,
          url: c.href,
        })),
        ...(kind === 'test' ? { message: 'Test message from rollout-board: this channel is set up.' } : {}),
      }),
    };
  }
  const lines =
    kind === 'test'
      ? [`Test message from rollout-board (${slackEscape(plan.title)}): this channel is set up.`]
      : [
          ...(kind === 'digest'
            ? [`*${slackEscape(plan.title)}*: ${changes.length} change(s) in this verification`]
            : []),
          ...changes.map(
            (c) =>
              `${ICON[c.event]} <${c.href}|${slackEscape(changeLabel(c))}> ${HEADLINE[c.event]} (was ${c.from}). ` +
              slackEscape(c.reason),
          ),
        ];
  return { summary, body: JSON.stringify({ text: lines.join('\n') }) };
}
