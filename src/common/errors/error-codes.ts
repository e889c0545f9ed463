// The Atlas error catalogue used by this service (spec 1.4), one table: name -> HTTP status, errorCode, template.
// Messages substitute {0}, {1} … ; surplus parameters are dropped, missing ones render literally as {n}.

export interface ErrorCodeDef {
  readonly httpStatus: number;
  readonly errorCode: string;
  readonly template: string;
}

function def(httpStatus: number, errorCode: string, template: string): ErrorCodeDef {
  return { httpStatus, errorCode, template };
}

export const ErrorCode = {
  // spec P1: the code string says 500 but the status is 409
  FAILED_TO_OBTAIN_IMPORT_EXPORT_LOCK: def(409, 'ATLAS-500-00-006', 'Another import or export is in progress. Please try again.'),
  UNAUTHORIZED_ACCESS: def(403, 'ATLAS-403-00-001', '{0} is not authorized to perform {1}'),
  UNAUTHENTICATED: def(401, 'ATLAS-401-00-001', 'Authentication required'),
  INVALID_PARAMETERS: def(400, 'ATLAS-400-00-01A', 'invalid parameters: {0}'),
  IMPORT_ATTEMPTING_EMPTY_ZIP: def(400, 'ATLAS-400-00-08A', 'Attempting to import empty ZIP file.'),
  IMPORT_INVALID_ZIP_ENTRY: def(400, 'ATLAS-400-00-09F', '{0}: invalid zip entry. Reason: {1}'),
  INVALID_IMPORT_ATTRIBUTE_TYPE_CHANGED: def(400, 'ATLAS-400-00-050', 'Attribute {0}.{1} is of type {2}. Import has this attribute type as {3}'),
  INVALID_VALUE: def(400, 'ATLAS-400-00-028', 'invalid value: {0}'),
  INVALID_OBJECT_ID: def(400, 'ATLAS-400-00-021', 'ObjectId is not valid {0}'),
  UNKNOWN_TYPENAME: def(400, 'ATLAS-400-00-00A', '{0}: Unknown/invalid typename'),
  TYPE_NAME_INVALID: def(400, 'ATLAS-400-00-014', 'Type {0} with name {1} does not exist'),
  BAD_REQUEST: def(400, 'ATLAS-400-00-029', '{0}'),
  TYPE_ALREADY_EXISTS: def(409, 'ATLAS-409-00-001', 'Given type {0} already exists'),
  TYPE_NAME_NOT_FOUND: def(404, 'ATLAS-404-00-001', 'Given typename {0} was invalid'),
  TYPE_GUID_NOT_FOUND: def(404, 'ATLAS-404-00-002', 'Given type guid {0} was invalid'),
  TYPE_HAS_REFERENCES: def(409, 'ATLAS-409-00-002', 'Given type {0} has references'),
  ATTRIBUTE_UNIQUE_INVALID: def(400, 'ATLAS-400-00-013', 'Type {0} with unique attribute {1} does not exist'),
  TYPE_MATCH_FAILED: def(400, 'ATLAS-400-00-001', 'Given instance {0} is invalid for the type {1}'),
  INVALID_TYPE_DEFINITION: def(400, 'ATLAS-400-00-011', 'Invalid type definition {0}'),
  CANNOT_ADD_MANDATORY_ATTRIBUTE: def(400, 'ATLAS-400-00-00C', '{0}.{1} : can not add mandatory attribute'),
  ATTRIBUTE_DELETION_NOT_SUPPORTED: def(400, 'ATLAS-400-00-00D', '{0}.{1} : attribute delete not supported'),
  SUPERTYPE_REMOVAL_NOT_SUPPORTED: def(400, 'ATLAS-400-00-00E', 'superType remove not supported'),
  BUSINESS_METADATA_DEF_ATTRIBUTE_TYPE_INVALID: def(400, 'ATLAS-400-00-094', '{0}.{1}: invalid attribute type. Business-metadata attribute cannot be of type entity/classification/struct/business-metadata'),
  INSTANCE_ATTRIBUTE_VALUE_INVALID: def(400, 'ATLAS-400-00-03C', 'Invalid value {0} for attribute {1}'),
  INVALID_RELATIONSHIP_END_TYPE: def(400, 'ATLAS-400-00-036', 'invalid relationshipDef: {0}: end type 1: {1}, end type 2: {2}'),
  CLASSIFICATION_ALREADY_ASSOCIATED: def(400, 'ATLAS-400-00-01B', 'instance {0} already is associated with classification {1}'),
  INVALID_ENTITY_FOR_CLASSIFICATION: def(400, 'ATLAS-400-00-055', "Entity (guid='{0}',typename='{1}') cannot be classified by Classification '{2}', because '{1}' is not in the ClassificationDef's restrictions."),
  INSTANCE_UNIQUE_ATTRIBUTE_DUPLICATE: def(400, 'ATLAS-400-00-0A3', 'Unique attribute {0} with value {1} already exists for type {2}'),
  INSTANCE_CRUD_INVALID_PARAMS: def(404, 'ATLAS-404-00-007', 'Invalid instance creation/updation parameters passed : {0}'),
  INSTANCE_GUID_NOT_FOUND: def(404, 'ATLAS-404-00-005', 'Given instance guid {0} is invalid/not found'),
  INSTANCE_BY_UNIQUE_ATTRIBUTE_NOT_FOUND: def(404, 'ATLAS-404-00-009', 'Instance {0} with unique attribute {1} does not exist'),
  INSTANCE_GUID_DELETED: def(404, 'ATLAS-404-00-012', 'Given instance guid {0} has been deleted'),
  RESOURCE_NOT_FOUND: def(404, 'ATLAS-404-00-000', 'Resource not found: {0}'),
  IMPORT_NOT_FOUND: def(404, 'ATLAS-404-00-017', 'Import id {0} is not found'),
  IMPORT_ABORT_NOT_ALLOWED: def(409, 'ATLAS-409-00-016', 'Import id {0} is currently in state {1}, cannot be aborted'),
  METHOD_NOT_ALLOWED: def(405, 'ATLAS-405-00-001', 'Method {0} is not allowed on {1}; allowed: {2}'),
  PAYLOAD_TOO_LARGE: def(413, 'ATLAS-413-00-001', 'Request too large: {0}'),
  INTERNAL_ERROR: def(500, 'ATLAS-500-00-001', 'Internal server error {0}'),
  IMPORT_REGISTRATION_FAILED: def(500, 'ATLAS-500-00-020', 'Failed to register import request'),
  IMPORT_FAILED: def(500, 'ATLAS-500-00-021', 'Import with id {0} failed'),
  ABORT_IMPORT_FAILED: def(500, 'ATLAS-500-00-022', 'Failed to abort import with id {0}'),
  SERVICE_UNAVAILABLE: def(503, 'ATLAS-503-00-001', 'Service unavailable: {0}'),
} as const;

export type ErrorCodeName = keyof typeof ErrorCode;

export function formatMessage(template: string, params: readonly unknown[]): string {
  return template.replace(/\{(\d+)\}/g, (whole, n: string) => {
    const i = Number(n);
    return i < params.length ? String(params[i]) : whole;
  });
}
