import { renderTemplate } from '../../activities/render-template';
import { PlanCatalog } from '../../plans/plan-catalog';
import { parseEmailTemplate, templateText } from '../../plans/plan-templates';
import { possibleIntents } from '../../plans/template-checks';
import { base, catalogOf, issuesOf, messageOf, shippedTemplates, withTemplates } from './plan-folder';

const FOLDER = 'templates/p/v1';
const SMS = 'follow-up.sms.a.liquid';
const LINKEDIN = 'connect.linkedin.a.liquid';

describe('template files', () => {
  test('an email file is a Subject line, a blank line and the body; one final line break is dropped', () => {
    expect(parseEmailTemplate(templateText('Subject: Hello\n\nLine 1\n\nLine 2\n'))).toEqual({
      subject: 'Hello',
      body: 'Line 1\n\nLine 2',
    });
    // A Windows checkout or an editor's byte-order mark must not change what a lead receives.
    expect(templateText('\uFEFFSubject: Hello\r\n\r\nBody\r\n')).toBe('Subject: Hello\n\nBody');
    expect(parseEmailTemplate('Hello\n\nBody')).toBeNull();
    expect(parseEmailTemplate('Subject: Hello\nBody')).toBeNull();
  });

  test('a plan may use another plan version’s templates, and loads the same texts', () => {
    const catalog = catalogOf(
      { plan: { ...base, templates: 'shared/v1' }, folder: 'shared/v1' },
      { plan: { ...base, id: 'q', templates: 'shared/v1' }, templates: {}, folder: 'shared/v1' },
    );
    expect(catalog.latest('q')?.emailSteps).toEqual(catalog.latest('p')?.emailSteps);
    expect(catalog.latest('q')?.sms.body).toBe(PlanCatalog.load().latest('default')?.sms.body);
  });

  test('a missing template file is refused, naming the file and the field it fills', () => {
    expect(issuesOf(withTemplates({ 'welcome.email.b.liquid': null }))).toEqual([
      {
        file: `${FOLDER}/welcome.email.b.liquid`,
        field: 'emailSteps.0.variants.1',
        message: 'template file not found',
      },
    ]);
    expect(messageOf(withTemplates({ [LINKEDIN]: null }))).toBe(
      `plan file plan-0.json is invalid: ${FOLDER}/${LINKEDIN} (linkedin.connectionNote): template file not found`,
    );
    expect(issuesOf({ plan: { ...base, templates: 'nowhere/v9' } })).toEqual([
      { file: 'templates/nowhere/v9/', field: 'templates', message: 'template folder not found' },
    ]);
  });

  test('a template file no step uses (a typo in a step or variant id) is refused', () => {
    expect(issuesOf(withTemplates({ 'welcom.email.c.liquid': 'Subject: Hi\n\nHi' }))).toEqual([
      expect.objectContaining({ file: `${FOLDER}/welcom.email.c.liquid`, field: 'templates' }),
    ]);
  });

  test('an email file without its Subject line, or with an empty subject, is refused', () => {
    expect(issuesOf(withTemplates({ 'checklist.email.a.liquid': 'Hi there,\n\nThe checklist.' }))).toEqual([
      expect.objectContaining({
        file: `${FOLDER}/checklist.email.a.liquid`,
        field: 'emailSteps.3.variants.0',
        message: expect.stringMatching(/starts with a "Subject: …" line/),
      }),
    ]);
    expect(issuesOf(withTemplates({ 'checklist.email.a.liquid': 'Subject: \n\nThe checklist.' }))).toEqual([
      expect.objectContaining({
        file: `${FOLDER}/checklist.email.a.liquid`,
        field: 'emailSteps.3.variants.0.subject',
      }),
    ]);
  });
});

