export * from './admin-only.decorator';
export * from './authenticated-user';
export * from './caller.decorator';
export * from './public.decorator';
