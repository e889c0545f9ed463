import type { NextFunction, Request, Response } from 'express';
import { isUtf8 } from 'node:buffer';
import type { IncomingMessage, Server } from 'node:http';
import { DynamicModule, INestApplication, Logger, LogLevel, Type, ValidationPipe } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication, NestExpressBodyParserOptionsFor } from '@nestjs/platform-express';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import { AppModule } from './app.module';
import { allowLongRequests, cutStalledClients } from './common/client-idle-timeout';
import { AtlasError, AtlasExceptionFilter, ErrorCode, validationErrorToAtlas } from './common/errors';
import { jsonCharsetMiddleware } from './common/json-charset.middleware';
import { jsonHasNulEscape, jsonNestsDeeperThan, MAX_JSON_DEPTH } from './common/json-depth';
import { packageInfo } from './common/package-info';
import { requestIdMiddleware } from './common/request-id';
import { removeLeftovers } from './common/temp-files';
import { AppConfig } from './config/app-config';
import { ZIP_SINK_SPILL_PREFIX } from './export/zip/zip-sink';
import { UPLOAD_SPOOL_PREFIX } from './import/upload-spool';

export const SWAGGER_UI_PATH = 'api/docs';
export const SWAGGER_JSON_PATH = 'api/docs-json';
export const BASIC_AUTH_SCHEME = 'basic';

const LEVELS: Record<AppConfig['logLevel'], LogLevel[]> = {
  error: ['fatal', 'error'],
  warn: ['fatal', 'error', 'warn'],
  log: ['fatal', 'error', 'warn', 'log'],
  debug: ['fatal', 'error', 'warn', 'log', 'debug'],
  verbose: ['fatal', 'error', 'warn', 'log', 'debug', 'verbose'],
};

/** Builds the whole application for `config` (main.ts and tests alike); the caller listens. */
export async function createApp(config: AppConfig, extraModules: Array<Type | DynamicModule> = []): Promise<NestExpressApplication> {
  const app = await NestFactory.create<NestExpressApplication>(AppModule.register(config, extraModules), {
    // registered in configureApp with our limit and content types
    bodyParser: false,
    logger: LEVELS[config.logLevel],
    // a failed start (bad users file, database down) rejects here instead of exiting the process
    abortOnError: false,
  });
  configureApp(app);
  return app;
}

/** Everything around the modules: body limits, validation, the error filter, Swagger, shutdown hooks. */
export function configureApp(app: INestApplication): void {
  const config = app.get(AppConfig);
  const express = app as NestExpressApplication;
  express.disable('x-powered-by');
  allowLongRequests(express.getHttpServer() as Server);
  // what a crashed process of this host left in TEMP_DIR: upload spools, spilled central directories
  const removed = removeLeftovers(config.tempDir, [UPLOAD_SPOOL_PREFIX, ZIP_SINK_SPILL_PREFIX]);
  if (removed.length > 0) new Logger('TempDir').warn(`removed what crashed processes left in ${config.tempDir}: ${removed.join(', ')}`);
  express.use(cutStalledClients(config.clientIdleTimeoutMs));
  express.use(requestIdMiddleware);
  express.use(jsonCharsetMiddleware);
  express.use(refuseNulInUrl);
  express.use(refuseUnsupportedBody);
  // `verify` is Nest's only for its rawBody option, which this app does not use: the options reach body-parser as given
  const jsonOptions = { limit: config.jsonBodyMaxBytes, type: isJsonBody, verify: refuseBadJsonBytes };
  express.useBodyParser('json', jsonOptions as NestExpressBodyParserOptionsFor<'json'>);
  // /importfile: text in whatever charset the client declares, parsed by parseImportRequest (spec 5.2)
  const importFileOptions = { limit: config.jsonBodyMaxBytes, type: isImportFileBody, verify: refuseBadJsonBytes };
  express.useBodyParser('text', importFileOptions as NestExpressBodyParserOptionsFor<'text'>);

  app.useGlobalPipes(new ValidationPipe({ whitelist: true, transform: true, exceptionFactory: validationErrorToAtlas }));
  app.useGlobalFilters(new AtlasExceptionFilter());
  setUpSwagger(app);
  app.enableShutdownHooks();
}

/**
 * body-parser's hook before parsing, a 400 (the error filter's body) for: a body nested deeper than MAX_JSON_DEPTH; a
 * body in UTF-8 (declared or by default) that is not valid UTF-8 ("All JSON is UTF-8": decoding would turn the bad
 * bytes into U+FFFD and store text the client never sent, where Atlas's JSON reader refuses them).
 */