describe('templates render strictly at load', () => {
  test('an unknown variable is refused, with its line in the file', () => {
    const email =
      'Subject: Case study\n\nHi {{ firstName | default: "there" }},\n\nA case study for {{ compnay }}.\n';
    expect(issuesOf(withTemplates({ 'case-study.email.a.liquid': email }))).toEqual([
      {
        file: `${FOLDER}/case-study.email.a.liquid`,
        field: 'emailSteps.1.variants.0.body',
        message: expect.stringMatching(/^undefined variable: compnay, line:5, col:\d+$/),
      },
    ]);
  });

  test('a variable another channel gets is unknown here: `intent` is the SMS follow-up’s only', () => {
    const email = 'Subject: About your {{ intent }}\n\nHi {{ firstName | default: "there" }}, thanks.\n';
    expect(issuesOf(withTemplates({ 'demo-offer.email.a.liquid': email }))).toEqual([
      expect.objectContaining({
        field: 'emailSteps.2.variants.0.subject',
        message: expect.stringMatching(/undefined variable: intent, line:1/),
      }),
    ]);
    // The SMS gets it, and the plan loads.
    expect(catalogOf(withTemplates({})).latest('p')?.sms.body).toContain('{{ intent');
  });

  test('an unknown filter and a syntax error are refused', () => {
    expect(
      issuesOf(withTemplates({ [SMS]: 'Hi {{ firstName | shout }}, call today? Reply STOP to opt out.' })),
    ).toEqual([
      expect.objectContaining({
        field: 'sms.body',
        message: expect.stringMatching(/undefined filter: shout/),
      }),
    ]);
    expect(
      issuesOf(withTemplates({ [LINKEDIN]: 'Hi{% if firstName %} {{ firstName }}, glad to connect.' })),
    ).toEqual([
      expect.objectContaining({
        file: `${FOLDER}/${LINKEDIN}`,
        field: 'linkedin.connectionNote',
        message: expect.stringMatching(/tag .*if.* not closed/),
      }),
    ]);
  });

  test('an output that prints nothing for a lead without a name is refused; a default or an if is the fix', () => {
    expect(
      issuesOf(
        withTemplates({ [LINKEDIN]: 'Hi {{ firstName }}, I work with teams like yours. Happy to connect.' }),
      ),
    ).toEqual([
      expect.objectContaining({
        field: 'linkedin.connectionNote',
        message: expect.stringMatching(/^prints nothing for a lead without firstName: .*default/),
      }),
    ]);
    expect(
      catalogOf(
        withTemplates({
          [LINKEDIN]:
            'Hi{% if firstName %} {{ firstName }}{% endif %}, I work with teams like yours. Happy to connect.',
        }),
      ).latest('p'),
    ).toBeDefined();
  });

  test('every problem of a plan is reported at once', () => {
    const issues = issuesOf(
      withTemplates({
        'welcome.email.a.liquid': 'Subject: Hi {{ nme }}\n\nHi {{ company }}',
        [SMS]: '{{ intent | nope }}',
      }),
    );
    expect(issues.map((i) => i.field)).toEqual([
      'emailSteps.0.variants.0.subject',
      'emailSteps.0.variants.0.body',
      'sms.body',
    ]);
  });
});

describe('null fields at send time', () => {
  const lead = { firstName: null, lastName: null, company: '   ', ownerName: null };

  test('a missing or blank field takes the template’s default', async () => {
    const subject = templateText(shippedTemplates['welcome.email.a.liquid'] ?? '').split('\n')[0] ?? '';
    await expect(renderTemplate(subject.replace('Subject: ', ''), lead)).resolves.toBe(
      "Hello, a quick hello from your team's new favourite tool",
    );
    await expect(renderTemplate('{{ company | default: "your team" }}', lead)).resolves.toBe('your team');
  });

  test('an unknown variable renders empty at send time instead of failing the activity for ever', async () => {
    await expect(renderTemplate('Hi {{ nickname }}!', lead)).resolves.toBe('Hi !');
  });
});

