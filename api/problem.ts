import type { ZodError } from 'zod';

/**
 * RFC 9457 problem details. Every error the API answers with is one of these,
 * as `application/problem+json`; `type` is a stable, machine-readable id.
 */
export interface ProblemIssue {
  path: (string | number)[];
  code: string;
  message: string;
}

export interface ProblemBody {
  type: string;
  title: string;
  status: number;
  detail?: string;
  instance?: string;
  requestId?: string;
  issues?: ProblemIssue[];
}

const PROBLEM_BASE = 'https://durable-nurture.dev/problems/';

export class ProblemError extends Error {
  override readonly name = 'ProblemError';
  constructor(
    readonly status: number,
    readonly problemType: string,
    readonly title: string,
    readonly detail?: string,
    readonly issues?: ProblemIssue[],
  ) {
    super(detail ?? title);
  }

  toBody(): ProblemBody {
    return {
      type: `${PROBLEM_BASE}${this.problemType}`,
      title: this.title,
      status: this.status,
      ...(this.detail === undefined ? {} : { detail: this.detail }),
      ...(this.issues === undefined ? {} : { issues: this.issues }),
    };
  }
}

/** Validation issues without the submitted values (they may be personal data). */
export function issuesOf(error: ZodError, prefix: (string | number)[] = []): ProblemIssue[] {
  return error.issues.map((issue) => ({
    path: [...prefix, ...issue.path.map((p) => (typeof p === 'symbol' ? String(p) : p))],
    code: issue.code,
    message: issue.message,
  }));
}

export function validationProblem(error: ZodError, where: 'body' | 'params' | 'query'): ProblemError {
  return new ProblemError(
    400,
    'validation-error',
    'Request validation failed',
    `The request ${where} is invalid; see issues.`,
    issuesOf(error, [where]),
  );
}

export function notFound(what: string): ProblemError {
  return new ProblemError(404, 'not-found', 'Not found', what);
}
