import type { NotificationChannelSpec } from '../../platform/events/schemas/notificationEvents';
import type { Notice } from './notices';

/** The body of one message for one channel kind (signing, when the kind has it, happens per attempt). */
export function renderNotice(kind: NotificationChannelSpec['kind'], notice: Notice): unknown {
  switch (kind) {
    case 'webhook':
      return webhookBody(notice);
    case 'teams':
      return teamsMessage(notice);
    case 'slack':
      return slackMessage(notice);
  }
}

/** The generic webhook's JSON (documented in docs/monitoring.md; `schemaVersion` bumps on breaking changes). */
export function webhookBody(n: Notice) {
  return {
    schemaVersion: 1,
    id: n.key,
    family: n.family,
    phase: n.phase,
    severity: n.severity,
    clusterId: n.clusterId,
    title: n.title,
    summary: n.summary,
    facts: Object.fromEntries(n.facts),
    event: n.event,
  };
}

const teamsColour = (n: Notice) => (n.phase === 'resolved' ? 'Good' : n.severity === 'critical' ? 'Attention' : n.severity === 'warning' ? 'Warning' : 'Default');

/**
 * Teams: a `message` with one Adaptive Card attachment, the format both the classic incoming webhook and the
 * Workflows "When a Teams webhook request is received" trigger accept. Card version 1.4: the newest Teams renders
 * everywhere (desktop, web, mobile).
 */
export function teamsMessage(n: Notice) {
  return {
    type: 'message',
    attachments: [
      {
        contentType: 'application/vnd.microsoft.card.adaptive',
        contentUrl: null,
        content: {
          $schema: 'http://adaptivecards.io/schemas/adaptive-card.json',
          type: 'AdaptiveCard',
          version: '1.4',
          msteams: { width: 'Full' },
          body: [
            { type: 'TextBlock', size: 'Medium', weight: 'Bolder', text: n.title, wrap: true, color: teamsColour(n) },
            { type: 'TextBlock', text: n.summary, wrap: true },
            { type: 'FactSet', facts: n.facts.map(([title, value]) => ({ title, value })) },
          ],
        },
      },
    ],
  };
}

/** Slack mrkdwn treats `&`, `<`, `>` as control characters; everything else is literal. */
const slackEscape = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

/**
 * Slack incoming webhook: `text` (the notification and fallback line) plus Block Kit blocks; within Slack's limits
 * (header 150 characters, at most 10 fields). Mattermost and Rocket.Chat read `text`.
 */
export function slackMessage(n: Notice) {
  return {
    text: slackEscape(`${n.title}: ${n.summary}`),
    blocks: [
      { type: 'header', text: { type: 'plain_text', text: n.title.slice(0, 150), emoji: false } },
      {
        type: 'section',
        text: { type: 'mrkdwn', text: slackEscape(n.summary) },
        fields: n.facts.slice(0, 10).map(([label, value]) => ({ type: 'mrkdwn', text: `*${slackEscape(label)}*\n${slackEscape(value)}` })),
      },
    ],
  };
}
