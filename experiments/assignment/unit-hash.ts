import { xxHash32 } from 'js-xxhash';

/**
 * A point in [0, 1) for a key under a salt, the same on every machine and
 * in every run: xxHash32 (full avalanche, so ids that differ in one
 * character land far apart) of the salt and the key, divided by 2^32.
 *
 * The salt's length goes first so ("ab", "c") and ("a", "bc") never share
 * an input. Changing this function moves every lead of every experiment to
 * another arm: a test pins its values.
 *
 * Pure and free of Node imports: workflow code may call it.
 */
export function unitHash(salt: string, key: string): number {
  return xxHash32(`${String(salt.length)}:${salt}:${key}`) / 2 ** 32;
}
