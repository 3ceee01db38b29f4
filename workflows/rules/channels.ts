/** The channels a nurture coordinates (product brief, "Channels and their roles"). */
export const CHANNELS = ['email', 'sms', 'linkedin', 'retargeting'] as const;
export type Channel = (typeof CHANNELS)[number];

/** What consent is kept for: retargeting is governed by the lead's ads consent. */
export const CONSENT_CHANNELS = ['email', 'sms', 'linkedin', 'ads'] as const;
export type ConsentChannel = (typeof CONSENT_CHANNELS)[number];

export function consentChannelOf(channel: Channel): ConsentChannel {
  return channel === 'retargeting' ? 'ads' : channel;
}
