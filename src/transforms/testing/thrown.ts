import type { AtlasError } from '../../common/errors';

/** The AtlasError `fn` throws (the spec tables assert its code and message). */
export function thrown(fn: () => unknown): AtlasError {
  try {
    fn();
  } catch (e) {
    return e as AtlasError;
  }
  throw new Error('expected an error');
}
