import { rateOf, type Interval, type Proportion } from './proportion';
import { wilsonInterval, type WilsonOptions } from './wilson-interval';

/**
 * The interval for the difference of two rates, a − b, by Newcombe's hybrid
 * score method (method 10 of Newcombe 1998, "Interval estimation for the
 * difference between independent proportions"; method 11 with the
 * continuity correction): each rate's Wilson interval, combined as if the
 * two were independent normals. It keeps good coverage where the Wald
 * interval fails (small counts, rates near 0), and never leaves [−1, 1].
 */
export function newcombeInterval(a: Proportion, b: Proportion, options: WilsonOptions = {}): Interval {
  const pa = rateOf(a);
  const pb = rateOf(b);
  const [la, ua] = wilsonInterval(a, options);
  const [lb, ub] = wilsonInterval(b, options);
  const difference = pa - pb;
  return [
    difference - Math.sqrt((pa - la) ** 2 + (ub - pb) ** 2),
    difference + Math.sqrt((ua - pa) ** 2 + (pb - lb) ** 2),
  ];
}
