import fs from 'node:fs';
import path from 'node:path';
import Ajv, { type ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';
import YAML from 'yaml';
import { ConnectorError, type StoreStatus } from './connector-port';

/** The OpenAPI document is the run-time contract: every 200 body is checked against it. */
export const CONNECTOR_API_SPEC = path.resolve(__dirname, '../../src/status/connector-api.yaml');
const STORES_PATH = '/v1/accounts/{accountId}/stores';

/** The 200 body as the schema guarantees it; extra fields may be present and are dropped. */
interface WireStore {
  storeId: string;
  platform: string;
  nickname: string;
  status: string;
  expiresAt: string | null;
  lastError: { code: string; message?: string | null; at?: string | null } | null;
}
export interface WireAccountStores {
  accountId: string;
  stores: WireStore[];
}

/** A checked 200 body, or a definite failure (one that another attempt would not change). */
export type Outcome = { ok: true; value: WireAccountStores } | { ok: false; error: ConnectorError };

let validator: ValidateFunction<WireAccountStores> | undefined;

/**
 * Compiled once per process: ajv compiles to code, which is far too slow to repeat per request,
 * and a broken document should fail at start-up rather than in the middle of a conversation.
 */
export function accountStoresValidator(): ValidateFunction<WireAccountStores> {
  if (validator) return validator;
  const doc = YAML.parse(fs.readFileSync(CONNECTOR_API_SPEC, 'utf8')) as {
    components?: unknown;
    paths?: Record<string, { get?: { responses?: Record<string, { content?: Record<string, { schema?: { $ref?: string } }> }> } }>;
  };
  // Follow the operation's own 200 response so the code checks what the document says, even if
  // the schema is renamed.
  const ref = doc.paths?.[STORES_PATH]?.get?.responses?.['200']?.content?.['application/json']?.schema?.$ref;
  if (!ref?.startsWith('#/components/')) {
    throw new Error(`${CONNECTOR_API_SPEC}: GET ${STORES_PATH} 200 must reference a schema under #/components/`);
  }
  // Strict mode stays on so a typo in a schema keyword fails loudly; "components" is the only
  // non-schema keyword the wrapper needs, and refs reach into it by JSON pointer.
  const ajv = new Ajv({ allErrors: true, strict: true });
  addFormats(ajv, ['date-time']);
  ajv.addKeyword({ keyword: 'components' });
  ajv.addSchema({ $id: 'connector-api', components: doc.components });
  validator = ajv.compile<WireAccountStores>({ $ref: `connector-api${ref}` });
  return validator;
}

export function invalid(message: string): ConnectorError {
  return new ConnectorError('invalid-response', message, { status: 200 });
}

/** The text of a 200 answer, parsed and checked against the contract. */
export function parseAccountStores(text: string, validate: ValidateFunction<WireAccountStores>): Outcome {
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    return { ok: false, error: invalid('connector API answer is not JSON') };
  }
  if (!validate(body)) {
    const problems = (validate.errors ?? [])
      .slice(0, 5)
      .map((e) => `${e.instancePath || '(body)'} ${e.message ?? 'is invalid'}`)
      .join('; ');
    return { ok: false, error: invalid(`connector API answer does not match the contract: ${problems}`) };
  }
  return { ok: true, value: body };
}

export function toStoreStatus(s: WireStore): StoreStatus {
  const lastError = s.lastError
    ? {
        code: s.lastError.code,
        ...(typeof s.lastError.message === 'string' ? { message: s.lastError.message } : {}),
        ...(typeof s.lastError.at === 'string' ? { at: s.lastError.at } : {}),
      }
    : null;
  return {
    storeId: s.storeId,
    // The rules compare with lower-case constants; "Shopee" from a newer connector is the same shop.
    platform: s.platform.trim().toLowerCase(),
    nickname: s.nickname,
    status: s.status.trim().toLowerCase(),
    expiresAt: s.expiresAt,
    lastError,
  };
}
