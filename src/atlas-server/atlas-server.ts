// AtlasServer REST/model shape (spec 7.1).

export interface AtlasServer {
  guid: string;
  name: string;
  fullName: string;
  displayName: string;
  /** omitted when unset */
  additionalInfo?: Record<string, string>;
  /** omitted when unset */
  urls?: string[];
}

export const ATLAS_SERVER_TYPE = 'AtlasServer';
