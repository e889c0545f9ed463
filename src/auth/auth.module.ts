import { Global, Module } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { PassportModule } from '@nestjs/passport';
import { AdminGuard } from './admin-only.decorator';
import { BasicAuthGuard } from './basic-auth.guard';
import { BasicStrategy } from './basic.strategy';
import { UsersService } from './users.service';

@Global()
@Module({
  imports: [PassportModule.register({ session: false })],
  providers: [UsersService, BasicStrategy, AdminGuard, { provide: APP_GUARD, useClass: BasicAuthGuard }],
  exports: [UsersService, AdminGuard],
})
export class AuthModule {}
