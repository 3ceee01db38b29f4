import { type ArmChannels, isolatedChannels } from '../../../reports/reconciliation/isolated-channels';

const arms: ArmChannels[] = [
  { id: 'full', channels: ['retargeting', 'email', 'linkedin', 'sms'] },
  { id: 'email-only', channels: ['email'] },
  { id: 'no-ads', channels: ['email', 'sms', 'linkedin'] },
  { id: 'sms-only', channels: ['sms'] },
  { id: 'control', channels: [] },
];

describe('isolatedChannels', () => {
  test.each([
    [
      'full − email-only: SMS, LinkedIn and ads together',
      'full',
      'email-only',
      ['sms', 'linkedin', 'retargeting'],
    ],
    ['full − no-ads: ads', 'full', 'no-ads', ['retargeting']],
    ['full − control: every channel', 'full', 'control', ['email', 'sms', 'linkedin', 'retargeting']],
    ['no-ads − email-only: SMS and LinkedIn', 'no-ads', 'email-only', ['sms', 'linkedin']],
    ['channels traded, not added (sms-only − email-only): nothing', 'sms-only', 'email-only', null],
    ['the same arm: nothing', 'full', 'full', null],
    ['an arm the plan does not have: nothing', 'full', 'missing', null],
  ])('%s', (_story, treatment, baseline, expected) => {
    expect(isolatedChannels(arms, treatment, baseline)).toEqual(expected);
  });
});
