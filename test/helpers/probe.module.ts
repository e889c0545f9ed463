import { Body, Controller, Get, Injectable, Module, Post, Res } from '@nestjs/common';
import { Type } from 'class-transformer';
import { IsIn, IsInt, IsOptional, IsString, Min, ValidateNested } from 'class-validator';
import type { Response } from 'express';
import { AdminOnly } from '../../src/auth/admin-only.decorator';
import { CallerInfo } from '../../src/auth/caller.decorator';
import { AtlasError, ErrorCode } from '../../src/common/errors';
import type { Caller } from '../../src/metadata/model';
import { ExclusiveOperation } from '../../src/operation-lock/exclusive-operation.decorator';

// Test-only routes that exercise the foundation (guards, filter, validation, operation lock). Never in production code.

class ProbeItemDto {
  @IsString() typeName: string;
}

class ProbeOptionsDto {
  @IsOptional() @IsIn(['FULL', 'CONNECTED']) fetchType?: string;
}

export class ProbeRequestDto {
  @ValidateNested({ each: true }) @Type(() => ProbeItemDto) itemsToExport: ProbeItemDto[];
  @IsOptional() @ValidateNested() @Type(() => ProbeOptionsDto) options?: ProbeOptionsDto;
  @IsOptional() @IsInt() @Min(0) count?: number;
}

@Injectable()
export class Holds {
  private waiters: Array<() => void> = [];
  /** responses of /test/lock/stream still being written */
  streaming = 0;
  /** returns a function that forgets the waiter (its client went away) */
  add(resolve: () => void): () => void {
    this.waiters.push(resolve);
    return () => {
      this.waiters = this.waiters.filter((w) => w !== resolve);
    };
  }
  get count(): number {
    return this.waiters.length;
  }
  releaseAll(): number {
    const n = this.waiters.length;
    this.waiters.splice(0).forEach((w) => w());
    return n;
  }
}

@Controller('test')
export class ProbeController {
  constructor(private readonly holds: Holds) {}

  @Post('validate')
  validate(@Body() body: ProbeRequestDto) {
    return { received: body, isDto: body instanceof ProbeRequestDto };
  }

  @Get('admin-only')
  @AdminOnly('probe action')
  adminOnly() {
    return { ok: true };
  }

  @Get('caller')
  caller(@CallerInfo() caller: Caller) {
    return caller;
  }

  @Get('boom')
  boom() {
    throw new Error('secret internals: password=hunter2');
  }

  @Get('atlas-error')
  atlasError() {
    throw new AtlasError(ErrorCode.INSTANCE_GUID_NOT_FOUND, ['g-1']);
  }

  @Get('stream-fail')
  async streamFail(@Res() res: Response) {
    res.status(200).setHeader('Content-Type', 'application/zip');
    res.write(Buffer.alloc(1024, 1));
    await new Promise((r) => setTimeout(r, 50));
    throw new Error('export failed midway');
  }

  @Get('lock/quick')
  @ExclusiveOperation()
  quick() {
    return { ok: true };
  }

  @Get('lock/fail')
  @ExclusiveOperation()
  lockFail() {
    throw new AtlasError(ErrorCode.BAD_REQUEST, ['failing while holding the lock']);
  }

  /** holds the lock until POST /test/lock/release or until the client goes away */
  @Post('lock/hold')
  @ExclusiveOperation()
  async hold(@Res() res: Response) {
    await new Promise<void>((resolve) => {
      const forget = this.holds.add(resolve);
      res.once('close', () => {
        forget();
        resolve();
      });
    });
    if (!res.destroyed) res.json({ held: true });
  }

  /** how many hold requests are inside the handler (i.e. hold the lock); not exclusive itself */
  @Get('lock/holding')
  holding() {
    return { holding: this.holds.count, streaming: this.holds.streaming };
  }

  @Post('lock/release')
  release() {
    return { released: this.holds.releaseAll() };
  }

  /** like an export: the handler returns at once, the body streams for ~300 ms afterwards */
  @Get('lock/stream')
  @ExclusiveOperation()
  stream(@Res() res: Response) {
    res.status(200).setHeader('Content-Type', 'application/octet-stream');
    this.holds.streaming++;
    let n = 0;
    const timer = setInterval(() => {
      res.write(`chunk ${n}\n`);
      if (++n === 6) {
        clearInterval(timer);
        res.end();
      }
    }, 50);
    res.once('close', () => {
      this.holds.streaming--;
      clearInterval(timer);
    });
  }
}

@Module({ controllers: [ProbeController], providers: [Holds] })
export class ProbeModule {}