describe('SMS length at load', () => {
  const long = `Hi {{ firstName | default: 'there' }}, {{ ownerName | default: 'your rep' }} here. Saw you were looking at {{ intent }}: we have a short guide on exactly that, and I can walk you through it. Reply STOP to opt out.`;

  test('an SMS over its segments for a lead with long names is refused, with the figures', () => {
    expect(issuesOf(withTemplates({ [SMS]: long }))).toEqual([
      {
        file: `${FOLDER}/${SMS}`,
        field: 'sms.body',
        message: expect.stringMatching(
          /^needs 2 SMS segments \(GSM-7, \d{3} septets; one segment holds 160\) for a lead with long names and intent "pricing page visit"; sms\.maxSegments allows 1$/,
        ),
      },
    ]);
  });

  test('a plan that allows two segments takes it', () => {
    expect(
      catalogOf({
        plan: { ...base, sms: { ...base.sms, maxSegments: 2 } },
        templates: { [SMS]: long },
      }).ids(),
    ).toEqual(['p']);
  });

  test('a character outside GSM-7 makes it UCS-2 (70 a segment), and the message names it', () => {
    const curly = (shippedTemplates[SMS] ?? '').replace('Saw you', 'I saw you’d been');
    expect(issuesOf(withTemplates({ [SMS]: curly }))).toEqual([
      expect.objectContaining({
        field: 'sms.body',
        message: expect.stringMatching(/needs 3 SMS segments \(UCS-2, .*UCS-2 because of "’" \(U\+2019\)/),
      }),
    ]);
  });

  test('the intents measured are every one the workflow can send for', () => {
    const plan = PlanCatalog.load().latest('default');
    expect(plan === undefined ? [] : possibleIntents(plan)).toEqual([
      'pricing page visit',
      'demo page visit',
      'trial page visit',
      'webinar attended',
      'trial started',
      '99 email clicks',
    ]);
  });
});

describe('LinkedIn note length at load', () => {
  test('a note longer than LinkedIn takes for a lead with long names is refused', () => {
    const note = `${"{{ company | default: 'you' }} ".repeat(8)}: happy to connect.`;
    expect(note.length).toBeLessThanOrEqual(300);
    expect(issuesOf(withTemplates({ [LINKEDIN]: note }))).toEqual([
      expect.objectContaining({
        field: 'linkedin.connectionNote',
        message: expect.stringMatching(
          /renders to \d+ characters for a lead with long names; LinkedIn takes 300/,
        ),
      }),
    ]);
  });
});

describe('distinct content per channel (same theme, different angle)', () => {
  test('an SMS lifted from an email is refused, naming both', () => {
    const sms = `Hi {{ firstName | default: 'there' }}, a short case study from a team with the same problem, and what they measured. Reply STOP to opt out.`;
    expect(issuesOf(withTemplates({ [SMS]: sms }))).toEqual([
      {
        file: `${FOLDER}/${SMS}`,
        field: 'sms.body',
        message: expect.stringMatching(
          /^repeats emailSteps\.1\.variants\.0\.body \(templates\/p\/v1\/case-study\.email\.a\.liquid\): \d+% of its phrases/,
        ),
      },
    ]);
  });

  test('changed case, punctuation and line breaks do not hide a copy', () => {
    const note =
      "I HAVE NOT HEARD from you in a while... if now isn't the time -- no problem!\nReply 'later', I'll check back next quarter.";
    expect(issuesOf(withTemplates({ [LINKEDIN]: note }))).toEqual([
      expect.objectContaining({
        field: 'linkedin.connectionNote',
        message: expect.stringMatching(/^repeats emailSteps\.4\.variants\.0\.body/),
      }),
    ]);
  });

  test('a copied subject line inside a longer note is refused (a long run of the same words)', () => {
    const note =
      "{{ firstName | default: 'Hello' }}, a quick hello from {% if company %}{{ company }}'s{% else %}your team's{% endif %} new favourite tool. I'm the rep for your region and would be glad to connect here as well.";
    expect(issuesOf(withTemplates({ [LINKEDIN]: note }))).toEqual([
      expect.objectContaining({
        field: 'linkedin.connectionNote',
        message: expect.stringMatching(/^repeats emailSteps\.0\.variants\.0\.subject .* 11 words in a row/),
      }),
    ]);
  });

  test('the same theme from another angle loads', () => {
    const sms =
      "{{ ownerName | default: 'Your rep' }} here: the case study team halved onboarding. Want the 3 numbers that mattered? Reply STOP to opt out.";
    expect(catalogOf(withTemplates({ [SMS]: sms })).latest('p')?.sms.body).toBe(sms);
  });
});
