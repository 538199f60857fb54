import 'server-only';
import type { Principal } from '../auth/roles';
import { clientAddress } from '../auth/origin';
import { env } from '../config/env';
import { InvalidParameterError } from '../errors';
import { prisma } from '../db/prisma';
import { createStores } from '../stores';
import { redis } from '../stores/redis/connection';
import { storeSettingsFrom } from '../stores/settings';
import type { ActionDeps } from './deps';
import type { Actor } from './run-action';

/** The app's own stores and settings, for route handlers. */
export function appActionDeps(): ActionDeps {
  const config = storeSettingsFrom(env());
  return { db: prisma(), stores: createStores({ redis: redis(), db: prisma() }, config), config };
}

export function actorOf(request: Request, principal: unknown): Actor {
  return { principal: principal as Principal, clientAddress: clientAddress(request) };
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * The action id may come as `actionId` in the body or as an Idempotency-Key
 * header (what HTTP clients with retry middleware send); both must agree.
 */
export function withActionId<B extends { actionId?: string }>(request: Request, body: B): B {
  const header = request.headers.get('idempotency-key')?.trim();
  if (!header) return body;
  if (!UUID.test(header)) throw new InvalidParameterError('Idempotency-Key', 'must be a uuid');
  if (body.actionId && body.actionId.toLowerCase() !== header.toLowerCase()) {
    throw new InvalidParameterError('actionId', 'differs from the Idempotency-Key header');
  }
  return { ...body, actionId: header.toLowerCase() };
}

/** Marks a replayed answer, so a client can tell "ran now" from "had already run". */
export function replayHeaders(replayed: boolean): Record<string, string> {
  return replayed ? { 'Idempotency-Replayed': 'true' } : {};
}
