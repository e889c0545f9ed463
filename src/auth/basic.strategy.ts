import { Injectable } from '@nestjs/common';
import { PassportStrategy } from '@nestjs/passport';
import { BasicStrategy as PassportBasicStrategy } from 'passport-http';
import { AuthenticatedUser } from './authenticated-user';
import { UsersService } from './users.service';

export const BASIC_STRATEGY = 'basic';

/** HTTP Basic through passport-http (spec 1.2). `false` makes passport fail, which the guard turns into a 401. */
@Injectable()
export class BasicStrategy extends PassportStrategy(PassportBasicStrategy, BASIC_STRATEGY) {
  constructor(private readonly users: UsersService) {
    super({ realm: 'atlas' });
  }

  validate(userName: string, password: string): AuthenticatedUser | false {
    return this.users.authenticate(userName, password) ?? false;
  }
}
