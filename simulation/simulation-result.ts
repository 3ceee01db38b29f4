import { z } from 'zod';
import { DECISION_OUTCOMES, RULE_NAMES } from '../workflows/engine/commands';
import { NURTURE_STATUSES } from '../workflows/engine/status';

/**
 * How a simulation ran: `in-process` drives the pure engine over a virtual
 * clock (milliseconds, what the API runs); `time-skipping` runs the real
 * workflow on Temporal's test server (seconds, the CLI's `--temporal`).
 */
export const SIMULATION_MODES = ['in-process', 'time-skipping'] as const;
export type SimulationMode = (typeof SIMULATION_MODES)[number];

const instant = z.iso.datetime();

export const simulatedTouchSchema = z.object({
  at: instant,
  channel: z.enum(['email', 'sms']),
  step: z.string(),
  variant: z.string(),
  key: z.string(),
});

export const simulationResultSchema = z
  .object({
    mode: z.enum(SIMULATION_MODES),
    planId: z.string(),
    planVersion: z.number().int(),
    start: instant,
    end: instant,
    finalStatus: z.enum(NURTURE_STATUSES),
    touches: z.array(simulatedTouchSchema),
    timeline: z.array(
      z.object({
        at: instant,
        rule: z.enum(RULE_NAMES),
        outcome: z.union([z.enum(DECISION_OUTCOMES), z.enum(NURTURE_STATUSES)]),
        channel: z.string().nullable(),
        reason: z.string(),
      }),
    ),
    effects: z.array(z.object({ at: instant, type: z.string(), detail: z.string() })),
    wallClockMs: z.number().int().nonnegative(),
  })
  .meta({ id: 'SimulationResult', description: 'What the plan did to the scripted lead, in time order.' });

export type SimulatedTouch = z.infer<typeof simulatedTouchSchema>;
export type SimulationResult = z.infer<typeof simulationResultSchema>;
