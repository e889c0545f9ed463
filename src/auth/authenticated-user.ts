/** What the Basic strategy puts on `req.user`. */
export interface AuthenticatedUser {
  readonly userName: string;
  readonly groups: readonly string[];
  /** member of group ADMIN: may call every admin endpoint (spec 1.2 maps ADMIN_EXPORT and ADMIN_IMPORT to it) */
  readonly isAdmin: boolean;
}
