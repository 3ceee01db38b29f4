import { type PathModel, type PathModelOptions, DEFAULT_PATH_MODEL_OPTIONS } from './attribution-models';
import { creditableTouches } from './creditable-touches';
import { firstTouchWeights, lastTouchWeights, linearWeights } from './first-last-linear-weights';
import type { LeadPath, PathTouch } from './lead-path';
import { uShapedWeights, wShapedWeights } from './role-share-weights';
import { timeDecayWeights } from './time-decay-weights';

export interface TouchCredit {
  touch: PathTouch;
  /** This touch's fraction of the conversion, in [0, 1]. */
  credit: number;
}

function weightsOf(
  model: PathModel,
  touches: readonly PathTouch[],
  path: LeadPath,
  options: PathModelOptions,
): number[] {
  const times = touches.map((touch) => touch.at);
  switch (model) {
    case 'first-touch':
      return firstTouchWeights(touches.length);
    case 'last-touch':
      return lastTouchWeights(touches.length);
    case 'linear':
      return linearWeights(touches.length);
    case 'time-decay':
      return timeDecayWeights(times, options.timeDecayHalfLifeMs);
    case 'u-shaped':
      return uShapedWeights(touches.length);
    case 'w-shaped':
      return wShapedWeights(times, path.firstEngagementAt);
  }
}

/**
 * One conversion's credit under a per-path model: one entry per creditable
 * touch (creditable-touches.ts), summing to 1. A lead that did not convert,
 * or converted with no creditable touch, has nothing to credit: [].
 */
export function creditPath(
  path: LeadPath,
  model: PathModel,
  options: PathModelOptions = DEFAULT_PATH_MODEL_OPTIONS,
): TouchCredit[] {
  if (path.convertedAt === null) return [];
  const touches = creditableTouches(path);
  if (touches.length === 0) return [];
  const weights = weightsOf(model, touches, path, options);
  return touches.map((touch, index) => ({ touch, credit: weights[index] ?? 0 }));
}
