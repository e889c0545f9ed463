import type { ValidationError } from 'class-validator';
import { AtlasError } from './atlas-error';
import { ErrorCode } from './error-codes';

/**
 * ValidationPipe's exceptionFactory: a failed DTO becomes ATLAS-400-00-01A naming each bad field by its path,
 * e.g. `invalid parameters: itemsToExport[0].typeName must be a string`.
 */
export function validationErrorToAtlas(errors: ValidationError[]): AtlasError {
  const messages: string[] = [];
  collect(errors, '', messages);
  return new AtlasError(ErrorCode.INVALID_PARAMETERS, [messages.join('; ') || 'request body']);
}

function collect(errors: ValidationError[], prefix: string, out: string[]): void {
  for (const e of errors) {
    const field = /^\d+$/.test(e.property) ? `${prefix}[${e.property}]` : prefix ? `${prefix}.${e.property}` : e.property;
    for (const text of Object.values(e.constraints ?? {})) {
      // class-validator messages start with the property name; replace it with the full path
      out.push(text.startsWith(`${e.property} `) ? `${field}${text.slice(e.property.length)}` : `${field}: ${text}`);
    }
    if (e.children?.length) collect(e.children, field, out);
  }
}
