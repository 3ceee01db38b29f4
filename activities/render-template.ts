import { Liquid } from 'liquidjs';

const engine = new Liquid({ strictFilters: true, ownPropertyOnly: true });

export interface TemplateContext {
  firstName: string | null;
  lastName: string | null;
  company: string | null;
  ownerName: string | null;
  [extra: string]: string | null;
}

/** Renders a plan template with the lead's fields (Liquid syntax: `{{ firstName | default: 'there' }}`). */
export async function renderTemplate(template: string, context: TemplateContext): Promise<string> {
  return (await engine.parseAndRender(template, context)) as string;
}
