import { SetMetadata } from '@nestjs/common';

export const IS_PUBLIC = 'atlas:public';

/** Opts a route out of the global Basic-auth guard. Use sparingly; every Atlas endpoint needs a login. */
export const Public = () => SetMetadata(IS_PUBLIC, true);
