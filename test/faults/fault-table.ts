import type { Damage } from './lead-population';

export interface FaultRow {
  fault: string;
  /** How many times the fault was injected. */
  injected: number;
  /** What ran through it. */
  population: string;
  damage: Damage;
  /** Checks of the scenario's own (503s seen, Retry-After honoured, …) that failed, in words. */
  failures?: string[];
  notes: string;
}

export function damageOf(row: FaultRow): number {
  const d = row.damage;
  return d.unfinished + d.lostTouches + d.duplicateTouches + d.lostEvents + d.eventsAppliedTwice;
}

export function passed(row: FaultRow): boolean {
  return damageOf(row) === 0 && (row.failures ?? []).length === 0;
}

/** A Markdown table, the same one the README keeps from the last run. */
export function faultTable(rows: FaultRow[]): string {
  const header = [
    'fault',
    'injected',
    'through',
    'unfinished',
    'touches lost',
    'touches twice',
    'events lost',
    'events twice',
    'result',
  ];
  const lines = rows.map((row) => {
    const d = row.damage;
    const failures = row.failures ?? [];
    const result = passed(row) ? `ok (${row.notes})` : `FAILED: ${[...failures, row.notes].join('; ')}`;
    return [
      row.fault,
      String(row.injected),
      row.population,
      String(d.unfinished),
      String(d.lostTouches),
      String(d.duplicateTouches),
      String(d.lostEvents),
      String(d.eventsAppliedTwice),
      result,
    ];
  });
  return [header, header.map(() => '---'), ...lines].map((cells) => `| ${cells.join(' | ')} |`).join('\n');
}
