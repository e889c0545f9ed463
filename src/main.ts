import 'reflect-metadata';
import { Logger } from '@nestjs/common';
import { createApp } from './app.factory';
import { AppConfig } from './config/app-config';

async function bootstrap(): Promise<void> {
  const started = Date.now();
  let config: AppConfig;
  try {
    // the only read of process.env (STYLE 6)
    config = AppConfig.fromEnv(process.env);
  } catch (e) {
    console.error(`atlas-expimp: ${(e as Error).message}`);
    process.exit(1);
  }
  const app = await createApp(config);
  await app.listen(config.port);
  const where = config.isEmbeddedDatabase ? `embedded database in ${config.dataDir}` : 'PostgreSQL from DATABASE_URL';
  new Logger('Main').log(
    `Listening on port ${config.port} (${where}); Swagger UI at /api/docs; started in ${Date.now() - started} ms`,
  );
}

bootstrap().catch((e: Error) => {
  console.error(`atlas-expimp: start failed: ${e.message}`);
  process.exit(1);
});
