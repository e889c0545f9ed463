import { ErrorCodeDef, formatMessage } from './error-codes';

/**
 * The one exception domain code throws (STYLE 5). The global filter renders it as
 * `{ errorCode, errorMessage, ...extra }` with the catalogue's HTTP status.
 */
export class AtlasError extends Error {
  readonly httpStatus: number;
  readonly errorCode: string;
  /** extra members of the body, e.g. the resume position of a failed import (spec P9) */
  extra: Record<string, unknown>;

  constructor(readonly code: ErrorCodeDef, params: readonly unknown[] = [], extra: Record<string, unknown> = {}) {
    super(formatMessage(code.template, params));
    this.name = 'AtlasError';
    this.httpStatus = code.httpStatus;
    this.errorCode = code.errorCode;
    this.extra = extra;
  }

  body(): Record<string, unknown> {
    return { errorCode: this.errorCode, errorMessage: this.message, ...this.extra };
  }
}
