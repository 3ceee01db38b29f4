import type { Plan } from '../../plans/plan-schema';
import type { LeadEvent, LeadEventOf } from '../lead-event';

/**
 * What counts as high intent (rule 1): a visit to one of the plan's pages
 * (pricing, demo, trial…), one of its events (webinar attended, trial
 * started), or repeated clicks. Returns the trigger in words, or null.
 */
export function highIntentTrigger(event: LeadEvent, plan: Plan, clicksSoFar: number): string | null {
  if (event.type === 'web.page_visited') {
    const path = pagePath(event.data);
    if (path === null) return null;
    const page = plan.highIntent.pages.find(
      (p) => path === p || path.startsWith(`${p}/`) || path.startsWith(`${p}?`),
    );
    return page === undefined ? null : `${page.slice(1)} page visit`;
  }
  if (plan.highIntent.events.includes(event.type)) return event.type.replace('.', ' ').replace('_', ' ');
  if (event.type === 'email.clicked' && clicksSoFar >= plan.highIntent.repeatedClicks) {
    return `${String(clicksSoFar)} email clicks`;
  }
  return null;
}

/** The path of a page visit, from `data.path` or `data.url`. */
function pagePath(data: LeadEventOf<'web.page_visited'>['data']): string | null {
  if (data.path !== undefined) return data.path.toLowerCase();
  if (data.url !== undefined) {
    const match = /^[a-z]+:\/\/[^/]+(\/[^#]*)?/i.exec(data.url);
    return (match?.[1] ?? '/').toLowerCase();
  }
  return null;
}