function refuseBadJsonBytes(_req: IncomingMessage, _res: unknown, body: Buffer, encoding: string): void {
  if (/^utf-?8$/i.test(encoding) && !isUtf8(body)) {
    throw Object.assign(new Error('the request body is not valid UTF-8'), { status: 400 });
  }
  if (jsonNestsDeeperThan(body, MAX_JSON_DEPTH)) {
    throw Object.assign(new Error(`JSON nested deeper than ${MAX_JSON_DEPTH} levels`), { status: 400 });
  }
  if (jsonHasNulEscape(body)) {
    throw Object.assign(new Error('the request body holds the NUL character (\\u0000), which cannot be stored'), { status: 400 });
  }
}

/** %00 in the path or the query: U+0000 cannot reach PostgreSQL text (every lookup with it failed as a 500). */
function refuseNulInUrl(req: Request, _res: Response, next: NextFunction): void {
  if (/%00/.test(req.url)) return next(new AtlasError(ErrorCode.INVALID_PARAMETERS, ['the URL holds the NUL character (%00)']));
  next();
}

/** Routes whose body is multipart/form-data (multer reads it), not JSON. */
const MULTIPART_ROUTES = ['/api/atlas/admin/import', '/api/atlas/admin/async/import'];

function isRoute(req: IncomingMessage, route: string): boolean {
  const path = (req.url ?? '').split('?')[0].replace(/\/+$/, '');
  return path.toLowerCase() === route;
}

function isMultipart(req: IncomingMessage): boolean {
  return /^multipart\//i.test(req.headers['content-type'] ?? '');
}

/** JSON bodies: the usual content types (not on /importfile, read as text: isImportFileBody). */
function isJsonBody(req: IncomingMessage): boolean {
  if (isRoute(req, '/api/atlas/admin/importfile')) return false;
  return /^application\/([\w.+-]+\+)?json\s*(;|$)/i.test(req.headers['content-type'] ?? '');
}

/**
 * /importfile's body, AtlasImportRequest JSON under any content type but multipart (spec 5.2), is read as text in the
 * declared charset, as Atlas reads it into a String: `text/plain; charset=ISO-8859-1` included, which the JSON parser
 * (UTF-8/16/32 only) refused with 415.
 */
function isImportFileBody(req: IncomingMessage): boolean {
  return isRoute(req, '/api/atlas/admin/importfile') && !isMultipart(req);
}

/**
 * A body the route cannot read is a 415 (Atlas's resources are @Consumes(application/json)), not a request whose body
 * is silently dropped: `curl -d @request.json` sends application/x-www-form-urlencoded, and /export then answered an
 * empty ZIP, POST /v2/types/typedefs an empty AtlasTypesDef. Multipart routes are left to multer; /importfile takes
 * any content type but multipart (spec 5.2).
 */
function refuseUnsupportedBody(req: Request, _res: Response, next: NextFunction): void {
  const hasBody = req.headers['transfer-encoding'] !== undefined || Number(req.headers['content-length'] ?? 0) > 0;
  if (!hasBody || MULTIPART_ROUTES.some((route) => isRoute(req, route)) || isJsonBody(req) || isImportFileBody(req)) return next();
  const message = isRoute(req, '/api/atlas/admin/importfile')
    ? 'importfile takes an AtlasImportRequest JSON body; upload a ZIP as multipart/form-data to /api/atlas/admin/import'
    : `unsupported Content-Type "${req.headers['content-type'] ?? ''}": send the body as application/json`;
  next(Object.assign(new Error(message), { status: 415 }));
}

function setUpSwagger(app: INestApplication): void {
  const pkg = packageInfo();
  const doc = new DocumentBuilder()
    .setTitle('Atlas Export/Import')
    .setDescription(`${pkg.description}. Every endpoint needs HTTP Basic credentials; admin endpoints need group ADMIN.`)
    .setVersion(pkg.version)
    .addBasicAuth({ type: 'http', scheme: 'basic', description: 'users of USERS_FILE (admin/admin without one, outside production)' }, BASIC_AUTH_SCHEME)
    .addSecurityRequirements(BASIC_AUTH_SCHEME)
    // the global Basic-auth guard answers every route (none is @Public) without valid credentials
    .addGlobalResponse({ status: 401, description: 'ATLAS-401-00-001 — no or wrong HTTP Basic credentials' })
    .build();
  const document = SwaggerModule.createDocument(app, doc);
  // mounted on the HTTP adapter, outside Nest's router: the global Basic-auth guard does not apply (as intended)
  SwaggerModule.setup(SWAGGER_UI_PATH, app, document, { jsonDocumentUrl: SWAGGER_JSON_PATH, yamlDocumentUrl: 'api/docs-yaml' });
}
