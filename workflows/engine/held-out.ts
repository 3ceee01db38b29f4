import type { Channel } from '../rules/channels';
import type { DecisionData } from './commands';
import type { GhostState, NurtureState } from './state';
import type { Step } from './step';

/**
 * Experiment arms, as the engine enforces them. A channel outside the lead's
 * arm is held out: every rule still runs up to the moment of the touch, and
 * there the track records a ghost touch (what it would have sent, and when)
 * instead of handing anything to a provider, a rep or an ad platform. Lift
 * can then be measured per step, against the control arm's ghost schedule.
 * A lead without an arm (a plan without an experiment) gets every channel.
 */
export function isHeldOut(state: NurtureState, channel: Channel): boolean {
  return state.arm !== undefined && !state.arm.channels.includes(channel);
}

const NO_GHOST: GhostState = { emailSent: false, audience: null };

export function ghostOf(state: NurtureState): GhostState {
  return state.ghost ?? NO_GHOST;
}

export function setGhost(step: Step, patch: Partial<GhostState>): void {
  step.set({ ghost: { ...ghostOf(step.state), ...patch } });
}

/**
 * Records a ghost touch. `what` names the touch in words ("email "intro"
 * (variant a)"); `data` carries what identifies it (step, variant, touch
 * key, audience) so a report can line it up with the real touches of
 * another arm.
 */
export function recordHeldOut(
  step: Step,
  channel: Channel,
  what: string,
  data: DecisionData,
  now: number,
): void {
  const arm = step.state.arm;
  step.record({
    rule: 'experiment',
    outcome: 'held-out',
    channel,
    reason: `${what} held out: arm "${arm?.id ?? '?'}" gets ${armChannelsText(arm?.channels ?? [])}; it would have gone at ${new Date(now).toISOString()}`,
    data: {
      arm: arm?.id ?? null,
      experimentId: arm?.experimentId ?? null,
      wouldSendAt: new Date(now).toISOString(),
      ...data,
    },
  });
}

function armChannelsText(channels: readonly Channel[]): string {
  return channels.length === 0 ? 'no touch' : `${channels.join(', ')} only`;
}
